"""Names every cloud and the in-cluster layer agree on: node labels, the GPU taint, the GPU resource, and
the stack config key the platform spec is read from."""

from __future__ import annotations

# The stack config key holding the platform spec (`lepton:platform:` in Pulumi.<stack>.yaml): the spec
# reads it (spec/platform.py), and so do the cost model and the policy report on a recorded plan.
PLATFORM_CONFIG_KEY = "lepton:platform"

POOL_LABEL = "lepton.ai/pool"
GPU_TYPE_LABEL = "lepton.ai/gpu-type"
GPU_PRESENT_LABEL = "nvidia.com/gpu.present"
GPU_RESOURCE = "nvidia.com/gpu"
# One GPU taint on every cloud, so a workload's toleration is cloud-agnostic.
GPU_TAINT_KEY = "nvidia.com/gpu"
GPU_TAINT_VALUE = "present"
GPU_TAINT_EFFECT = "NoSchedule"
# prod: the on-demand GPU pools that hold the services kept running (spec/reserved_pools.py) carry this taint
# as well, and only those services' pods tolerate it (plus the DaemonSets every GPU node needs): a tenant's
# own Deployment or an unqueued Job with a node selector on the pool, or a GPU pod that does not tolerate
# spot (AKS), would otherwise take the nodes those replicas need, and their pods never preempt.
RESERVED_TAINT_KEY = "lepton.ai/reserved"
RESERVED_TAINT_VALUE = "kept-running"
RESERVED_TAINT_EFFECT = "NoSchedule"


def reserved_toleration() -> dict[str, str]:
    """What a pod needs to land on a reserved pool (exactly its taint)."""
    return {
        "key": RESERVED_TAINT_KEY,
        "operator": "Equal",
        "value": RESERVED_TAINT_VALUE,
        "effect": RESERVED_TAINT_EFFECT,
    }


MONITORING_NAMESPACE = "monitoring"
GPU_OPERATOR_NAMESPACE = "gpu-operator"
KEDA_NAMESPACE = "keda"
KUEUE_NAMESPACE = "kueue-system"
# The JobSet controller (the multi-node job API, where a GPU pool is topology_aware).
JOBSET_NAMESPACE = "jobset-system"
CERT_MANAGER_NAMESPACE = "cert-manager"
# Where the shared Gateways (Gateway API) and their certificates live; HTTPRoutes stay in the tenants'.
INGRESS_NAMESPACE = "lepton-ingress"
# Namespaces whose pods may be privileged (drivers, exporters, node agents).
SYSTEM_NAMESPACES = ("kube-system", GPU_OPERATOR_NAMESPACE, MONITORING_NAMESPACE)
# Namespaces a tenant may not be named after (a tenant's name is its namespace).
RESERVED_NAMESPACES = frozenset(
    {
        "default",
        "kube-system",
        "kube-public",
        "kube-node-lease",
        GPU_OPERATOR_NAMESPACE,
        MONITORING_NAMESPACE,
        KEDA_NAMESPACE,
        KUEUE_NAMESPACE,
        JOBSET_NAMESPACE,
        CERT_MANAGER_NAMESPACE,
        INGRESS_NAMESPACE,
    }
)


def pool_labels(pool: str, gpu_type: str | None) -> dict[str, str]:
    """The platform's own labels of a pool's nodes, which select the pool: declared on the pool, so the
    cluster autoscaler knows them for a node it has not created yet (scale from zero)."""
    labels = {POOL_LABEL: pool}
    if gpu_type:
        labels[GPU_TYPE_LABEL] = gpu_type
    return labels


def node_labels(pool: str, gpu_type: str | None) -> dict[str, str]:
    """`pool_labels` plus `nvidia.com/gpu.present=true` on GPU pools, as EKS and GKE pools declare them.
    Where the NVIDIA GPU operator runs with node-feature-discovery (AKS), that label is the operator's:
    it sets and clears it from what NFD finds, and the pool must not declare it (azure/planning.py)."""
    labels = pool_labels(pool, gpu_type)
    if gpu_type:
        labels[GPU_PRESENT_LABEL] = "true"
    return labels


# CloudWatch Logs PutRetentionPolicy `retentionInDays`: only these values (AWS API reference); the spec
# refuses others and the policy pack flags them.
CLOUDWATCH_RETENTION_DAYS = (
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
)


# An inference service's disk use on its node (kubernetes/workload.py; checked against the pools' disks by
# spec/service_rules.py): /tmp scratch, room for its logs, and what the node keeps for itself (the OS image,
# the kubelet, container images; a GPU server's image alone is often 5-15 GiB). The model cache
# (`services[].model_cache_gb`) comes on top.
SERVICE_SCRATCH_GB = 2
SERVICE_LOGS_GB = 1
NODE_DISK_RESERVED_GB = 30
