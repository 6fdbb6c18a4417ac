"""A tenant's queue CPU and memory against its namespace quota (issue 26, deploy review finding 2).

The tenant's ResourceQuota (`tenants[].cpu_quota`, `memory_quota`) counts every pod of the namespace: its
services' replicas and the pods of the jobs Kueue admits. Kueue never reads it: it admits on the
ClusterQueue's quota alone, and the API server then refuses the admitted job's pods beyond the namespace's
(`exceeded quota`) while its nodes idle. So the queue's CPU and memory are one total for all its jobs (one
resource group with the label-less `cpu` flavor, kubernetes/jobs/queues.py), never borrowed, and sized to
what the namespace quota leaves beside the services at `replicas.max` plus each one's rollout surge pod
(maxSurge 1, requests = limits per replica). Pure."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.spec.base import quantity_value
from lepton_infra.spec.service import ROLLOUT_MAX_SURGE

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

_GI = Decimal(2) ** 30
_MI = Decimal(2) ** 20


def _services(spec: PlatformSpec, index: int, field: str) -> Decimal:
    """What the tenant's services take of cpu or memory at replicas.max plus their surge pods."""
    name = spec.tenants[index].name
    return sum(
        (
            (s.replicas.max + ROLLOUT_MAX_SURGE) * quantity_value(getattr(s, field))
            for s in spec.services
            if s.tenant == name
        ),
        Decimal(0),
    )


def _room(spec: PlatformSpec, index: int, field: str) -> Decimal:
    return quantity_value(getattr(spec.tenants[index], f"{field}_quota")) - _services(spec, index, field)


def _quantity(field: str, value: Decimal) -> str:
    """A Kubernetes quantity for a CPU count (cores or millicores) or a memory size (Gi, Mi or bytes)."""
    if field == "cpu":
        return str(int(value)) if value == int(value) else f"{int(value * 1000)}m"
    for unit, size in (("Gi", _GI), ("Mi", _MI)):
        if value % size == 0:
            return f"{int(value / size)}{unit}"
    return str(int(value))


def queue_compute_quota(spec: PlatformSpec, index: int) -> dict[str, str]:
    """The `cpu` and `memory` nominal quota of tenant `index`'s ClusterQueue, for all its jobs together:
    `tenants[].jobs.cpu_quota` / `memory_quota` as written, else what the namespace quota leaves beside
    the services at max and their surge (never below 0)."""
    jobs = spec.tenants[index].jobs
    out = {}
    for field in ("cpu", "memory"):
        written = getattr(jobs, f"{field}_quota") if jobs else None
        out[field] = (
            written if written is not None else _quantity(field, max(_room(spec, index, field), Decimal(0)))
        )
    return out


def queue_compute_problems(spec: PlatformSpec, index: int) -> Iterator[Problem]:
    tenant = spec.tenants[index]
    for field in ("cpu", "memory"):
        quota = getattr(tenant, f"{field}_quota")
        services = _services(spec, index, field)
        written = getattr(tenant.jobs, f"{field}_quota") if tenant.jobs else None
        jobs = quantity_value(written) if written is not None else Decimal(0)
        if services + jobs <= quantity_value(quota):
            continue
        parts = ", ".join(
            f"{s.name} ({s.replicas.max} + {ROLLOUT_MAX_SURGE}) x {getattr(s, field)}"
            for s in spec.services
            if s.tenant == tenant.name
        )
        queue = f" + {written} of queue quota (tenants[{index}].jobs.{field}_quota)" if written else ""
        need = _quantity(field, services + jobs)
        # the queue's own setting when one is written (the usual fix), else the namespace quota itself
        yield Problem(
            f"tenants[{index}].jobs.{field}_quota" if written else f"tenants[{index}].{field}_quota",
            written or quota,
            f"tenant {tenant.name}'s {field}_quota {quota} is below what it may run at once: "
            f"{_quantity(field, services)} {field} of its "
            f"services at replicas.max and their rollout surge pods ({parts}){queue} = {need}; Kueue admits "
            "jobs on queue quota alone and never reads the namespace quota, which then refuses their pods "
            "(or a rollout's surge pod: the rollout hangs)",
            f"raise tenants[{index}].{field}_quota to {need}"
            + (f", or lower tenants[{index}].jobs.{field}_quota" if written else "")
            + " or the services' replicas.max",
        )
