"""Batch and training jobs: opt-in queued, quota-fair GPU scheduling (Kueue), per platform and tenant.

How services and jobs share a tenant's GPUs: the tenant's ResourceQuota (`tenants[].gpu_quota`,
`cpu_quota`, `memory_quota`) is the hard ceiling for everything in its namespace, inference services and
jobs together. The queue quota (`tenants[].jobs`) only decides when a queued job may start, and Kueue
never reads the ceiling: the ceiling must hold the services at `replicas.max`, one rollout surge pod of
each, plus everything the queue can admit, own quota and borrowed (spec/jobs_rules.py refuses less).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lepton_infra.core.spec_model import SpecModel
from lepton_infra.spec.base import Quantity

ReclaimPolicy = Literal["Any", "LowerPriority", "Never"]
WithinQueuePolicy = Literal["LowerPriority", "LowerOrNewerEqualPriority", "Never"]


class JobsSpec(SpecModel):
    enabled: bool = Field(
        default=False,
        description="Install Kueue (pinned Helm chart, controller on the system nodes, metrics scraped by "
        "the platform's Prometheus) with one ResourceFlavor per node pool kind (one per GPU pool, one for "
        "CPU), and give every tenant a ClusterQueue (all in one cohort) and a LocalQueue named `jobs` in "
        "its namespace. Jobs opt in with the label `kueue.x-k8s.io/queue-name: jobs`; others bypass the "
        "queue but stay under the tenant's ResourceQuota. Default false.",
    )


class PreemptionSpec(SpecModel):
    reclaim_within_cohort: ReclaimPolicy = Field(
        default="Any",
        description="Whether a job that fits in this tenant's own quota preempts other tenants' jobs that "
        "borrowed it (Kueue `reclaimWithinCohort`): Any (default: lent quota is always reclaimed), "
        "LowerPriority (only borrowers of lower priority) or Never.",
    )
    within_cluster_queue: WithinQueuePolicy = Field(
        default="LowerPriority",
        description="Whether a pending job preempts the tenant's own running jobs (Kueue "
        "`withinClusterQueue`): LowerPriority (default: only jobs of lower priority), "
        "LowerOrNewerEqualPriority or Never.",
    )


class TenantJobsSpec(SpecModel):
    gpu_quota: dict[str, int] = Field(
        default_factory=dict,
        description="Guaranteed (nominal) GPUs for queued jobs per GPU node pool, i.e. per Kueue flavor, "
        "keyed by pool name, e.g. `{h100: 8, l4-spot: 4}`. A name that is not a GPU pool is refused (no "
        "flavor offers that GPU). The tenant's `gpu_quota` (its ResourceQuota, the hard ceiling for services "
        "and jobs together) must hold this sum, what the queue may borrow and the services' GPUs at "
        "`replicas.max` plus one rollout surge pod each. Pools left out get 0: jobs may only borrow "
        "their GPUs from other tenants' idle quota. Default none.",
    )
    cpu_quota: Quantity | None = Field(
        default=None,
        description="CPU for all the tenant's queued jobs together (the queue's `cpu` flavor, never "
        "borrowed); with the services' CPU at `replicas.max` plus one rollout surge pod each, at most the "
        "tenant's `cpu_quota` (refused above). Default: what `cpu_quota` leaves beside the services.",
    )
    memory_quota: Quantity | None = Field(
        default=None,
        description="Memory for all the tenant's queued jobs together (never borrowed); with the services' "
        "memory at `replicas.max` plus one rollout surge pod each, at most the tenant's `memory_quota` "
        "(refused above). Default: what `memory_quota` leaves beside the services.",
    )
    borrowing_limit: int | None = Field(
        default=None,
        ge=0,
        description="Most GPUs per flavor this tenant may borrow beyond its quota from other tenants' "
        "idle quota in the cohort (Kueue `borrowingLimit`). Default: no limit (idle quota is lent "
        "freely and reclaimed by preemption; the tenant's `gpu_quota` must then hold all other queues' "
        "quota too). 0: never borrow. Needs at least two tenants with jobs (nothing to borrow from "
        "otherwise).",
    )
    preemption: PreemptionSpec = Field(
        default_factory=PreemptionSpec,
        description="When queued jobs preempt running ones. Default: reclaim lent quota from borrowers, "
        "and within the tenant preempt only lower-priority jobs.",
    )
