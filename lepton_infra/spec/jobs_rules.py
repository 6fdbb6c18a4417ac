"""What the spec refuses about the job queues: tenant queue settings without the queues, a tenant's
ResourceQuota below its services at max and their rollouts' surge plus what its queue can admit, queue
quota on a pool that offers no GPUs, settings Kueue refuses. Kept apart from the models in `jobs.py`,
which the platform spec imports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.core.spec_checks import rule
from lepton_infra.spec.jobs import TenantJobsSpec
from lepton_infra.spec.queue_compute import queue_compute_problems
from lepton_infra.spec.reserved_pools import reserved_pools
from lepton_infra.spec.service import ROLLOUT_MAX_SURGE

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


def jobs_problems(spec: PlatformSpec) -> Iterator[Problem]:
    """Queue settings the cluster would accept but that break the quota promise, or that Kueue refuses."""
    with_jobs = [(i, t) for i, t in enumerate(spec.tenants) if t.jobs is not None]
    if with_jobs and not spec.jobs.enabled:
        yield Problem(
            f"tenants[{with_jobs[0][0]}].jobs",
            with_jobs[0][1].name,
            "tenant queue settings without the job queues installed",
            "set jobs.enabled: true, or remove tenants[].jobs",
        )
        return
    if not spec.jobs.enabled:
        return
    gpu_pools = {p.name: p.gpu.type for p in spec.gpu_pools if p.gpu}
    for i, tenant in enumerate(spec.tenants):
        jobs = tenant.jobs or TenantJobsSpec()
        path = f"tenants[{i}].jobs"
        for pool, count in jobs.gpu_quota.items():
            if pool not in gpu_pools:
                offered = ", ".join(f"{n} ({t})" for n, t in sorted(gpu_pools.items())) or "none"
                yield Problem(
                    f"{path}.gpu_quota.{pool}",
                    count,
                    "not a GPU node pool, so no Kueue flavor offers these GPUs",
                    f"use a GPU pool name: {offered}",
                )
            if count < 0:
                yield Problem(f"{path}.gpu_quota.{pool}", count, "negative quota", "use 0 or more")
        # A tenant without queue settings gets a queue with no quota of its own whose borrowing is bounded
        # by what its namespace quota leaves (queue_borrowing_limit), so only its services can fail this.
        yield from _queue_fits_namespace_quota(spec, i)
        yield from queue_compute_problems(spec, i)
        if jobs.borrowing_limit is not None and len(spec.tenants) < 2:
            yield Problem(
                f"{path}.borrowing_limit",
                jobs.borrowing_limit,
                "only one tenant: its cohort has no other queue to borrow from",
                "remove borrowing_limit or add another tenant",
            )
    held = {pool for t in spec.tenants if t.jobs for pool, n in t.jobs.gpu_quota.items() if n > 0}
    reserved = {p.name for p in reserved_pools(spec)}  # no job flavor in prod (reserved_pools.py)
    for i, pool in enumerate(spec.node_pools):
        if pool.gpu is not None and pool.name not in held and pool.name not in reserved:
            yield Problem(
                f"node_pools[{i}]",
                pool.name,
                "a GPU pool, so a job flavor, but no tenant's queue holds quota on it: a queue borrows only "
                "the nominal quota other queues of its cohort hold (Kueue cohorts), so a job asking for "
                "these GPUs would stay inadmissible forever",
                f"give a tenant queue quota on it (tenants[].jobs.gpu_quota: {{{pool.name}: N}}; other "
                "tenants borrow it while it is idle), or remove the pool",
            )
    if len(spec.gpu_pools) + 1 > 64:
        yield Problem(
            "node_pools",
            len(spec.gpu_pools),
            "Kueue allows 64 flavors per ClusterQueue resource group (one per GPU pool plus one for CPU)",
            "use at most 63 GPU pools with jobs",
        )


def _lent_per_flavor(spec: PlatformSpec, index: int) -> tuple[int, list[int]]:
    """Tenant `index`'s own GPU quota over the job flavors, and per flavor what the other queues of the
    cohort hold (all Kueue lends: only others' nominal quota)."""
    tenants = [t.jobs or TenantJobsSpec() for t in spec.tenants]
    reserved = {p.name for p in reserved_pools(spec)}
    flavors = [p.name for p in spec.gpu_pools if p.name not in reserved]
    nominal = sum(tenants[index].gpu_quota.get(f, 0) for f in flavors)
    lent = [sum(t.gpu_quota.get(f, 0) for j, t in enumerate(tenants) if j != index) for f in flavors]
    return nominal, lent


def _services_gpus(spec: PlatformSpec, index: int) -> list[tuple[str, int, int]]:
    name = spec.tenants[index].name
    return [(s.name, s.replicas.max, s.gpu.count) for s in spec.services if s.tenant == name and s.gpu]


def queue_borrowing_limit(spec: PlatformSpec, index: int) -> int | None:
    """The GPUs per flavor tenant `index`'s ClusterQueue may borrow (Kueue `borrowingLimit`; None: no
    limit). A tenant's `jobs.borrowing_limit` as written. A tenant without a `jobs` block (a queue with no
    quota of its own) may borrow what its namespace GPU quota leaves beside its services at max and their
    surge: the largest per-flavor limit whose sum over the flavors fits there (0 when nothing is left),
    no limit when everything the others hold fits. Kueue's limit is per flavor and resource
    (kueue v0.19.2 apis/kueue/v1beta2/clusterqueue_types.go `borrowingLimit`, read 2026-12-07)."""
    jobs = spec.tenants[index].jobs
    if jobs is not None:
        return jobs.borrowing_limit
    _, lent = _lent_per_flavor(spec, index)
    services = _services_gpus(spec, index)
    room = spec.tenants[index].gpu_quota - sum((top + ROLLOUT_MAX_SURGE) * n for _, top, n in services)
    if sum(lent) <= room:
        return None
    limit = 0
    while sum(min(n, limit + 1) for n in lent) <= room:
        limit += 1
    return limit


def queue_reach(spec: PlatformSpec, index: int) -> tuple[int, int]:
    """(nominal, borrowable) GPUs tenant `index`'s ClusterQueue can admit jobs on: its own quota on every
    job flavor, and per flavor what the other queues of the cohort hold, up to its borrowing limit
    (`queue_borrowing_limit`: Kueue lends only others' nominal quota; borrowingLimit caps it per flavor
    and resource)."""
    nominal, lent = _lent_per_flavor(spec, index)
    limit = queue_borrowing_limit(spec, index)
    return nominal, sum(n if limit is None else min(n, limit) for n in lent)


def _queue_fits_namespace_quota(spec: PlatformSpec, index: int) -> Iterator[Problem]:
    """Kueue admits a job on its queue's quota (own or borrowed) and never reads the namespace's
    ResourceQuota; the API server then refuses the job's pods beyond that quota (`exceeded quota`), while
    the nodes bought for the admitted job idle until waitForPodsReady evicts it. A rolling update creates
    `maxSurge` pods beyond the running ones, at max replicas too (the Deployment controller creates the
    surge pod before or while it removes an old one: Kubernetes "Deployments", Max Surge), and
    a refused surge pod hangs the rollout and Pulumi's wait on it. So the namespace quota must hold the
    services at their max, each service's surge, and everything the queue can admit."""
    tenant = spec.tenants[index]
    services = _services_gpus(spec, index)
    serving = sum(top * count for _, top, count in services)
    surge = sum(ROLLOUT_MAX_SURGE * count for _, _, count in services)
    nominal, borrowable = queue_reach(spec, index)
    need = serving + surge + nominal + borrowable
    if need <= tenant.gpu_quota:
        return
    parts = ", ".join(f"{name} {top} x {count}" for name, top, count in services)
    surges = ", ".join(f"{name} {ROLLOUT_MAX_SURGE} x {count}" for name, _, count in services)
    yield Problem(
        f"tenants[{index}].gpu_quota",
        tenant.gpu_quota,
        f"below what tenant {tenant.name} may run at once: {serving} GPUs of services at replicas.max "
        f"({parts or 'none'}) + {surge} of their rolling updates' surge pods (maxSurge "
        f"{ROLLOUT_MAX_SURGE}: {surges or 'none'}) + {nominal} of queue quota "
        f"(tenants[{index}].jobs.gpu_quota) + {borrowable} its queue may borrow (other queues' quota, up to "
        f"tenants[{index}].jobs.borrowing_limit per flavor) = {need}; Kueue admits jobs on queue quota "
        "alone, then the namespace quota refuses their pods (the nodes bought for them idle until the job "
        "is evicted) or a rollout's surge pod (the rollout hangs)",
        f"raise tenants[{index}].gpu_quota to {need}, or lower tenants[{index}].jobs.gpu_quota, set "
        f"tenants[{index}].jobs.borrowing_limit (0: never borrow) or lower the services' replicas.max",
    )


@rule("jobs", "tenants", "node_pools", "services", "environment")
def _jobs(spec: PlatformSpec) -> Iterator[Problem]:
    yield from jobs_problems(spec)


JOBS_RULES = (_jobs,)
