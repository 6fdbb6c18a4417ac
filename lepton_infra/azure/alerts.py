"""The alerts Azure Monitor evaluates for the platform, as data: Prometheus rule alerts on the
kube-state-metrics series the AKS metrics add-on collects. `Monitoring` turns them into resources.

No AKS platform-metric alert: a metric alert compares one aggregation over its window with a threshold, and
the Cluster Autoscaler platform metrics (`cluster_autoscaler_unschedulable_pods_count` among them)
aggregate as Total or Average (Azure Monitor "Supported metrics for Microsoft.ContainerService/
managedClusters", stored copy read 2026-12-07). "Average above 0 over 30 minutes" holds as soon as any
sample in the window was above 0, which every GPU scale-from-zero gives; the former `pods-unschedulable`
metric alert fired on each one. A Prometheus rule's `for` means "true at every evaluation for 30
minutes", which is what these alerts say.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrometheusAlert:
    alert: str
    expression: str
    for_: str  # ISO 8601 duration
    description: str


GPU_RESOURCE = 'resource="nvidia_com_gpu"'  # how kube-state-metrics spells nvidia.com/gpu


def prometheus_alerts() -> list[PrometheusAlert]:
    """Evaluated by Azure Monitor on the kube-state-metrics series the AKS metrics add-on collects by
    default: its minimal ingestion profile keeps kube_node_status_condition, kube_pod_status_phase,
    kube_pod_container_resource_requests and kube_node_status_allocatable (Azure Monitor "Minimal
    ingestion profile for Prometheus metrics", `default-targets-metrics-keep-list.kubestate`)."""
    return [
        PrometheusAlert(
            "NodeNotReady",
            'kube_node_status_condition{condition="Ready",status="true"} == 0',
            "PT15M",
            "A node has not been Ready for 15 minutes.",
        ),
        # Per pod, so a stream of pods each placed within minutes never adds up to an alert. GPU pods
        # are GpuPodsPending's (the same wait, a GPU-specific reason).
        PrometheusAlert(
            "PodsPending",
            'max by (namespace, pod) (kube_pod_status_phase{phase="Pending"}) == 1 '
            f"unless on (namespace, pod) (kube_pod_container_resource_requests{{{GPU_RESOURCE}}})",
            "PT30M",
            "A pod has stayed Pending for 30 minutes: its pool is at max, Azure has no capacity for the VM "
            "size, or its image cannot be pulled.",
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
