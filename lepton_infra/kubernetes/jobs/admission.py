"""What a queued job passes besides quota, as data (camelCase manifests checked against the Kueue v0.19.2
CRDs by the tests): the capacity admission check (Kueue asks the cluster autoscaler, through a
ProvisioningRequest, for all of a GPU job's nodes before admitting it; whether they then arrive all
together depends on the autoscaler: `scale_up_annotations`), and the workload priority
classes preemption orders jobs by.

The check at Kueue v0.19.2: the ProvisioningRequest controller is GA (the `ProvisioningACC` feature gate
was dropped) and set up only if the `autoscaling.x-k8s.io/v1` ProvisioningRequest API is served when the
controller starts (cmd/kueue/main.go, `ServerSupportsProvisioningRequest`); the chart's ClusterRole
already grants Kueue provisioningrequests and podtemplates (charts/kueue/templates/rbac/role.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lepton_infra.core.conventions import GPU_RESOURCE

PROVISIONING_CONTROLLER = "kueue.x-k8s.io/provisioning-request"  # ProvisioningRequestControllerName
# The AdmissionCheck and its ProvisioningRequestConfig share this name; ClusterQueues reference it.
CAPACITY_CHECK = "gpu-capacity"


def provisioning_config_spec(provisioning_class: str) -> dict[str, Any]:
    return {
        "provisioningClassName": provisioning_class,
        # Only workloads asking for GPUs get a ProvisioningRequest (Kueue skips the check for the rest):
        # CPU jobs keep the plain autoscaler path.
        "managedResources": [GPU_RESOURCE],
        # A Job's pods are one PodSet; merging identical PodSets (PyTorchJob workers) keeps one template.
        "podSetMergePolicy": "IdenticalWorkloadSchedulingRequirements",
        # Kueue's defaults, stated: a failed request is retried 3 times (60 s, then doubling, at most
        # 30 min apart); each failure releases the quota and requeues the job.
        "retryStrategy": {"backoffLimitCount": 3, "backoffBaseSeconds": 60, "backoffMaxSeconds": 1800},
    }


# What the autoscaler behind the check guarantees, on the ProvisioningRequestConfig for whoever reads it
# (kubectl describe): `all-or-nothing` (the whole request arrives or none of it: GKE queued provisioning) or
# `best-effort` (the nodes are asked for in one step, the job is admitted when the autoscaler accepts the
# request, and a partial delivery is kept: the job's pods may wait on capacity that never comes until
# waitForPodsReady evicts and requeues the job).
SCALE_UP_ANNOTATION = "lepton.ai/scale-up"


def scale_up_annotations(all_or_nothing: bool) -> dict[str, str]:
    return {SCALE_UP_ANNOTATION: "all-or-nothing" if all_or_nothing else "best-effort"}


def admission_check_spec() -> dict[str, Any]:
    return {
        "controllerName": PROVISIONING_CONTROLLER,
        "parameters": {
            "apiGroup": "kueue.x-k8s.io",
            "kind": "ProvisioningRequestConfig",
            "name": CAPACITY_CHECK,
        },
    }


def admission_checks_strategy(flavor_names: list[str]) -> dict[str, Any]:
    """The check runs only for workloads assigned one of these (GPU) flavors: CPU jobs and GPU pools the
    autoscaler does not provision for are admitted on quota alone."""
    return {"admissionChecks": [{"name": CAPACITY_CHECK, "onFlavors": list(flavor_names)}]}


@dataclass(frozen=True)
class WorkloadPriority:
    name: str
    value: int
    description: str


# A job names one with the label `kueue.x-k8s.io/priority-class`; without it its priority is 0 (as
# `batch`). Within a tenant's queue a pending job preempts only running jobs of lower value
# (`withinClusterQueue: LowerPriority`); reclaiming lent quota ignores priority (`reclaimWithinCohort: Any`).
# These order Kueue's queueing and preemption only: they set no pod priority.
WORKLOAD_PRIORITIES = (
    WorkloadPriority(
        "training-low",
        -100,
        "Long, checkpointing training: preempted first by the tenant's own batch and urgent jobs.",
    ),
    WorkloadPriority("batch", 0, "The default (a job with no priority class has this value)."),
    WorkloadPriority(
        "urgent",
        1000,
        "Ahead of the tenant's other jobs in the queue; preempts its "
        "training-low and batch jobs when the queue is full.",
    ),
)


def workload_priority_class(priority: WorkloadPriority) -> dict[str, Any]:
    """WorkloadPriorityClass has no spec: value and description are top-level fields."""
    return {"value": priority.value, "description": priority.description}


def wait_for_pods_ready() -> dict[str, Any]:
    """Kueue's `waitForPodsReady` (always on in the v1beta2 configuration; stated here). A job whose pods
    are not all ready within `timeout` of admission, or that loses one (a spot node reclaimed) and gets
    no replacement within `recoveryTimeout`, is evicted, its quota released, and requeued after a
    backoff, so it may land on another flavor (on-demand) instead of holding quota on capacity that is
    gone. `timeout` covers a GPU node's boot (the AWS autoscaler's max-node-provision-time is 15 min) and
    a large image pull."""
    return {
        "timeout": "30m",
        "recoveryTimeout": "10m",
        "blockAdmission": False,
        # Requeued without limit (null), 60 s then doubling up to 30 min, counted from the eviction.
        "requeuingStrategy": {"timestamp": "Eviction", "backoffBaseSeconds": 60, "backoffMaxSeconds": 1800},
    }
