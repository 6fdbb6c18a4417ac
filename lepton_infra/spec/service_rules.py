"""Rules on inference services that only the whole spec can check: a prod service kept running must
survive losing a node, and a service's model cache must fit on the nodes that can run it. Pure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.conventions import NODE_DISK_RESERVED_GB, SERVICE_LOGS_GB, SERVICE_SCRATCH_GB
from lepton_infra.core.errors import Problem
from lepton_infra.core.spec_checks import Rule, rule
from lepton_infra.spec.served_model import cache_gb

if TYPE_CHECKING:
    from lepton_infra.spec.node_pool import NodePoolSpec
    from lepton_infra.spec.platform import PlatformSpec
    from lepton_infra.spec.service import ServiceSpec


def hosting_pools(spec: PlatformSpec, svc: ServiceSpec) -> list[NodePoolSpec]:
    """The pools a service's replicas can land on: those with its GPU type, or the CPU pools."""
    if svc.gpu is None:
        return [p for p in spec.node_pools if p.gpu is None]
    return [p for p in spec.node_pools if p.gpu is not None and p.gpu.type == svc.gpu.type]


def gpu_replica_capacity(svc: ServiceSpec, pools: list[NodePoolSpec]) -> int | None:
    """How many of a GPU service's replicas these pools hold at their max node counts (a replica needs
    `gpu.count` GPUs of one node); None for a CPU service (CPU pools are shared, not counted per replica)."""
    if svc.gpu is None:
        return None
    per_replica = svc.gpu.count
    return sum(p.max * (p.gpu.count // per_replica) for p in pools if p.gpu is not None)


@rule("environment", "services", "node_pools")
def _prod_services_survive_a_node(spec: PlatformSpec) -> Iterator[Problem]:
    """A prod service kept running (min ≥ 1) promises to answer at all times. One replica cannot keep that
    through a node drain (a disruption budget that protects it blocks every drain instead), and spot
    capacity is reclaimed with seconds to minutes of notice, all replicas of a pool at once when the
    cloud runs out: such a service needs two replicas and on-demand capacity for them."""
    if spec.environment != "prod":
        return
    for i, svc in enumerate(spec.services):
        if svc.replicas.min < 1:
            continue
        if svc.replicas.min == 1:
            yield Problem(
                f"services[{i}].replicas.min",
                1,
                "one replica in prod: a node drain (upgrade, scale-down, spot reclaim) takes the service "
                "down, and a disruption budget protecting the only replica would block every drain instead",
                "set replicas.min: 2 (a second replica serves while one moves), or 0 to scale to zero",
            )
        pools = hosting_pools(spec, svc)
        if pools and all(p.spot for p in pools):
            kind = f"{svc.gpu.type} GPUs" if svc.gpu else "CPU"
            yield Problem(
                f"services[{i}]",
                svc.name,
                f"kept running in prod (replicas.min {svc.replicas.min}) but only spot pools offer {kind} "
                f"({', '.join(p.name for p in pools)}): the cloud reclaims spot nodes with little notice, "
                "often all at once",
                f"add an on-demand pool offering {kind} (min 0: replicas prefer it), or set replicas.min: 0",
            )


@rule("services", "node_pools", "models")
def _model_cache_fits(spec: PlatformSpec) -> Iterator[Problem]:
    """A replica reserves its model cache on the node's disk: no node of a pool that could run it with a
    smaller disk would ever take it, and with none at all it would stay Pending."""
    for i, svc in enumerate(spec.services):
        pools = hosting_pools(spec, svc)
        if not pools:
            continue  # no pool offers its GPU type: reported by the service rules in spec/rules.py
        cache = cache_gb(spec, svc)
        need = cache + SERVICE_SCRATCH_GB + SERVICE_LOGS_GB + NODE_DISK_RESERVED_GB
        if all(p.disk_gb < need for p in pools):
            largest = max(pools, key=lambda p: p.disk_gb)
            field = "model" if svc.engine is not None else "model_cache_gb"
            yield Problem(
                f"services[{i}].{field}",
                svc.model if svc.engine is not None else cache,
                f"needs a node disk of at least {need} GiB (cache, {SERVICE_SCRATCH_GB} GiB /tmp, "
                f"{SERVICE_LOGS_GB} GiB logs, {NODE_DISK_RESERVED_GB} GiB for the node and its images); "
                f"the largest that can run it is {largest.name}'s {largest.disk_gb} GiB",
                f"raise node_pools[].disk_gb of {largest.name} to {need} or more, or lower model_cache_gb "
                "(an engine's cache is its model's size plus 10%)",
            )


SERVICE_RULES: tuple[Rule, ...] = (_prod_services_survive_a_node, _model_cache_fits)
