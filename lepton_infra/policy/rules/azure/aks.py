"""AKS cluster rules: KMS for etcd, a private API server, NetworkPolicy, local accounts off, Azure RBAC, an
upgrade channel, the Standard tier in prod, the Azure Policy add-on, Defender."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import Enforcement, ResourceView, Severity
from lepton_infra.policy.props import (
    UNKNOWN,
    as_bool,
    as_list,
    as_mapping,
    is_set,
    is_unknown,
    is_world,
    shown,
)
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules._shared import not_false, require_prod
from lepton_infra.policy.rules.azure.tokens import AZURE, MANAGED_CLUSTER
from lepton_infra.policy.rules.common import ENVIRONMENT_SCHEMA


@resource_rule(
    id="lepton-azure-aks-kms-etcd",
    title="AKS encrypts etcd with a Key Vault key (KMS)",
    severity=Severity.HIGH,
    types=(MANAGED_CLUSTER,),
    clouds=AZURE,
    description="`securityProfile.azureKeyVaultKms.enabled` is true with `keyId` set.",
    remediation="Set `security_profile.azure_key_vault_kms={'enabled': True, 'key_id': ...}` with the key's "
    "current version (`keyvault.get_key_output(...).key_uri_with_version`, read at every update).",
)
def aks_kms_etcd(r: ResourceView) -> Iterator[str]:
    kms = as_mapping(r.get("securityProfile.azureKeyVaultKms"))
    if as_bool(kms.get("enabled")) is not True and not is_unknown(kms.get("enabled")):
        yield "securityProfile.azureKeyVaultKms.enabled is not true: secrets are not KMS-encrypted"
    elif not is_set(kms.get("keyId")):
        yield "securityProfile.azureKeyVaultKms.keyId is not set"


@resource_rule(
    id="lepton-azure-aks-api-not-public",
    title="The AKS API is not open to the internet",
    severity=Severity.HIGH,
    types=(MANAGED_CLUSTER,),
    clouds=AZURE,
    description="`apiServerAccessProfile.enablePrivateCluster` is true, or "
    "`apiServerAccessProfile.authorizedIPRanges` lists ranges and none is 0.0.0.0/0.",
    remediation="Set `api_server_access_profile={'enable_private_cluster': True}` or authorized IP ranges.",
    anchors=("checkov:CKV_AZURE_6", "checkov:CKV_AZURE_115"),
)
def aks_api_not_public(r: ResourceView) -> Iterator[str]:
    profile = as_mapping(r.get("apiServerAccessProfile"))
    private = profile.get("enablePrivateCluster")
    if is_unknown(private) or as_bool(private) is True:
        return
    ranges = as_list(profile.get("authorizedIPRanges"))
    if not ranges:
        yield "public API server without authorizedIPRanges: open to the internet"
    elif any(is_world(x) for x in ranges):
        yield "apiServerAccessProfile.authorizedIPRanges admits 0.0.0.0/0"


@resource_rule(
    id="lepton-azure-aks-network-policy",
    title="AKS enforces NetworkPolicies",
    severity=Severity.HIGH,
    types=(MANAGED_CLUSTER,),
    clouds=AZURE,
    description="`networkProfile.networkPolicy` is azure, calico or cilium: without an enforcer the tenants' "
    "default-deny NetworkPolicies are silently ignored.",
    remediation="Set `network_profile={'network_plugin': 'azure', 'network_policy': 'cilium', "
    "'network_dataplane': 'cilium'}`.",
    anchors=("checkov:CKV_AZURE_7",),
)
def aks_network_policy(r: ResourceView) -> Iterator[str]:
    policy = r.get("networkProfile.networkPolicy")
    if policy is UNKNOWN:
        return
    if str(policy).lower() not in ("azure", "calico", "cilium"):
        yield f"networkProfile.networkPolicy is {shown(policy)}: NetworkPolicies are not enforced"


@resource_rule(
    id="lepton-azure-aks-local-accounts-disabled",
    title="AKS local accounts are disabled in prod",
    severity=Severity.HIGH,
    types=(MANAGED_CLUSTER,),
    clouds=AZURE,
    description="In prod, `disableLocalAccounts` is true, so every login goes through Entra ID.",
    remediation="Set `disable_local_accounts=True` and `aad_profile={'managed': True, 'enable_azure_rbac': "
    "True}`.",
    anchors=("checkov:CKV_AZURE_141",),
    config_schema={"environment": {"type": "string", "enum": ["dev", "staging", "prod"]}},
)
def aks_local_accounts(r: ResourceView) -> Iterator[str]:
    require_prod(r)
    value = r.get("disableLocalAccounts")
    if not is_unknown(value) and as_bool(value) is not True:
        yield "disableLocalAccounts is not true in prod"


UPGRADE_CHANNELS = frozenset({"patch", "stable", "rapid", "node-image"})


PAID_TIERS = frozenset({"Standard", "Premium"})


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
        problem = not_false(r, path)
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
    problem = not_false(r, "addonProfiles.azurepolicy.enabled")
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
    problem = not_false(r, "securityProfile.defender.securityMonitoring.enabled")
    if problem:
        yield problem
