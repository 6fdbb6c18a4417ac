"""Pure Azure planning: the VNet layout, cloud-side names, built-in role ids, node pool shape, the ABAC
condition of a tenant's prefix and the kubeconfig. No SDK here, so every rule is tested without Pulumi.
(What AKS and ARM refuse is checked at spec time by the Azure profile: profiles/azure/rules.py.)"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from ipaddress import IPv4Network

import yaml

from lepton_infra.core.conventions import (
    GPU_TAINT_EFFECT,
    GPU_TAINT_KEY,
    GPU_TAINT_VALUE,
    RESERVED_TAINT_EFFECT,
    RESERVED_TAINT_KEY,
    RESERVED_TAINT_VALUE,
    pool_labels,
)
from lepton_infra.core.kubeconfig import ExecCredential, exec_kubeconfig
from lepton_infra.core.naming import physical_name

# Built-in role definition ids: the same GUID in every tenant (Azure built-in roles reference).
ROLE = {
    "Key Vault Crypto Service Encryption User": "e147488a-f6f5-4113-8e2d-b22465e65bf6",  # get/wrap/unwrap
    "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",  # + encrypt/decrypt (AKS KMS)
    "Network Contributor": "4d97b98b-1d4f-4787-a291-c67834d212e7",
    "Managed Identity Operator": "f1a07417-d97a-45cb-824c-7a7467783830",
    "Reader": "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    "AcrPull": "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    "Azure Kubernetes Service RBAC Cluster Admin": "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    # listClusterUserCredential/action only: downloading the cluster's (kubelogin) kubeconfig.
    "Azure Kubernetes Service Cluster User Role": "4abbcc35-e782-43d8-92c5-2d3f1bd2253f",
    "DNS Zone Contributor": "befefa01-2a29-4197-83a8-272ff33ce314",
    # AKS's documented grant for node pools in a capacity reservation group (azure/cluster_identity.py).
    "Contributor": "b24988ac-6180-42a0-ab88-20f7382dd24c",
}

# AKS's own taint on every spot node (added by AKS whether asked or not). Declaring it on the pool
# keeps the plan free of a spurious diff; pods that may run on spot tolerate it.
SPOT_TAINT = ("kubernetes.azure.com/scalesetpriority", "spot", "NoSchedule")
# The containerd runtime handlers of an AKS GPU node whose pool installs the driver (`gpuProfile.driver:
# Install`): `nvidia-container-runtime`, the default, and `untrusted`, both running
# /usr/bin/nvidia-container-runtime; no `runc` and no `nvidia` (Azure/AgentBaker pkg/agent/baker.go
# containerd templates, the `IsNSeriesSKU` branch, at 06836ee2 of 2026-08-21; read 2026-12-07).
AKS_GPU_RUNTIME_HANDLERS = ("nvidia-container-runtime", "untrusted")
# What the GPU operator's operands run with on those nodes: NVIDIA's documented configuration for AKS
# images with the driver and toolkit preinstalled (NVIDIA/cloud-native-docs gpu-operator/microsoft-aks.rst:
# driver.enabled=false, toolkit.enabled=false, operator.runtimeClass=nvidia-container-runtime).
AKS_GPU_RUNTIME_CLASS = "nvidia-container-runtime"
# The first Kubernetes minor whose AKS-managed cluster autoscaler serves ProvisioningRequests: AKS "Provision
# capacity for Kueue batch jobs with the cluster autoscaler" (MicrosoftDocs/azure-aks-docs
# articles/aks/configure-kueue-with-cluster-autoscaler.md, ms.date 2026-07-17, at fb060abe: Kueue's
# ProvisioningRequest check with `best-effort-atomic-scale-up`, no autoscaler flag to set) and its
# companion example's review (Azure/AKS PR #5867, 2026-09-04: "1.33+ (that is when ProvisioningRequest
# support shipped in the AKS cluster autoscaler)"). The Azure provider scales a scale set atomically from
# cluster-autoscaler 1.36.0 (AtomicIncreaseSize, cloudprovider/azure/azure_scale_set.go); before, the
# autoscaler falls back to raising it by the whole delta in one step (core/scaleup/orchestrator/
# executor.go at 1.35.0), so all-or-nothing is best effort there, as on AWS.
AKS_PROVISIONING_REQUESTS_FROM = (1, 33)
# The taint that keeps everything but critical add-ons off the AKS system pool.
SYSTEM_POOL_TAINT = "CriticalAddonsOnly=true:NoSchedule"
# The application id of the AKS Entra ID server (the audience kubelogin requests tokens for).
AKS_AAD_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630"
WORKSPACE_MIN_RETENTION_DAYS = 30

# What the Azure components refuse in their args (each `...Args.problems()`), besides the profile's limits:
# Azure regions with availability zones have three ("1", "2", "3": pool_shape spreads over them).
AKS_ZONES = 3
# AKS refuses a service range larger than a /12 (the profile's spec check, same bound).
MIN_SERVICE_PREFIX = 12
# Key Vault `softDeleteRetentionInDays` "accepts >=7 and <=90" (azure-native 3.29 keyvault VaultProperties,
# read 2026-12-07).
MIN_SOFT_DELETE_DAYS, MAX_SOFT_DELETE_DAYS = 7, 90
# Azure budget notification thresholds lie in (0, 1000] percent (the profile's spec check, same bound).
MAX_BUDGET_THRESHOLD_PERCENT = 1000
# Blob container names (learn.microsoft.com, "Naming and Referencing Containers, Blobs, and Metadata"): 3 to
# 63 lowercase letters, digits and hyphens, starting with a letter or digit, every hyphen followed by one.
CONTAINER_NAME = re.compile(r"[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}")


@dataclass(frozen=True)
class VnetLayout:
    nodes: IPv4Network
    endpoints: IPv4Network  # private endpoints (model storage)
    api_server: IPv4Network  # delegated to Microsoft.ContainerService/managedClusters
    runner: IPv4Network  # the deploy runner of a private cluster (declared only then)


def plan_vnet(cidr: IPv4Network) -> VnetLayout:
    """Nodes take the first half of the range (pods use the overlay, so nodes need one address each);
    private endpoints a /24 from the bottom of the second half, the API server a /28 (AKS's minimum) from
    its top and the deploy runner the /27 below the API server's (the spec's VNet is /20 or larger, so the
    three never meet)."""
    first, second = cidr.subnets(prefixlen_diff=1)
    endpoint_prefix = max(second.prefixlen, 24)
    endpoints = next(second.subnets(new_prefix=endpoint_prefix))
    api_server = list(second.subnets(new_prefix=28))[-1]
    runner = list(second.subnets(new_prefix=27))[-2]
    return VnetLayout(nodes=first, endpoints=endpoints, api_server=api_server, runner=runner)


def dns_service_ip(service_cidr: IPv4Network) -> str:
    """The cluster DNS address: the tenth address of the service range (AKS's convention; .1 is the
    kubernetes service)."""
    return str(service_cidr.network_address + 10)


def storage_account_name(*parts: str) -> str:
    """3-24 lowercase letters and digits, globally unique (the name is part of the endpoint)."""
    return physical_name(*parts, limit="azure:storage-account", alphanumeric_only=True)


def key_vault_name(*parts: str) -> str:
    """3-24 letters, digits and hyphens, starting with a letter, globally unique."""
    return physical_name(*parts, limit="azure:key-vault")


def registry_name(*parts: str) -> str:
    """5-50 letters and digits, globally unique (`<name>.azurecr.io`)."""
    return physical_name(*parts, limit=50, alphanumeric_only=True)


def role_definition_id(subscription_id: str, role: str) -> str:
    return f"/subscriptions/{subscription_id}/providers/Microsoft.Authorization/roleDefinitions/{ROLE[role]}"


# --- node pools -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolShape:
    labels: dict[str, str]
    taints: list[str]
    gpu_driver: str | None  # gpuProfile.driver; None for CPU pools
    zones: list[str] | None
    priority: str
    upgrade_max_surge: str | None = None
    upgrade_max_unavailable: str | None = None


def pool_shape(
    pool: str,
    *,
    gpu_type: str | None,
    spot: bool,
    zones: int,
    extra_labels: Mapping[str, str] | None = None,
    reserved: bool = False,
) -> PoolShape:
    """Labels and taints as on the other clouds (core/conventions.py), plus what AKS itself requires."""
    taints = []
    if gpu_type:
        taints.append(f"{GPU_TAINT_KEY}={GPU_TAINT_VALUE}:{GPU_TAINT_EFFECT}")
    if gpu_type and reserved:  # prod: the pool of the services kept running, theirs alone
        taints.append(f"{RESERVED_TAINT_KEY}={RESERVED_TAINT_VALUE}:{RESERVED_TAINT_EFFECT}")
    if spot:
        taints.append("{}={}:{}".format(*SPOT_TAINT))
    return PoolShape(
        # Not `nvidia.com/gpu.present`: the GPU operator owns it on AKS (it runs node-feature-discovery
        # here) and rewrites it from what NFD finds; a pool-declared value would be overwritten or, on a
        # node NFD missed, contradict the operator.
        labels={**pool_labels(pool, gpu_type), **dict(extra_labels or {})},
        taints=taints,
        # AKS installs the NVIDIA driver and container toolkit on its GPU node images (`Install`, stated
        # explicitly: an unset driver reads back as Install and shows a diff that replaces the pool). The
        # GPU operator then installs only the device plugin and the DCGM exporter, its operands running
        # with the node's own runtime handler (GpuFacts on the cluster handle: AKS_GPU_RUNTIME_CLASS).
        gpu_driver="Install" if gpu_type else None,
        # GPU sizes are not offered in every zone of a region: a zonal GPU pool fails at scale-out in a
        # zone without the size, so GPU pools stay regional and CPU pools spread over the zones.
        zones=None if gpu_type else [str(z) for z in range(1, zones + 1)],
        priority="Spot" if spot else "Regular",
        **upgrade_settings(gpu=bool(gpu_type), spot=spot),
    )


def upgrade_settings(*, gpu: bool, spot: bool) -> dict[str, str | None]:
    """How a pool rolls on an upgrade or a node image (AKS "Upgrade options": maxSurge=0 with maxUnavailable=N
    drains N existing nodes, no surge node; upgradeSettings of azure-native 3.29, API 2025-09-01).
    GPU pools take no surge: an upgrade of the H100 pool at 33% would ask for a third of its GPUs again in
    quota and scarce capacity; one node at a time is drained and reimaged instead. CPU pools surge a third
    (cheap, keeps pod capacity). Spot pools carry no settings: AKS rejects surge settings there and never
    surges a spot pool (its nodes are cordoned and evicted in place)."""
    if spot:
        return {"upgrade_max_surge": None, "upgrade_max_unavailable": None}
    if gpu:
        return {"upgrade_max_surge": "0", "upgrade_max_unavailable": "1"}
    return {"upgrade_max_surge": "33%", "upgrade_max_unavailable": None}


# --- identities and access ------------------------------------------------------------------------

WORKLOAD_IDENTITY_AUDIENCE = "api://AzureADTokenExchange"
BLOB_READ = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"


def workload_subject(namespace: str, service_account: str) -> str:
    return f"system:serviceaccount:{namespace}:{service_account}"


def prefix_read_condition(container: str, prefix: str) -> str:
    """An ABAC condition (version 2.0) limiting Storage Blob Data Reader to `container/prefix`: reads of
    blobs under the prefix, and listings whose requested prefix lies under it. Everything else the
    role grants (other containers, other prefixes) is denied."""
    prefix = prefix.strip("/") + "/"
    container_is = (
        f"@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] "
        f"StringEquals '{container}'"
    )
    return (
        f"((!(ActionMatches{{'{BLOB_READ}'}} AND NOT SubOperationMatches{{'Blob.List'}})) OR "
        f"({container_is} AND "
        f"@Resource[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:path] "
        f"StringStartsWith '{prefix}'))"
        " AND "
        f"((!(ActionMatches{{'{BLOB_READ}'}} AND SubOperationMatches{{'Blob.List'}})) OR "
        f"({container_is} AND "
        f"@Request[Microsoft.Storage/storageAccounts/blobServices/containers/blobs:prefix] "
        f"StringStartsWith '{prefix}'))"
    )


def container_scope(account_id: str, container: str) -> str:
    return f"{account_id}/blobServices/default/containers/{container}"


# --- kubeconfig -----------------------------------------------------------------------------------


def aks_kubeconfig(cluster_name: str, credential_b64: str) -> str:
    """A kubeconfig (JSON is YAML) for an AKS cluster with Entra ID and local accounts disabled.

    The server and CA come from AKS's listClusterUserCredential answer; the user authenticates through
    kubelogin (`--login azurecli`, overridable with kubelogin's AAD_LOGIN_METHOD, e.g. `workloadidentity`
    or `spn` in CI): short-lived Entra tokens, never a static certificate or token.
    """
    source = yaml.safe_load(base64.b64decode(credential_b64).decode())
    cluster = source["clusters"][0]["cluster"]
    return exec_kubeconfig(
        cluster_name,
        cluster["server"],
        cluster["certificate-authority-data"],
        ExecCredential(
            command="kubelogin",
            args=("get-token", "--login", "azurecli", "--server-id", AKS_AAD_SERVER_APP_ID),
            install_hint="Install kubelogin: az aks install-cli (https://azure.github.io/kubelogin)",
        ),
    )


# --- monitoring -----------------------------------------------------------------------------------


def workspace_retention_days(retention_days: int) -> int:
    """Log Analytics keeps data at least 30 days on the pay-as-you-go tier."""
    return max(retention_days, WORKSPACE_MIN_RETENTION_DAYS)


def budget_start(today: date) -> str:
    """The first day of the current month: Azure requires a budget to start on the first of a month, and
    a past start only within the current period."""
    return f"{today.year:04d}-{today.month:02d}-01T00:00:00Z"


def action_group_short_name(label: str) -> str:
    """Action groups need a short name of at most 12 characters (shown in e-mails and SMS)."""
    return physical_name(label, limit=12)


def serves_provisioning_requests(kubernetes_version: str) -> bool:
    """Whether AKS's managed cluster autoscaler serves ProvisioningRequests on this minor."""
    major, minor = (int(part) for part in kubernetes_version.split(".")[:2])
    return (major, minor) >= AKS_PROVISIONING_REQUESTS_FROM


def credential_value(credential: object) -> str:
    """The base64 kubeconfig of a CredentialResult (a typed result, or its plain mapping form)."""
    if isinstance(credential, dict):
        return str(credential["value"])
    return str(getattr(credential, "value", ""))
