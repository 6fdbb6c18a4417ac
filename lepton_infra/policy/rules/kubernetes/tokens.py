"""The Kubernetes type tokens the in-cluster rules read, and the clouds an in-cluster rule names."""

from __future__ import annotations

K8S = ("kubernetes",)
# Where each workload kind keeps its pod spec.
POD_SPEC_PATHS = {
    "kubernetes:core/v1:Pod": "spec",
    "kubernetes:apps/v1:Deployment": "spec.template.spec",
    "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
    "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
    "kubernetes:apps/v1:ReplicaSet": "spec.template.spec",
    "kubernetes:batch/v1:Job": "spec.template.spec",
    "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
}
WORKLOADS = tuple(POD_SPEC_PATHS)
NAMESPACE = "kubernetes:core/v1:Namespace"
RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
KUEUE_API = "kubernetes:kueue.x-k8s.io/v1beta2"
CLUSTER_QUEUE = f"{KUEUE_API}:ClusterQueue"
LOCAL_QUEUE = f"{KUEUE_API}:LocalQueue"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
SERVICE = "kubernetes:core/v1:Service"
GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
GATEWAY_BETA = "kubernetes:gateway.networking.k8s.io/v1beta1:Gateway"
HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
HTTP_ROUTE_BETA = "kubernetes:gateway.networking.k8s.io/v1beta1:HTTPRoute"
