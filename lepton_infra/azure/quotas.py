"""The Compute vCPU quota an AKS platform needs with every pool at its max, in its region: per VM family
for on-demand pools (the AKS system pool included), Total Regional Spot vCPUs for spot pools (spot VMs
count against that quota only), and Total Regional vCPUs over every on-demand VM.

Named as the subscription's Usage + quotas page names them, with the Compute usage name (`az vm
list-usage`) as the code; the family names are from memory of those listings, not verified here.
azure-native 3.29 has no resource that requests a subscription's Compute quota (its `quota` module holds
management-group quotas only), so the stack reports them and nothing requests them.
"""

from __future__ import annotations

import math
import re

from lepton_infra.azure.planning import upgrade_settings
from lepton_infra.azure.system_pool import SYSTEM_POOL_MAX_SURGE
from lepton_infra.catalog import catalog
from lepton_infra.core.quota import QuotaNeed, merged
from lepton_infra.spec.resolved import ResolvedPlatform, ResolvedPool

# VM size pattern -> (usage name, family as the portal shows it), for the catalog's machines.
FAMILIES = (
    (r"Standard_D\d+s_v5", "standardDSv5Family", "Standard DSv5 Family vCPUs"),
    (r"Standard_ND96isr_H100_v5", "standardNDSH100v5Family", "Standard NDSH100v5 Family vCPUs"),
    # NC40ads_H100_v5 (1 GPU) and NC80adis_H100_v5 (2 GPUs): the `i` comes only with the larger size.
    (r"Standard_NC\d+adi?s_H100_v5", "standardNCadsH100v5Family", "Standard NCadsH100v5 Family vCPUs"),
    (r"Standard_ND96asr_v4", "standardNDASv4_A100Family", "Standard NDASv4_A100 Family vCPUs"),
    (r"Standard_ND96amsr_A100_v4", "standardNDAMSv4_A100Family", "Standard NDAMSv4_A100 Family vCPUs"),
    (r"Standard_NC\d+ads_A100_v4", "standardNCADSA100v4Family", "Standard NCADSA100v4 Family vCPUs"),
    (r"Standard_NV\d+ads_A10_v5", "standardNVADSA10v5Family", "Standard NVADSA10v5 Family vCPUs"),
    (r"Standard_NC\d+as_T4_v3", "standardNCASv3_T4Family", "Standard NCASv3_T4 Family vCPUs"),
)


def vm_family(vm_size: str) -> tuple[str, str]:
    """(usage name, portal name) of the size's vCPU family. A size no pattern knows (a catalog row added
    without its family) is still reported, under its own name, rather than failing the plan: the quota
    table is advice, and the test over the catalog (tests/azure/test_azure_planning.py) keeps it whole."""
    for pattern, code, name in FAMILIES:
        if re.fullmatch(pattern, vm_size):
            return code, name
    return "unknown", f"{vm_size} family vCPUs (family not known here: see the Usage + quotas page)"


def surge_nodes(max_surge: str | None, nodes: int) -> int:
    """The nodes an upgrade or node-image roll adds to a pool of `nodes` (AKS "Upgrade options": a maxSurge
    percentage is of the pool's node count, rounded up; read 2026-12-07). No setting: AKS surges spot pools
    never and this platform sets one on every other pool."""
    if not max_surge:
        return 0
    if max_surge.endswith("%"):
        return math.ceil(nodes * int(max_surge[:-1]) / 100)
    return int(max_surge)


def _pool_surge(pool: ResolvedPool) -> int:
    settings = upgrade_settings(gpu=pool.spec.gpu is not None, spot=pool.spec.spot)
    return surge_nodes(settings["upgrade_max_surge"], pool.spec.max)


def quota_needs(resolved: ResolvedPlatform) -> list[QuotaNeed]:
    """Every pool at its max plus the nodes an upgrade adds to it, the AKS system pool included."""
    assert resolved.azure is not None  # resolve() fills the spec's own cloud
    system = resolved.azure.system_pool
    pools = [
        (
            system.name,
            system.vm_size,
            system.max_nodes + surge_nodes(SYSTEM_POOL_MAX_SURGE, system.max_nodes),
            False,
        ),
        *(
            (p.name, p.machine.name, p.spec.max + _pool_surge(p), p.spec.spot)
            for p in resolved.pools
            if p.name != system.hosts_pool  # AKS's system pool stands in for it, counted above
        ),
    ]
    region = resolved.spec.region
    vcpus = {m.name: m.vcpu for m in catalog("azure").machines}
    needs = []
    for pool, size, nodes, spot in pools:
        amount = nodes * vcpus[size]
        if spot:
            needs.append(
                QuotaNeed("Total Regional Spot vCPUs", "lowPriorityCores", amount, "vCPUs", region, (pool,))
            )
            continue
        code, name = vm_family(size)
        needs.append(QuotaNeed(name, code, amount, "vCPUs", region, (pool,)))
        needs.append(QuotaNeed("Total Regional vCPUs", "cores", amount, "vCPUs", region, (pool,)))
    return merged(needs)
