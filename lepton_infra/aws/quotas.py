"""The EC2 vCPU quotas a platform needs at max scale: the account prerequisite the plan cannot check
offline, and the one a GPU pool hits first (a fresh account's P and G quotas are small, often 0).

EC2 counts running vCPUs per instance-family group and purchase option, e.g. "Running On-Demand P
instances" and "All G and VT Spot Instance Requests" (Service Quotas, Amazon EC2; EC2 User Guide
"vCPU-based On-Demand Instance quotas"). A spot pool may get any of its interchangeable types, so it
is counted at the largest.
"""

from __future__ import annotations

import re

from lepton_infra.catalog import catalog
from lepton_infra.core.quota import QuotaNeed, merged
from lepton_infra.spec import PlatformSpec

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


def vcpu_quota_needs(spec: PlatformSpec, instance_types: dict[str, list[str]]) -> dict[str, int]:
    """Quota name -> vCPUs every pool at its max needs (`instance_types`: pool name -> its types)."""
    vcpus = {m.name: m.vcpu for m in catalog("aws").machines}
    needs: dict[str, int] = {}
    for pool in spec.node_pools:
        types = instance_types[pool.name]
        largest = max(types, key=lambda t: vcpus.get(t, 0))
        name = quota_name(quota_group(largest), pool.spot)
        needs[name] = needs.get(name, 0) + pool.max * vcpus.get(largest, 0)
    return dict(sorted(needs.items()))


def quota_needs(spec: PlatformSpec, instance_types: dict[str, list[str]]) -> list[QuotaNeed]:
    """`vcpu_quota_needs` as the stack's `quota_to_request`: per quota its code, vCPUs and pools."""
    vcpus = {m.name: m.vcpu for m in catalog("aws").machines}
    needs = []
    for pool in spec.node_pools:
        largest = max(instance_types[pool.name], key=lambda t: vcpus.get(t, 0))
        group = quota_group(largest)
        code = QUOTA_CODES.get((group, pool.spot))
        needs.append(
            QuotaNeed(
                quota_name(group, pool.spot),
                code or "",
                pool.max * vcpus.get(largest, 0),
                "vCPUs",
                spec.region,
                (pool.name,),
                requestable=code is not None,
            )
        )
    return merged(needs)
