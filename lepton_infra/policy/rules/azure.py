"""Azure rules, over `azure-native:*` type tokens (pulumi-azure-native v3).

The rules import no SDK. The input names are the wire names pulumi-azure-native sends (the ARM API's
camelCase, which is not always the snake_case name camelCased: `diskEncryptionSetID`,
`apiServerAccessProfile.authorizedIPRanges`); tests/policies/test_shipped_stacks.py resolves every path
read here through the installed SDK's input types.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import (
    UNKNOWN,
    as_bool,
    as_int,
    as_list,
    as_mapping,
    is_set,
    is_unknown,
    is_world,
    shown,
)
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules._shared import (
    WEB_PORTS,
    effect_is_no_schedule,
    networks_without_flow_logs,
    parse_k8s_taint,
    require_prod,
)

AZURE = ("azure",)
MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster"
AGENT_POOL = "azure-native:containerservice:AgentPool"
NSG = "azure-native:network:NetworkSecurityGroup"
SECURITY_RULE = "azure-native:network:SecurityRule"
VNET = "azure-native:network:VirtualNetwork"
FLOW_LOG = "azure-native:network:FlowLog"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
VAULT = "azure-native:keyvault:Vault"
KEY = "azure-native:keyvault:Key"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
REGISTRY = "azure-native:containerregistry:Registry"
# Built-in role definition ids (the same in every tenant).
OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
CONTRIBUTOR_ROLE = "b24988ac-6180-42a0-ab88-20f7382dd24c"
SUBSCRIPTION_SCOPE = re.compile(r"^/subscriptions/[^/]+/?$", re.IGNORECASE)
GPU_VM = re.compile(r"^Standard_N[CDVG]", re.IGNORECASE)


def _pools(r: ResourceView) -> list[tuple[str, Mapping[str, Any]]]:
    """(where, profile) for each node pool a resource declares."""
    if r.type == AGENT_POOL:
        return [("", r.props)]
    return [
        (f"agentPoolProfiles[{p.get('name', i)}].", as_mapping(p))
        for i, p in enumerate(as_list(r.get("agentPoolProfiles")))
    ]


def _is_gpu(profile: Mapping[str, Any]) -> bool:
    return bool(GPU_VM.match(str(profile.get("vmSize", ""))))


# --- encryption at rest ---------------------------------------------------------------------------


@resource_rule(
    id="lepton-azure-aks-kms-etcd",
    title="AKS encrypts etcd with a Key Vault key (KMS)",
    severity=Severity.HIGH,
    types=(MANAGED_CLUSTER,),
    clouds=AZURE,
    description="`securityProfile.azureKeyVaultKms.enabled` is true with `keyId` set.",
    remediation="Set `security_profile.azure_key_vault_kms={'enabled': True, 'key_id': "
    "key.key_uri_with_version}`.",
)
def aks_kms_etcd(r: ResourceView) -> Iterator[str]:
    kms = as_mapping(r.get("securityProfile.azureKeyVaultKms"))
    if as_bool(kms.get("enabled")) is not True and not is_unknown(kms.get("enabled")):
        yield "securityProfile.azureKeyVaultKms.enabled is not true: secrets are not KMS-encrypted"
    elif not is_set(kms.get("keyId")):
        yield "securityProfile.azureKeyVaultKms.keyId is not set"


@stack_rule(
    id="lepton-azure-aks-node-disk-encryption",
    title="AKS node disks use our key or encryption at host",
    severity=Severity.HIGH,
    clouds=AZURE,
    description="A cluster has `diskEncryptionSetID` (customer-managed key); otherwise every node pool, "
    "inline or `AgentPool`, has `enableEncryptionAtHost`.",
    remediation="Create a DiskEncryptionSet with our Key Vault key and set `disk_encryption_set_id`, or "
    "set `enable_encryption_at_host=True` on every pool.",
    anchors=("checkov:CKV_AZURE_117",),
)
def aks_node_disk_encryption(stack: StackView) -> Iterator[Finding]:
    clusters, pools = stack.of_type(MANAGED_CLUSTER), stack.of_type(AGENT_POOL)
    if not clusters and not pools:
        raise NotApplicable("no AKS cluster in the stack")
    with_des = {c.urn for c in clusters if is_set(c.get("diskEncryptionSetID"))}
    for cluster in clusters:
        if cluster.urn in with_des:
            continue
        for where, profile in _pools(cluster):
            if as_bool(profile.get("enableEncryptionAtHost")) is not True:
                yield Finding(
                    f"{cluster.name}: {where}enableEncryptionAtHost is not true and the cluster has "
                    "no diskEncryptionSetID",
                    cluster.urn,
                )
    for pool in pools:
        if with_des & set(pool.dependencies):
            continue
        if as_bool(pool.get("enableEncryptionAtHost")) is not True:
            yield Finding(
                f"agent pool {pool.name}: enableEncryptionAtHost is not true and its cluster has no "
                "diskEncryptionSetID",
                pool.urn,
            )


@resource_rule(
    id="lepton-azure-key-rotation",
    title="Key Vault keys have a rotation policy",
    severity=Severity.HIGH,
    types=(KEY,),
    clouds=AZURE,
    description="`properties.rotationPolicy.lifetimeActions` holds a Rotate action.",
    remediation="Set `properties.rotation_policy` with a lifetime action `{'action': {'type': 'Rotate'}, "
    "'trigger': {'time_after_create': 'P90D'}}`.",
)
def key_rotation(r: ResourceView) -> Iterator[str]:
    actions = as_list(r.get("properties.rotationPolicy.lifetimeActions"))
    if is_unknown(r.get("properties.rotationPolicy.lifetimeActions")):
        return
    if not any(
        str(as_mapping(as_mapping(a).get("action")).get("type", "")).lower() == "rotate" for a in actions
    ):
        yield "properties.rotationPolicy has no Rotate lifetime action"


@resource_rule(
    id="lepton-azure-storage-cmk",
    title="Storage accounts use our Key Vault key",
    severity=Severity.HIGH,
    types=(STORAGE_ACCOUNT,),
    clouds=AZURE,
    description="`encryption.keySource` is Microsoft.Keyvault with `encryption.keyVaultProperties.keyName`.",
    remediation="Set `encryption={'key_source': 'Microsoft.Keyvault', 'key_vault_properties': {...}}` "
    "with a user-assigned identity that can use the key.",
    anchors=("checkov:CKV2_AZURE_1",),
)
def storage_cmk(r: ResourceView) -> Iterator[str]:
    source = r.get("encryption.keySource")
    if source is UNKNOWN:
        return
    if str(source).lower() != "microsoft.keyvault":
        yield f"encryption.keySource is {shown(source)}: Microsoft-managed keys"
    elif not is_set(r.get("encryption.keyVaultProperties.keyName")):
        yield "encryption.keyVaultProperties.keyName is not set"


@resource_rule(
    id="lepton-azure-acr-cmk",
    title="Container registries use our Key Vault key",
    severity=Severity.MEDIUM,
    types=(REGISTRY,),
    clouds=AZURE,
    description="`encryption.status` is enabled with `encryption.keyVaultProperties.keyIdentifier` "
    "(Premium).",
    remediation="Use the Premium SKU and set `encryption={'status': 'enabled', 'key_vault_properties': "
    "{...}}`.",
)
def acr_cmk(r: ResourceView) -> Iterator[str]:
    status = r.get("encryption.status")
    if str(status).lower() != "enabled" and not is_unknown(status):
        yield f"encryption.status is {shown(status)}: Microsoft-managed keys"
    elif not is_set(r.get("encryption.keyVaultProperties.keyIdentifier")):
        yield "encryption.keyVaultProperties.keyIdentifier is not set"


# --- network exposure -----------------------------------------------------------------------------


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


def _rule_problems(rule: Mapping[str, Any]) -> str | None:
    if str(rule.get("direction", "")).lower() != "inbound" or str(rule.get("access", "")).lower() != "allow":
        return None
    sources = [rule.get("sourceAddressPrefix"), *as_list(rule.get("sourceAddressPrefixes"))]
    if not any(is_world(s) for s in sources):
        return None
    ports = [rule.get("destinationPortRange"), *as_list(rule.get("destinationPortRanges"))]
    ports = [str(p) for p in ports if p is not None]
    protocol = str(rule.get("protocol", "*")).lower()
    if protocol == "tcp" and ports and all(p.isdigit() and int(p) in WEB_PORTS for p in ports):
        return None
    return f"rule {rule.get('name', '')} allows {protocol} ports {','.join(ports) or '*'} from the internet"


@resource_rule(
    id="lepton-azure-no-world-ingress",
    title="No NSG rule admits the internet except HTTP(S)",
    severity=Severity.CRITICAL,
    types=(NSG, SECURITY_RULE),
    clouds=AZURE,
    description="No inbound Allow rule from *, Internet, 0.0.0.0/0 or ::/0, except TCP 80/443.",
    remediation="Narrow `source_address_prefix` to known ranges or service tags.",
    anchors=("checkov:CKV_AZURE_9", "checkov:CKV_AZURE_10"),
)
def no_world_ingress(r: ResourceView) -> Iterator[str]:
    rules = [r.props] if r.type == SECURITY_RULE else [as_mapping(x) for x in as_list(r.get("securityRules"))]
    for rule in rules:
        problem = _rule_problems(as_mapping(rule.get("properties")) or rule)
        if problem:
            yield problem


@stack_rule(
    id="lepton-azure-vnet-flow-logs",
    title="Virtual networks have flow logs",
    severity=Severity.MEDIUM,
    clouds=AZURE,
    description="Every virtual network is the target of an `azure-native:network:FlowLog` (VNet flow logs).",
    remediation="Add `network.FlowLog(target_resource_id=vnet.id, storage_id=..., enabled=True, ...)`.",
    anchors=("checkov:CKV_AZURE_12",),
)
def vnet_flow_logs(stack: StackView) -> Iterator[Finding]:
    yield from networks_without_flow_logs(
        stack, VNET, FLOW_LOG, "virtual network", counts=lambda log: as_bool(log.get("enabled")) is not False
    )


# --- compute hardening ----------------------------------------------------------------------------


@resource_rule(
    id="lepton-azure-node-pool-autoscaling",
    title="AKS node pools autoscale with a maximum",
    severity=Severity.MEDIUM,
    types=(MANAGED_CLUSTER, AGENT_POOL),
    clouds=AZURE,
    description="Every node pool has `enableAutoScaling` true and `maxCount` at least `minCount`.",
    remediation="Set `enable_auto_scaling=True, min_count=0, max_count=<ceiling>`.",
)
def node_pool_autoscaling(r: ResourceView) -> Iterator[str]:
    for where, p in _pools(r):
        if as_bool(p.get("enableAutoScaling")) is not True and not is_unknown(p.get("enableAutoScaling")):
            yield f"{where}enableAutoScaling is not true: no autoscaling ceiling"
            continue
        high, low = as_int(p.get("maxCount")), as_int(p.get("minCount"))
        if high is None and not is_unknown(p.get("maxCount")):
            yield f"{where}maxCount is not set"
        elif high is not None and low is not None and low > high:
            yield f"{where}minCount {low} is above maxCount {high}"


@resource_rule(
    id="lepton-azure-gpu-pool-tainted",
    title="GPU node pools carry the GPU taint",
    severity=Severity.MEDIUM,
    types=(MANAGED_CLUSTER, AGENT_POOL),
    clouds=AZURE,
    description="A pool of N-series VMs has `nodeTaints` with `nvidia.com/gpu=...:NoSchedule`.",
    remediation="Set `node_taints=['nvidia.com/gpu=present:NoSchedule']`.",
)
def gpu_pool_tainted(r: ResourceView) -> Iterator[str]:
    gpu_pools = [(w, p) for w, p in _pools(r) if _is_gpu(p)]
    if not gpu_pools:
        raise NotApplicable("no GPU node pool")
    for where, p in gpu_pools:
        taints = [parse_k8s_taint(str(t)) for t in as_list(p.get("nodeTaints"))]
        if not any(
            t.get("key") == "nvidia.com/gpu" and effect_is_no_schedule(t.get("effect")) for t in taints
        ):
            yield f"{where}nodeTaints lacks nvidia.com/gpu=present:NoSchedule"


@resource_rule(
    id="lepton-azure-spot-gpu-min-zero",
    title="Spot GPU node pools scale to zero",
    severity=Severity.MEDIUM,
    types=(MANAGED_CLUSTER, AGENT_POOL),
    clouds=AZURE,
    description="A pool with `scaleSetPriority` Spot and an N-series VM size has `minCount` 0.",
    remediation="Set `min_count=0`.",
)
def spot_gpu_min_zero(r: ResourceView) -> Iterator[str]:
    spot = [
        (w, p) for w, p in _pools(r) if _is_gpu(p) and str(p.get("scaleSetPriority", "")).lower() == "spot"
    ]
    if not spot:
        raise NotApplicable("no spot GPU node pool")
    for where, p in spot:
        low = as_int(p.get("minCount"))
        if low not in (0, None):
            yield f"{where}minCount is {low} on a spot GPU pool"


# --- identity -------------------------------------------------------------------------------------


@resource_rule(
    id="lepton-azure-no-subscription-owner",
    title="No Owner or Contributor on a whole subscription",
    severity=Severity.CRITICAL,
    types=(ROLE_ASSIGNMENT,),
    clouds=AZURE,
    description="Role assignments at subscription scope never grant Owner or Contributor.",
    remediation="Assign at resource-group or resource scope, with a narrower built-in role.",
)
def no_subscription_owner(r: ResourceView) -> Iterator[str]:
    scope, role = r.get("scope"), str(r.get("roleDefinitionId", "")).lower()
    if not isinstance(scope, str) or not SUBSCRIPTION_SCOPE.match(scope):
        raise NotApplicable("not a subscription-wide assignment")
    for name, guid in (("Owner", OWNER_ROLE), ("Contributor", CONTRIBUTOR_ROLE)):
        if role.endswith(guid):
            yield f"{name} assigned on the whole subscription {scope}"


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


# --- data protection ------------------------------------------------------------------------------


@resource_rule(
    id="lepton-azure-key-vault-purge-protection",
    title="Key Vaults have purge protection",
    severity=Severity.HIGH,
    types=(VAULT,),
    clouds=AZURE,
    description="`properties.enablePurgeProtection` is true (soft delete is always on).",
    remediation="Set `properties.enable_purge_protection=True`.",
    anchors=("checkov:CKV_AZURE_110", "checkov:CKV_AZURE_42"),
)
def key_vault_purge_protection(r: ResourceView) -> Iterator[str]:
    value = r.get("properties.enablePurgeProtection")
    if not is_unknown(value) and as_bool(value) is not True:
        yield "properties.enablePurgeProtection is not true"


@resource_rule(
    id="lepton-azure-storage-no-public-access",
    title="Storage accounts allow no public blob access",
    severity=Severity.HIGH,
    types=(STORAGE_ACCOUNT,),
    clouds=AZURE,
    description="`allowBlobPublicAccess` is false.",
    remediation="Set `allow_blob_public_access=False`.",
)
def storage_no_public_access(r: ResourceView) -> Iterator[str]:
    value = r.get("allowBlobPublicAccess")
    if not is_unknown(value) and as_bool(value) is not False:
        yield "allowBlobPublicAccess is not false"


@resource_rule(
    id="lepton-azure-acr-no-admin-user",
    title="Container registries have the admin user off",
    severity=Severity.MEDIUM,
    types=(REGISTRY,),
    clouds=AZURE,
    description="`adminUserEnabled` is not true (pulls use managed identities).",
    remediation="Set `admin_user_enabled=False`.",
    anchors=("checkov:CKV_AZURE_137",),
)
def acr_no_admin_user(r: ResourceView) -> Iterator[str]:
    if as_bool(r.get("adminUserEnabled")) is True:
        yield "adminUserEnabled is true: a shared password can push and pull"
