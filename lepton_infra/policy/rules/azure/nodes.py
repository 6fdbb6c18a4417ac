"""AKS node pool rules: encrypted disks, autoscaling, tainted GPU pools, spot GPU pools that scale to zero."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import (
    as_bool,
    as_int,
    as_list,
    as_mapping,
    is_set,
    is_unknown,
)
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules._shared import effect_is_no_schedule, parse_k8s_taint
from lepton_infra.policy.rules.azure.tokens import AGENT_POOL, AZURE, MANAGED_CLUSTER

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
