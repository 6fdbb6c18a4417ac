"""The job queues as data: Kueue ResourceFlavors from the node pools, a ClusterQueue per tenant, its
LocalQueue and the tenants' Role over them. Plain camelCase manifests (the tests check them against the
CRDs of the pinned Kueue), built by `kueue.py`.

Two resource groups: CPU and memory on the `cpu` flavor alone, GPUs on one flavor per GPU pool. Kueue
assigns a flavor per group (kueue v0.19.2 pkg/scheduler/flavorassigner), so a GPU job gets the `cpu`
flavor for its CPU and memory and a GPU flavor for its GPUs. The `cpu` flavor has no node labels and no
tolerations, so it adds nothing to a pod and never contradicts the GPU flavor's node selector; CPU-only
jobs stay off GPU nodes by their taint. One CPU flavor makes the queue's CPU and memory quota one total for
all its jobs, which must fit the tenant's namespace ResourceQuota (per GPU flavor, as before, the queue
could admit the namespace's whole CPU quota once per flavor: spec/queue_compute.py).

The GPU flavors follow cheapest GPU-hour first. Kueue tries a ClusterQueue's flavors in their listed order
and, by default, stops at the first that fits, even by borrowing (`flavorFungibility.whenCanBorrow:
MayStopSearch`, `whenCanPreempt: TryNextFlavor`: kueue v0.19.2 pkg/scheduler/flavorassigner/
flavorassigner.go `findFlavorForPodSets` and `shouldTryNextFlavor`, and the ClusterQueue CRD's defaults;
read 2026-12-07). A job that names no GPU type or pool matches every GPU flavor's labels, so the order
decides where it runs: listed as the spec's pools (H100 first), an untyped 1-GPU job took an H100 node.
Cheapest first sends it to the cheapest flavor its queue reaches (own or borrowable quota), which is spot
where a spot pool is cheapest; a job that must not run on spot names its pool (`lepton.ai/pool`), a job that
needs a model names it (`lepton.ai/gpu-type`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lepton_infra.core.conventions import (
    GPU_RESOURCE,
    GPU_TAINT_EFFECT,
    GPU_TAINT_KEY,
    GPU_TAINT_VALUE,
    pool_labels,
)
from lepton_infra.kubernetes.jobs.admission import admission_checks_strategy, wait_for_pods_ready

KUEUE_API = "kueue.x-k8s.io/v1beta2"
# Every tenant's ClusterQueue is in this cohort: quota one tenant leaves idle, another may borrow.
COHORT = "tenants"
LOCAL_QUEUE = "jobs"  # in each tenant namespace; jobs name it in `kueue.x-k8s.io/queue-name`
QUEUE_NAME_LABEL = "kueue.x-k8s.io/queue-name"
CPU_FLAVOR = "cpu"
JOBS_ROLE = "tenant-jobs"
CAPACITY_LABEL = "lepton.ai/capacity"  # on the ResourceFlavor objects: spot or on-demand
# The multi-node job API (jobs/jobset.py) and the Kueue integration naming it (kubernetes-sigs/kueue
# v0.19.2 pkg/controller/jobs/jobset/jobset_controller.go `FrameworkName`, read 2026-12-07).
JOBSET_API_GROUP = "jobset.x-k8s.io"
JOBSET_FRAMEWORK = "jobset.x-k8s.io/jobset"
# Kueue checks only the resources a ClusterQueue covers (see manager_config).
QUOTA_CHECK_STRATEGY = "IgnoreUndeclared"


@dataclass(frozen=True)
class Flavor:
    name: str
    pool: str | None  # None: the CPU flavor (any untainted node)
    gpu_type: str | None = None
    spot: bool = False
    node_labels: Mapping[str, str] = field(default_factory=dict)
    tolerations: Sequence[Mapping[str, str]] = ()
    # The cluster autoscaler provisions this flavor's nodes for a job all together before Kueue admits
    # it (the capacity admission check runs for it).
    provisioned: bool = False
    # The Kueue Topology this flavor's nodes are placed by (topology-aware scheduling, jobs/topology.py).
    topology: str | None = None

    @property
    def capacity(self) -> str:
        return "spot" if self.spot else "on-demand"


@dataclass(frozen=True)
class PoolShape:
    """What a flavor needs of a node pool (from the spec; names and labels per core/conventions.py)."""

    name: str
    gpu_type: str | None
    spot: bool
    # What one of the pool's GPUs costs an hour (its machine's list price, spot-discounted for a spot pool,
    # `budget.price_overrides` winning, divided by its GPUs): the flavors are ordered by it.
    usd_per_gpu_hour: float = 0.0


def flavors_for(
    pools: Sequence[PoolShape],
    cloud_tolerations: Sequence[Mapping[str, str]] = (),
    provisioned_pools: Collection[str] = (),
    provisioned_tolerations: Sequence[Mapping[str, str]] = (),
    *,
    spot_tolerations: Sequence[Mapping[str, str]] | None = None,
    topology_pools: Mapping[str, str] | None = None,
) -> list[Flavor]:
    """The CPU flavor, then one per GPU pool: its node labels select that pool's nodes, its tolerations
    (the platform's GPU taint and the cloud's own GPU-node taints: `cloud_tolerations`, or on spot pools
    `spot_tolerations` where the cloud taints spot nodes apart) are added to the admitted pods.
    Cheapest GPU-hour first (a tie: spot first, then by name), so a job that names no GPU type lands on the
    cheapest flavor its queue can reach (module docstring).
    GPU pools in `provisioned_pools` get the capacity admission check, and also tolerate the taints the
    cloud puts on nodes it provisions for a request (`provisioned_tolerations`): Kueue copies a flavor's
    tolerations into the ProvisioningRequest's pod template as well as into the job's pods.

    The node labels are the ones each pool declares (`pool_labels`), never a label something in the
    cluster sets later (`nvidia.com/gpu.present`, which the GPU operator sets on AKS): the cluster
    autoscaler scales a pool up from zero only for pods whose node selector its template node, built
    from the pool's declared labels, satisfies (kubernetes/autoscaler cluster-autoscaler/cloudprovider/
    azure/azure_template.go, read 2026-12-07), and Kueue's ProvisioningRequest carries the same
    selector.
    GPU pools in `topology_pools` (pool -> Kueue Topology name) get topology-aware scheduling."""
    topologies = topology_pools or {}
    gpu_toleration = {
        "key": GPU_TAINT_KEY,
        "operator": "Equal",
        "value": GPU_TAINT_VALUE,
        "effect": GPU_TAINT_EFFECT,
    }
    gpu_pools = sorted(
        (p for p in pools if p.gpu_type), key=lambda p: (p.usd_per_gpu_hour, not p.spot, p.name)
    )
    return [Flavor(CPU_FLAVOR, None)] + [
        Flavor(
            f"gpu-{p.name}",
            p.name,
            p.gpu_type,
            p.spot,
            pool_labels(p.name, p.gpu_type),
            (
                gpu_toleration,
                *(
                    dict(t)
                    for t in (
                        spot_tolerations if p.spot and spot_tolerations is not None else cloud_tolerations
                    )
                ),
                *(dict(t) for t in (provisioned_tolerations if p.name in provisioned_pools else ())),
            ),
            p.name in provisioned_pools,
            topologies.get(p.name),
        )
        for p in gpu_pools
    ]


def resource_flavor_spec(flavor: Flavor) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if flavor.node_labels:
        spec["nodeLabels"] = dict(flavor.node_labels)
    if flavor.tolerations:
        spec["tolerations"] = [dict(t) for t in flavor.tolerations]
    if flavor.topology:
        spec["topologyName"] = flavor.topology
    return spec


@dataclass(frozen=True)
class TenantQueue:
    tenant: str
    gpu_quota: Mapping[str, int]  # per GPU pool (= flavor); pools left out get 0
    cpu_quota: str
    memory_quota: str
    borrowing_limit: int | None = None  # GPUs per flavor; None: unlimited
    reclaim_within_cohort: str = "Any"
    within_cluster_queue: str = "LowerPriority"


def cluster_queue_spec(queue: TenantQueue, flavors: Sequence[Flavor]) -> dict[str, Any]:
    # CPU and memory: one total for all the queue's jobs on the label-less CPU flavor, never borrowed
    # (borrowingLimit 0), so what Kueue admits fits the namespace ResourceQuota (spec/queue_compute.py).
    compute = [
        {"name": "cpu", "nominalQuota": queue.cpu_quota, "borrowingLimit": 0},
        {"name": "memory", "nominalQuota": queue.memory_quota, "borrowingLimit": 0},
    ]
    groups: list[dict[str, Any]] = []
    # With a topology-aware GPU flavor the queue declares no CPU/memory group: a job pod asks for CPU and
    # memory beside its GPUs, and Kueue admits a pod set only if the flavor of every resource group it uses
    # agrees on topology (kueue v0.19.2 pkg/scheduler/flavorassigner/tas_flavorassigner.go
    # checkPodSetAndFlavorMatchForTAS: a topology request on a flavor without one is refused, and a TAS-only
    # flavor refuses a pod set without one). The label-less CPU flavor cannot carry a topology (a
    # topologyName needs node labels), so with the group no GPU job would ever be admitted. Without it the
    # queue's CPU and memory are undeclared: ignored at admission (QUOTA_CHECK_STRATEGY), bounded only by
    # the namespace's ResourceQuota (a job past it is admitted and its pods wait for room).
    if not any(f.topology for f in flavors):
        groups.append(
            {
                "coveredResources": ["cpu", "memory"],
                "flavors": [{"name": f.name, "resources": compute} for f in flavors if f.gpu_type is None],
            }
        )

    def gpus(flavor: Flavor) -> list[dict[str, Any]]:
        quota: dict[str, Any] = {
            "name": GPU_RESOURCE,
            "nominalQuota": queue.gpu_quota.get(flavor.pool or "", 0),
        }
        if queue.borrowing_limit is not None:
            quota["borrowingLimit"] = queue.borrowing_limit
        return [quota]

    gpu_flavors = [f for f in flavors if f.gpu_type]
    if gpu_flavors:
        groups.append(
            {
                "coveredResources": [GPU_RESOURCE],
                "flavors": [{"name": f.name, "resources": gpus(f)} for f in gpu_flavors],
            }
        )

    spec: dict[str, Any] = {
        "cohortName": COHORT,
        # Only the tenant's own namespace may submit to its queue.
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": queue.tenant}},
        "queueingStrategy": "BestEffortFIFO",
        "preemption": {
            "reclaimWithinCohort": queue.reclaim_within_cohort,
            "withinClusterQueue": queue.within_cluster_queue,
            # A borrower never preempts another borrower's jobs: reclaiming is the owner's right.
            "borrowWithinCohort": {"policy": "Never"},
        },
        "resourceGroups": groups,
    }
    provisioned = [f.name for f in flavors if f.provisioned]
    if provisioned:
        spec["admissionChecksStrategy"] = admission_checks_strategy(provisioned)
    return spec


def local_queue_spec(tenant: str) -> dict[str, Any]:
    return {"clusterQueue": tenant}


_READ = ["get", "list", "watch"]


def tenant_jobs_rules(jobsets: bool = False) -> list[dict[str, Any]]:
    """Tenant admins submit and follow jobs in their namespace, see their queue and its Workloads, and edit
    none of them: queues and quotas are the platform's (ClusterQueues are cluster-scoped, out of any Role's
    reach). Deleting a Workload would only make Kueue recreate it; its Job is what they delete.
    `jobsets`: the JobSet API is installed (jobs/jobset.py), and they submit JobSets the same way; the rules
    sit in a namespaced Role, so only in their own namespace."""
    rules: list[dict[str, Any]] = [
        {
            "apiGroups": ["batch"],
            "resources": ["jobs"],
            "verbs": [*_READ, "create", "update", "patch", "delete"],
        },
        {"apiGroups": ["batch"], "resources": ["jobs/status"], "verbs": ["get"]},
    ]
    if jobsets:
        rules += [
            {
                "apiGroups": [JOBSET_API_GROUP],
                "resources": ["jobsets"],
                "verbs": [*_READ, "create", "update", "patch", "delete"],
            },
            {"apiGroups": [JOBSET_API_GROUP], "resources": ["jobsets/status"], "verbs": ["get"]},
        ]
    return [
        *rules,
        {
            "apiGroups": ["kueue.x-k8s.io"],
            "resources": ["workloads", "workloads/status", "localqueues", "localqueues/status"],
            "verbs": _READ,
        },
    ]


def manager_config(managed_namespace_label: str, jobsets: bool = False) -> dict[str, Any]:
    """Kueue's own configuration (the chart's `managerConfig.controllerManagerConfigYaml`), replacing the
    chart's: the ports, probes and leader election are the chart's defaults at the pinned tag; what differs
    is deliberate. Only `batch/job` is integrated (the chart's default also takes pods, Deployments and
    StatefulSets, whose admission webhook fails closed: with Kueue down no pod could start in any
    namespace), and only tenant namespaces are managed. Where the JobSet API is installed (`jobsets`,
    jobs/jobset.py), `jobset.x-k8s.io/jobset` too: its webhooks match JobSets only.

    `metrics.enableClusterQueueResources` exports each queue's usage and nominal quota per flavor
    (`kueue_cluster_queue_resource_usage`, `_nominal_quota`, ...), which the JobsQueueAtQuota alert and
    the queue dashboard read; Kueue leaves them off by default (cmd/kueue/main.go at v0.19.2).

    `resources.quotaCheckStrategy: IgnoreUndeclared`: Kueue 0.19 turns the QuotaCheckStrategy gate on
    (beta) and defaults to BlockUndeclared (cmd/kueue/main.go `quotaCheckStrategy`), under which a job
    requesting any resource the ClusterQueue does not cover (`ephemeral-storage`, `hugepages-2Mi`,
    `vpc.amazonaws.com/efa`, RDMA devices) finds no flavor and is inadmissible forever
    (pkg/scheduler/flavorassigner/flavorassigner.go). The queues govern GPUs, CPU and memory; the node
    and the tenant's ResourceQuota bound the rest."""
    return {
        "apiVersion": "config.kueue.x-k8s.io/v1beta2",
        "kind": "Configuration",
        "health": {"healthProbeBindAddress": ":8081"},
        "metrics": {"bindAddress": ":8443", "enableClusterQueueResources": True},
        "resources": {"quotaCheckStrategy": QUOTA_CHECK_STRATEGY},
        "webhook": {"port": 9443},
        "leaderElection": {"leaderElect": True, "resourceName": "c1f6bfd2.kueue.x-k8s.io"},
        "clientConnection": {"qps": 300, "burst": 500},
        "managedJobsNamespaceSelector": {
            "matchExpressions": [{"key": managed_namespace_label, "operator": "Exists"}]
        },
        "integrations": {"frameworks": ["batch/job", *([JOBSET_FRAMEWORK] if jobsets else [])]},
        "waitForPodsReady": wait_for_pods_ready(),
    }
