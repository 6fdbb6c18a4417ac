"""AKS, Log Analytics and storage hardening rules a security scanner would raise on a prod stack: Azure
RBAC, an upgrade channel, the Standard tier in prod, the Azure Policy add-on, Defender, log retention,
TLS-only storage accounts. Over `azure-native:*` type tokens and the wire names azure-native 3 sends the
engine."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import Enforcement, ResourceView, Severity
from lepton_infra.policy.props import as_bool, as_int, is_unknown, shown
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules._shared import require_prod
from lepton_infra.policy.rules.azure import AZURE, MANAGED_CLUSTER, STORAGE_ACCOUNT
from lepton_infra.policy.rules.common import ENVIRONMENT_SCHEMA

WORKSPACE = "azure-native:operationalinsights:Workspace"
UPGRADE_CHANNELS = frozenset({"patch", "stable", "rapid", "node-image"})
PAID_TIERS = frozenset({"Standard", "Premium"})
PROD_LOG_RETENTION_DAYS = 365


def _not_false(r: ResourceView, path: str) -> str | None:
    value = r.get(path)
    if is_unknown(value) or as_bool(value) is True:
        return None
    return f"{path} is {shown(value)}, not true"


@resource_rule(
    id="lepton-azure-aks-azure-rbac",
    title="AKS authorizes through Entra ID and Azure RBAC",
    severity=Severity.HIGH,
    types=(MANAGED_CLUSTER,),
    clouds=AZURE,
    description="`enableRBAC`, `aadProfile.managed` and `aadProfile.enableAzureRBAC` are true: Kubernetes "
    "authorization follows Entra ID identities and Azure role assignments.",
    remediation="Set `enable_rbac=True` and `aad_profile=...(managed=True, enable_azure_rbac=True)`.",
    anchors=("checkov:CKV_AZURE_5",),
)
def aks_azure_rbac(r: ResourceView) -> Iterator[str]:
    for path in ("enableRBAC", "aadProfile.managed", "aadProfile.enableAzureRBAC"):
        problem = _not_false(r, path)
        if problem:
            yield problem


@resource_rule(
    id="lepton-azure-aks-upgrade-channel",
    title="AKS has an automatic upgrade channel",
    severity=Severity.MEDIUM,
    types=(MANAGED_CLUSTER,),
    clouds=AZURE,
    description="`autoUpgradeProfile.upgradeChannel` is patch, stable, rapid or node-image (not none or "
    "unset), so the cluster receives Kubernetes patches.",
    remediation="Set `auto_upgrade_profile=...(upgrade_channel='patch')` (`azure.upgrade_channel`).",
    anchors=("checkov:CKV_AZURE_171",),
)
def aks_upgrade_channel(r: ResourceView) -> Iterator[str]:
    channel = r.get("autoUpgradeProfile.upgradeChannel")
    if not is_unknown(channel) and channel not in UPGRADE_CHANNELS:
        yield f"autoUpgradeProfile.upgradeChannel is {shown(channel)}: no automatic upgrades"


@resource_rule(
    id="lepton-azure-aks-standard-tier-prod",
    title="Prod AKS clusters use the Standard tier",
    severity=Severity.MEDIUM,
    types=(MANAGED_CLUSTER,),
    clouds=AZURE,
    description="In prod, `sku.tier` is Standard or Premium: the Free tier has no uptime SLA and a "
    "control plane sized for small clusters.",
    remediation="Set `sku=...(name='Base', tier='Standard')` in prod (the platform does).",
    anchors=("checkov:CKV_AZURE_170",),
    config_schema=ENVIRONMENT_SCHEMA,
)
def aks_standard_tier(r: ResourceView) -> Iterator[str]:
    require_prod(r)
    tier = r.get("sku.tier")
    if not is_unknown(tier) and tier not in PAID_TIERS:
        yield f"sku.tier is {shown(tier)} in prod: no uptime SLA"


@resource_rule(
    id="lepton-azure-aks-azure-policy",
    title="AKS runs the Azure Policy add-on",
    severity=Severity.LOW,
    types=(MANAGED_CLUSTER,),
    clouds=AZURE,
    enforcement=Enforcement.ADVISORY,
    description="`addonProfiles.azurepolicy.enabled` is true (Gatekeeper with Azure's initiatives). "
    "Advisory: the platform enforces Pod Security Admission `restricted` on tenant namespaces and this "
    "pack in CI; the add-on's pods cost node capacity (docs/security.md).",
    remediation="Set `addon_profiles={'azurepolicy': ManagedClusterAddonProfileArgs(enabled=True)}`.",
    anchors=("checkov:CKV_AZURE_116",),
)
def aks_azure_policy(r: ResourceView) -> Iterator[str]:
    problem = _not_false(r, "addonProfiles.azurepolicy.enabled")
    if problem:
        yield problem


@resource_rule(
    id="lepton-azure-aks-defender",
    title="AKS reports to Microsoft Defender for Containers",
    severity=Severity.LOW,
    types=(MANAGED_CLUSTER,),
    clouds=AZURE,
    enforcement=Enforcement.ADVISORY,
    description="`securityProfile.defender.securityMonitoring.enabled` is true with a Log Analytics "
    "workspace. Advisory: Defender for Containers is billed per vCore of the subscription's plan "
    "(docs/security.md).",
    remediation="Enable the Defender for Containers plan, then set `security_profile=...(defender=...("
    "log_analytics_workspace_resource_id=ws.id, security_monitoring=...(enabled=True)))`.",
)
def aks_defender(r: ResourceView) -> Iterator[str]:
    problem = _not_false(r, "securityProfile.defender.securityMonitoring.enabled")
    if problem:
        yield problem


@resource_rule(
    id="lepton-azure-log-retention-prod",
    title="Prod Log Analytics workspaces keep a year of logs",
    severity=Severity.MEDIUM,
    types=(WORKSPACE,),
    clouds=AZURE,
    enforcement=Enforcement.ADVISORY,
    description=f"In prod, `retentionInDays` is at least {PROD_LOG_RETENTION_DAYS}. Advisory: interactive "
    "retention beyond 31 days is billed per GB-month (docs/security.md).",
    remediation="Set `monitoring.retention_days: 365` in the prod stack.",
    config_schema=ENVIRONMENT_SCHEMA,
)
def log_retention_prod(r: ResourceView) -> Iterator[str]:
    require_prod(r)
    days = as_int(r.get("retentionInDays"))
    if days is not None and days < PROD_LOG_RETENTION_DAYS:
        yield f"retentionInDays is {days}, under {PROD_LOG_RETENTION_DAYS} in prod"


@resource_rule(
    id="lepton-azure-storage-tls-only",
    title="Storage accounts refuse plain HTTP and old TLS",
    severity=Severity.HIGH,
    types=(STORAGE_ACCOUNT,),
    clouds=AZURE,
    description="`enableHttpsTrafficOnly` is true and `minimumTlsVersion` is TLS1_2 or later: the account "
    "refuses HTTP requests and TLS 1.0/1.1 handshakes (the Azure counterpart of the S3 TLS-only policy).",
    remediation="Set `enable_https_traffic_only=True, minimum_tls_version='TLS1_2'`.",
    anchors=("checkov:CKV_AZURE_3", "checkov:CKV_AZURE_44"),
)
def storage_tls_only(r: ResourceView) -> Iterator[str]:
    if (problem := _not_false(r, "enableHttpsTrafficOnly")) is not None:
        yield problem
    version = r.get("minimumTlsVersion")
    if not is_unknown(version) and version not in ("TLS1_2", "TLS1_3"):
        yield f"minimumTlsVersion is {shown(version)}, not TLS1_2 or later"
