"""The Container Insights metrics the AWS alarms read, as the CloudWatch agent publishes them: name and the
dimension sets it aggregates them by (in namespace `ContainerInsights`). An alarm on a name or a dimension
set not listed here would watch a metric that never exists and stay quiet forever.

Sources, read 2026-12-07:
- the names and dimension sets: aws/amazon-cloudwatch-agent at v1.300071.0 (+9 commits, 2026-08-07),
  translator/translate/otel/exporter/awsemf/kubernetes.go (getClusterMetricDeclarations,
  getPodMetricDeclarations with enhanced observability and accelerated compute metrics on, as the add-on is
  configured in monitoring.py, getGPUMetricDeclarations);
- what emits the pod GPU counts: amazon-contributing/opentelemetry-collector-contrib,
  receiver/awscontainerinsightreceiver/internal/k8sapiserver/k8sapiserver.go, getAcceleratorCountMetrics:
  the elected leader lists every Pending or Running pod from the API server and, for each pod whose containers
  ask for `nvidia.com/gpu`, emits pod_gpu_request (GPUs requested) and pod_gpu_usage_total (the same number
  once the pod runs, 0 while it is pending). The per-node agents see only pods already bound to their kubelet
  (internal/stores/podstore.go lists the kubelet's pods), so a pod waiting for a GPU node is counted by the
  leader alone. Pending pods carry no node, instance type or pool dimension: no metric can tell which GPU pool
  a pending pod waits for.
"""

from __future__ import annotations

CLUSTER = ("ClusterName",)
INSIGHTS_METRICS: dict[str, tuple[tuple[str, ...], ...]] = {
    "cluster_failed_node_count": (CLUSTER,),
    "node_gpu_limit": (("NodeName", "InstanceId", "ClusterName"), CLUSTER),
    "node_gpu_utilization": (CLUSTER, ("ClusterName", "NodeName", "InstanceId")),
    "pod_gpu_request": (
        ("PodName", "Namespace", "ClusterName"),
        CLUSTER,
        ("FullPodName", "PodName", "Namespace", "ClusterName"),
        ("Service", "Namespace", "ClusterName"),
    ),
    "pod_gpu_usage_total": (
        ("PodName", "Namespace", "ClusterName"),
        CLUSTER,
        ("FullPodName", "PodName", "Namespace", "ClusterName"),
        ("Service", "Namespace", "ClusterName"),
    ),
}
