"""The alerts Azure Monitor evaluates for the platform, as data: metric alerts on AKS platform metrics
(free, no agent) and Prometheus rule alerts on the kube-state-metrics series the AKS metrics add-on
collects. `Monitoring` turns them into resources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ClusterAlert:
    role: str
    description: str
    metric: str
    operator: str
    threshold: float
    aggregation: str
    window: str  # ISO 8601 duration the condition must hold over
    dimensions: Mapping[str, Sequence[str]] = field(default_factory=dict)


# AKS platform metrics: collected by AKS itself, free, no agent in the cluster.
CLUSTER_ALERTS = (
    # Pods the cluster autoscaler cannot place (in practice: GPU pools at max, or no capacity of the size).
    ClusterAlert(
        "pods-unschedulable",
        "Pods have stayed unschedulable for 30 minutes: a pool is at its max "
        "or Azure has no capacity for its VM size.",
        "cluster_autoscaler_unschedulable_pods_count",
        "GreaterThan",
        0,
        "Average",
        "PT30M",
    ),
)


@dataclass(frozen=True)
class PrometheusAlert:
    alert: str
    expression: str
    for_: str  # ISO 8601 duration
    description: str


GPU_RESOURCE = 'resource="nvidia_com_gpu"'  # how kube-state-metrics spells nvidia.com/gpu


def prometheus_alerts() -> list[PrometheusAlert]:
    """Evaluated by Azure Monitor on the kube-state-metrics series the AKS metrics add-on collects by
    default (its minimal ingestion profile keeps these: default alerts and recording rules use them)."""
    return [
        PrometheusAlert(
            "NodeNotReady",
            'kube_node_status_condition{condition="Ready",status="true"} == 0',
            "PT15M",
            "A node has not been Ready for 15 minutes.",
        ),
        PrometheusAlert(
            "GpuPodsPending",
            f"sum by (namespace, pod) (kube_pod_container_resource_requests{{{GPU_RESOURCE}}}) "
            '* on (namespace, pod) group_left () (kube_pod_status_phase{phase="Pending"} == 1) > 0',
            "PT30M",
            "Pods requesting GPUs have been Pending for 30 minutes: the pool is at max or Azure has no "
            "capacity.",
        ),
        # Paid-for GPUs no pod asked for. Utilisation (DCGM) alerts come from the in-cluster Prometheus.
        PrometheusAlert(
            "GpusIdle",
            f"sum(kube_node_status_allocatable{{{GPU_RESOURCE}}}) "
            f"- (sum(kube_pod_container_resource_requests{{{GPU_RESOURCE}}}) or vector(0)) > 0",
            "PT1H",
            "GPU nodes have had unrequested GPUs for an hour: they cost money and do no work.",
        ),
    ]
