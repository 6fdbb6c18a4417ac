"""Capacity fallback on EKS: when several node groups could take a pending pod, the cluster autoscaler tries
reserved capacity first, then on-demand, then spot, through its priority expander.

The priority expander (kubernetes/autoscaler tag cluster-autoscaler-1.36.1, cluster-autoscaler/expander/
priority/priority.go and readme.md, read 2026-12-07) keeps the expansion options whose group id (on AWS the
Auto Scaling group's name) matches a regular expression of the highest priority listed in the ConfigMap
`cluster-autoscaler-priority-expander`; a group matching none is dropped, so every group of the platform is
listed, and a catch-all `.*` at the lowest priority keeps any other group the autoscaler discovers (one a
user tagged for it) scalable, last. `--expander=priority,least-waste` breaks ties among one priority by
least waste, as before. When a group's scale-up fails (a Capacity Block outside its window, an exhausted
reservation, no spot capacity) the autoscaler backs it off and the next scale-up takes the next option, the
next rung down. The pinned chart
(cluster-autoscaler-chart-9.59.0, templates/priority-expander-configmap.yaml, role.yaml) writes the
ConfigMap from `expanderPriorities` and grants the autoscaler its reads when `extraArgs.expander` names
`priority`.

Only platforms with reserved capacity use it (they alone have three rungs); the others keep least-waste.
Queued jobs take their rung from Kueue's flavor order instead (reserved flavors first: cost/gpu_hours.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lepton_infra.aws.node_pool import NodePool
from lepton_infra.core.capacity_fallback import expander_priorities as expander_priorities_of
from lepton_infra.spec.resolved import ResolvedPool

# The provider names a node group `<prefix><26 characters>` (a UTC timestamp and a hex counter:
# aws/node_pool.py node_group_name_prefix) and EKS its Auto Scaling group `eks-<node group name>-<uuid>`.
_SUFFIX = "[0-9a-f]{26}-"


def asg_pattern(node_group_name_prefix: str) -> str:
    """The regular expression of the Auto Scaling groups of the node group named from the prefix."""
    return f"^eks-{re.escape(node_group_name_prefix)}{_SUFFIX}"


def expander_priorities(
    pools: Sequence[ResolvedPool], node_pools: Sequence[NodePool]
) -> dict[str, list[str]]:
    """The chart's `expanderPriorities` (priority -> group patterns, keys as strings: the chart casts them
    with `int`) for the pools and their node pools (in the same order); empty without reserved capacity."""
    if not any(pool.spec.reservation is not None for pool in pools):
        return {}
    return expander_priorities_of(
        (resolved.spec.capacity_rung, [asg_pattern(p) for p in node_pool.node_group_name_prefixes])
        for resolved, node_pool in zip(pools, node_pools, strict=True)
    )
