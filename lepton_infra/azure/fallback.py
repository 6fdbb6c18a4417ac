"""Capacity fallback on AKS: when several node pools could take a pending pod, AKS's managed cluster
autoscaler tries the reserved pool (a capacity reservation group) first, then on-demand, then spot, through
the priority expander (core/capacity_fallback.py).

AKS accepts `expander: priority` in the cluster's autoscaler profile (ARM ManagedClusterAutoScalerProfile
`expander`: least-waste | most-pods | priority | random, one value; Azure/AKS#1931 "Add support for
priority based expander", closed as shipped) and its managed autoscaler reads the expander's ConfigMap
`cluster-autoscaler-priority-expander` in kube-system, key `priorities` (upstream readme, tag
cluster-autoscaler-1.36.1). AKS's node group id is the pool's VM scale set, `aks-<pool>-<digits>-vmss`
(AKS autoscaler log quoted in Azure/AKS#2359, 2021-05-31: `aks-cpu-29141059-vmss`,
`aks-gpuspot-29141059-vmss`; read 2026-12-08). AKS takes one expander, so ties within a rung are broken at
random, not by least waste. Known limits, stated in the docs: Azure/AKS#2359 (open) and #4761 report that
AKS sometimes still scales a lower-priority pool.

Only platforms with reserved capacity use it (they alone have three rungs); the others keep least-waste.
Queued jobs take their rung from Kueue's flavor order instead (reserved flavors first).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import pulumi
import pulumi_kubernetes as k8s
import yaml
from pulumi_azure_native import containerservice

from lepton_infra.core.capacity_fallback import expander_priorities
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.meta import common_labels
from lepton_infra.profiles.azure.limits import SYSTEM_POOL_NAME
from lepton_infra.spec import NodePoolSpec

PRIORITY_CONFIGMAP = "cluster-autoscaler-priority-expander"
DEFAULT_EXPANDER = "least-waste"


def vmss_pattern(agent_pool: str) -> str:
    """The regular expression of the AKS agent pool's VM scale set."""
    return f"^aks-{re.escape(agent_pool)}-[0-9]+-vmss$"


def aks_expander_priorities(pools: Sequence[NodePoolSpec]) -> dict[str, list[str]]:
    """Priority -> scale set patterns for the platform's agent pools (AKS's system pool on-demand); empty
    without reserved capacity."""
    if not any(pool.reservation is not None for pool in pools):
        return {}
    groups = [("on-demand", [vmss_pattern(SYSTEM_POOL_NAME)])]
    groups += [(pool.capacity_rung, [vmss_pattern(pool.name)]) for pool in pools]
    return expander_priorities(groups)


def expander(priorities: Mapping[str, Sequence[str]]) -> str:
    return "priority" if priorities else DEFAULT_EXPANDER


def priority_expander_configmap(
    name: str, priorities: Mapping[str, Sequence[str]], opts: pulumi.ResourceOptions
) -> k8s.core.v1.ConfigMap | None:
    """The expander's ConfigMap in kube-system (None without priorities). Keys are integers in it."""
    if not priorities:
        return None
    text = yaml.safe_dump({int(k): list(v) for k, v in priorities.items()}, sort_keys=False)
    return k8s.core.v1.ConfigMap(
        child_name(name, "priority-expander"),
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=PRIORITY_CONFIGMAP,
            namespace="kube-system",
            labels=common_labels("capacity-fallback", "priority-expander"),
        ),
        data={"priorities": text},
        opts=opts,
    )


def autoscaler_profile(expander_name: str) -> containerservice.ManagedClusterPropertiesAutoScalerProfileArgs:
    """The managed autoscaler's profile: the expander (`expander`), nodes without pods removed after ten
    minutes, and nodes with emptyDir volumes (every inference replica's model cache) not kept for them."""
    return containerservice.ManagedClusterPropertiesAutoScalerProfileArgs(
        expander=expander_name, scale_down_unneeded_time="10m", skip_nodes_with_local_storage="false"
    )
