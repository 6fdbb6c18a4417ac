"""The critical priority classes, and the quota some clusters require before admitting them.

Kubernetes can limit the consumption of a priority class to namespaces holding a ResourceQuota scoped to
it (the API server's ResourceQuota admission `limitedResources`). GKE does so for the two critical
classes: outside kube-system, a pod with `system-node-critical` or `system-cluster-critical` fails with
"insufficient quota to match these scopes" unless such a quota exists. The quota here is an admission
ticket, not a limit: GKE's own `gcp-critical-pods` in kube-system has the same shape.
"""

from __future__ import annotations

from typing import Any, cast

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.kubernetes.meta import common_labels

SYSTEM_NODE_CRITICAL = "system-node-critical"
SYSTEM_CLUSTER_CRITICAL = "system-cluster-critical"
CRITICAL_PRIORITY_CLASSES = (SYSTEM_NODE_CRITICAL, SYSTEM_CLUSTER_CRITICAL)
CRITICAL_PODS_QUOTA = "lepton-critical-pods"


def critical_pods_quota_spec() -> dict[str, Any]:
    return {
        "hard": {"pods": "1G"},
        "scopeSelector": {
            "matchExpressions": [
                {"scopeName": "PriorityClass", "operator": "In", "values": list(CRITICAL_PRIORITY_CLASSES)}
            ]
        },
    }


def critical_pods_quota(
    resource_name: str, namespace: pulumi.Input[str], opts: pulumi.ResourceOptions
) -> k8s.core.v1.ResourceQuota:
    """The quota that admits critical-priority pods in `namespace`; the release running them waits for it
    (a ReplicaSet that failed to create its pods retries, but an atomic Helm install times out first)."""
    return k8s.core.v1.ResourceQuota(
        resource_name,
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=CRITICAL_PODS_QUOTA,
            namespace=namespace,
            labels=common_labels(CRITICAL_PODS_QUOTA, "priority"),
        ),
        spec=cast(Any, critical_pods_quota_spec()),  # camelCase manifest, validated strictly by the tests
        opts=opts,
    )
