"""prod: the on-demand GPU pools that hold services kept running belong to those services. A kept-running
service's pods carry the `lepton-serving` PriorityClass, which never preempts (`preemptionPolicy: Never`),
so whatever else lands on those nodes first keeps them: a queued job (Kueue tries a resource group's
flavors in order, cheapest first, and a tenant borrows other queues' idle quota on any flavor; Kueue
v0.19.2 pkg/scheduler/flavorassigner, read 2026-12-07) or a scale-to-zero service waking up. The pools
are sized to the kept-running replicas' max, so every node taken is a replica that cannot start.

So in prod those pools are no Kueue flavor (no queue may hold quota there, none can borrow it) and
services scaling to zero run only on the other pools offering their GPU type (spot first of all). Pure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.core.spec_checks import Rule, rule
from lepton_infra.spec.service_rules import hosting_pools

if TYPE_CHECKING:
    from lepton_infra.spec.node_pool import NodePoolSpec
    from lepton_infra.spec.platform import PlatformSpec
    from lepton_infra.spec.service import ServiceSpec


def reserved_pools(spec: PlatformSpec) -> list[NodePoolSpec]:
    """prod: the on-demand GPU pools offering the GPU type of a service kept running (replicas.min >= 1),
    the pools its replicas are required onto. None outside prod (dev shares every pool)."""
    if spec.environment != "prod":
        return []
    kept = {s.gpu.type for s in spec.services if s.gpu is not None and s.replicas.min > 0}
    return [p for p in spec.gpu_pools if not p.spot and p.gpu is not None and p.gpu.type in kept]


def scale_to_zero_pools(spec: PlatformSpec, svc: ServiceSpec) -> list[str]:
    """The pools a prod GPU service scaling to zero is required onto: those offering its GPU type that no
    kept-running service holds. Empty when none of its pools is reserved (no requirement needed)."""
    if svc.gpu is None or svc.replicas.min > 0:
        return []
    reserved = {p.name for p in reserved_pools(spec)}
    pools = [p.name for p in hosting_pools(spec, svc)]
    if not reserved.intersection(pools):
        return []
    return [name for name in pools if name not in reserved]


@rule("environment", "services", "node_pools", "tenants", "jobs")
def _reserved_pools_stay_with_their_services(spec: PlatformSpec) -> Iterator[Problem]:
    reserved = {p.name for p in reserved_pools(spec)}
    if not reserved:
        return
    for i, svc in enumerate(spec.services):
        if svc.gpu is None or svc.replicas.min > 0:
            continue
        pools = [p.name for p in hosting_pools(spec, svc)]
        if pools and all(name in reserved for name in pools):
            yield Problem(
                f"services[{i}]",
                svc.name,
                f"scales to zero in prod but only {', '.join(pools)} offer its {svc.gpu.type} GPUs, and "
                "those on-demand pools hold the services kept running (their pods never preempt, so a "
                "replica of this service on one of those nodes keeps a kept-running replica Pending)",
                f"add a spot (or another) pool offering {svc.gpu.type}, or keep this service running "
                "(replicas.min: 2) and size the on-demand pool for both",
            )
    if not spec.jobs.enabled:
        return
    for i, tenant in enumerate(spec.tenants):
        for pool, count in (tenant.jobs.gpu_quota if tenant.jobs else {}).items():
            if pool in reserved:
                yield Problem(
                    f"tenants[{i}].jobs.gpu_quota.{pool}",
                    count,
                    f"{pool} is the on-demand pool holding the services kept running in prod, so it is no "
                    "job flavor: jobs there would take the nodes those services need, and their pods "
                    "never preempt",
                    "give the queue quota on a spot (or another) pool offering the GPU type instead",
                )


RESERVED_POOL_RULES: tuple[Rule, ...] = (_reserved_pools_stay_with_their_services,)
