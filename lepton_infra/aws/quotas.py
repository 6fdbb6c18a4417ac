"""The EC2 vCPU quotas a platform needs at max scale: the account prerequisite the plan cannot check
offline, and the one a GPU pool hits first (a fresh account's P and G quotas are small, often 0).

EC2 counts running vCPUs per instance-family group and purchase option, e.g. "Running On-Demand P
instances" and "All G and VT Spot Instance Requests" (Service Quotas, Amazon EC2; EC2 User Guide
"vCPU-based On-Demand Instance quotas"). A spot pool may get any of its interchangeable types, so it
is counted at the largest.
"""

from __future__ import annotations

import math
import re

from lepton_infra.aws.node_pool import CPU_MAX_UNAVAILABLE_PERCENT
from lepton_infra.catalog import Machine
from lepton_infra.core.quota import QuotaNeed, merged
from lepton_infra.spec.resolved import ResolvedPlatform, ResolvedPool

_STANDARD = set("acdhimrtz")
STANDARD = "Standard (A, C, D, H, I, M, R, T, Z)"
# Service Quotas codes (service `ec2`) of the groups the catalog's machines fall in, as the Service Quotas
# listings name them (read in published `list-service-quotas` dumps, not in an AWS guide): on-demand,
# spot. A group without a code here is still reported, but cannot be requested by the stack.
QUOTA_CODES = {
    (STANDARD, False): "L-1216C47A",
    (STANDARD, True): "L-34B43A08",
    ("G and VT", False): "L-DB2E81BA",
    ("G and VT", True): "L-3819A6DF",
    ("P", False): "L-417A185B",
    ("P", True): "L-7212CCBC",
}
_GROUPS = {
    "p": "P",
    "g": "G and VT",
    "vt": "G and VT",
    "inf": "Inf",
    "trn": "Trn",
    "dl": "DL",
    "f": "F",
    "x": "X",
}


def quota_group(instance_type: str) -> str:
    """`p5.48xlarge` -> `P`; `m6i.xlarge` -> `Standard (A, C, D, H, I, M, R, T, Z)`."""
    family = re.match(r"^[a-z]+", instance_type)
    letters = family.group(0) if family else instance_type
    for prefix in sorted(_GROUPS, key=len, reverse=True):
        if letters.startswith(prefix):
            return _GROUPS[prefix]
    if letters[0] in _STANDARD:
        return STANDARD
    return letters.upper()


def quota_name(group: str, spot: bool) -> str:
    return f"All {group} Spot Instance Requests" if spot else f"Running On-Demand {group} instances"


def _largest(pool: ResolvedPool) -> Machine:
    """A spot pool may get any of its interchangeable types: it is counted at the largest."""
    return max(pool.machines, key=lambda m: m.vcpu)


# A CPU pool is one node group per zone (aws/platform.py) that updates with EKS's DEFAULT strategy
# (aws/node_pool.py `update_config`): new instances first, the Auto Scaling group raised by the larger of up
# to twice the number of zones it spans and its maxUnavailable (EKS User Guide, "Understand each phase of node
# updates", read 2026-12-07). A version bump updates every group of the pool at once, so an update at max
# runs that many extra instances per zone. GPU groups update MINIMAL (terminate first): none.
UPDATE_SURGE_PER_ZONE_GROUP = 2


def update_surge_nodes(pool: ResolvedPool, zones: int) -> int:
    """The extra instances a node update of `pool` at its max may launch, over all its groups."""
    if pool.spec.gpu is not None:
        return 0
    per_zone_max = math.ceil(pool.spec.max / zones)
    unavailable = math.ceil(per_zone_max * CPU_MAX_UNAVAILABLE_PERCENT / 100)
    return zones * max(UPDATE_SURGE_PER_ZONE_GROUP, unavailable)


def _nodes_at_max(pool: ResolvedPool, zones: int) -> int:
    return pool.spec.max + update_surge_nodes(pool, zones)


def vcpu_quota_needs(resolved: ResolvedPlatform) -> dict[str, int]:
    """Quota name -> vCPUs every pool at its max needs, a node update's extra instances included."""
    needs: dict[str, int] = {}
    for pool in resolved.pools:
        largest = _largest(pool)
        name = quota_name(quota_group(largest.name), pool.spec.spot)
        needs[name] = needs.get(name, 0) + _nodes_at_max(pool, resolved.zones) * largest.vcpu
    return dict(sorted(needs.items()))


def quota_needs(resolved: ResolvedPlatform) -> list[QuotaNeed]:
    """`vcpu_quota_needs` as the stack's `quota_to_request`: per quota its code, vCPUs and pools."""
    needs = []
    for pool in resolved.pools:
        largest = _largest(pool)
        group = quota_group(largest.name)
        code = QUOTA_CODES.get((group, pool.spec.spot))
        needs.append(
            QuotaNeed(
                quota_name(group, pool.spec.spot),
                code or "",
                _nodes_at_max(pool, resolved.zones) * largest.vcpu,
                "vCPUs",
                resolved.spec.region,
                (pool.name,),
                requestable=code is not None,
            )
        )
    return merged(needs)
