"""Priority classes: the critical ones and the quota some clusters require before admitting them, the
platform's own class, the classes tenants may use, and the quota that keeps tenants off the critical
classes and the platform's.

Kubernetes can limit the consumption of a priority class to namespaces holding a ResourceQuota scoped to
it (the API server's ResourceQuota admission `limitedResources`). GKE does so for the two critical
classes: outside kube-system, a pod with `system-node-critical` or `system-cluster-critical` fails with
"insufficient quota to match these scopes" unless such a quota exists. The quota that admits them is an
admission ticket, not a limit: GKE's own `gcp-critical-pods` in kube-system has the same shape.

EKS and AKS set no such limit: any pod may name a critical class, and its priority (2 billion) preempts
every other tenant's pods and the platform's. PriorityClasses are cluster-wide and any pod may name one;
what a namespace may use is decided by quota. So every tenant namespace holds a quota of zero pods scoped
to the critical classes and the platform's (on GKE it is also the quota that makes the limit apply to the
critical ones: zero admits none).

GKE limits only the two critical classes: the scope its admission reports is `PriorityClass In
[system-node-critical system-cluster-critical]` (GKE's `gcp-critical-pods` quota; the error quoted in
open-policy-agent/gatekeeper#1120, 2021-02-05, and openservicemesh/osm#4408, 2021-12-27;
aws-observability/helm-charts#358, 2026-08-27: "EKS and AKS do not gate priority classes this way"). A
class of our own needs no quota on any of the three clouds.
"""

from __future__ import annotations

from dataclasses import dataclass
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


@dataclass(frozen=True)
class PodPriority:
    name: str
    value: int
    preemption_policy: str
    description: str


# The platform's own pods (every release's pods the charts let us set, except those the charts already run
# at a critical class): tenant CPU work shares the system pool with them, and at equal priority a full pool
# would keep the KEDA interceptor from scaling out and an atomic Helm upgrade from surging. Well above the
# tenant classes, so the scheduler preempts tenant pods to place a platform pod; below the critical classes
# (2000000000 and up), which the cluster's own components and node agents keep. A user-defined class may
# not exceed 1000000000 (the API server's HighestUserDefinablePriority). Tenants cannot name it
# (`forbidden_priority_quota_spec`).
PLATFORM_PRIORITY = PodPriority(
    "lepton-platform",
    1_000_000,
    "PreemptLowerPriority",
    "The platform's own pods (monitoring, autoscaling, queueing, certificates): ahead of every tenant pod, "
    "preempting tenant pods when they need the room.",
)

# The cluster autoscaler's default `--expendable-pods-priority-cutoff` (cluster-autoscaler-1.35.2, read
# 2026-12-07): pods with a lower priority never cause a scale-up. None of the three clouds' autoscalers is
# configured with another cutoff by the platform.
EXPENDABLE_POD_PRIORITY_CUTOFF = -10

# The classes tenant pods may name. Both far below the platform's class, so no tenant pod preempts a
# platform pod: `lepton-serving` orders inference pods ahead of batch pods in the scheduling queue but never
# preempts (preemptionPolicy Never), `lepton-preemptible` is evicted first by anything else that needs room.
SERVING_PRIORITY = PodPriority(
    "lepton-serving",
    100,
    "Never",
    "Inference services: scheduled ahead of batch pods, never preempts another pod.",
)
TENANT_PRIORITIES = (
    SERVING_PRIORITY,
    PodPriority(
        "lepton-preemptible",
        # -10, not lower: the cluster autoscaler treats a pod below `--expendable-pods-priority-cutoff`
        # (default -10; kubernetes/autoscaler cluster-autoscaler-1.35.2 config/flags/flags.go, and
        # core/utils/expendable.go: priority < cutoff) as expendable: it never scales a pool up for it and
        # removes its node without regard to its PodDisruptionBudget. Every GPU pool scales from zero, so a
        # pod at -100 waited forever. -10 still sorts below the default 0 and is preempted first.
        EXPENDABLE_POD_PRIORITY_CUTOFF,
        "PreemptLowerPriority",
        "Opportunistic tenant pods: the first preempted when anything else needs the room.",
    ),
)
# The name predates the platform class it now also covers; kept, so the quota is updated in place.
FORBIDDEN_PRIORITY_QUOTA = "no-critical-priority"
FORBIDDEN_TENANT_CLASSES = (*CRITICAL_PRIORITY_CLASSES, PLATFORM_PRIORITY.name)


def forbidden_priority_quota_spec() -> dict[str, Any]:
    """Zero pods at the critical priority classes or the platform's in a tenant namespace."""
    return {
        "hard": {"pods": "0"},
        "scopeSelector": {
            "matchExpressions": [
                {"scopeName": "PriorityClass", "operator": "In", "values": list(FORBIDDEN_TENANT_CLASSES)}
            ]
        },
    }


def priority_class(
    resource_name: str, p: PodPriority, opts: pulumi.ResourceOptions
) -> k8s.scheduling.v1.PriorityClass:
    return k8s.scheduling.v1.PriorityClass(
        resource_name,
        metadata=k8s.meta.v1.ObjectMetaArgs(name=p.name, labels=common_labels(p.name, "priority")),
        value=p.value,
        preemption_policy=p.preemption_policy,
        global_default=False,
        description=p.description,
        opts=opts,
    )


def tenant_priority_classes(
    prefix: str, opts: pulumi.ResourceOptions
) -> dict[str, k8s.scheduling.v1.PriorityClass]:
    return {p.name: priority_class(f"{prefix}-{p.name}", p, opts) for p in TENANT_PRIORITIES}
