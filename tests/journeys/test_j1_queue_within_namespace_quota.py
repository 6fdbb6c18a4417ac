"""J1, a job Kueue admits gets its pods (deploy review of 2026-12-07, issue 26). Kueue admits a workload on
its ClusterQueue's quota, its own nominal quota plus what it may borrow in the cohort, and never reads the
namespace's ResourceQuota; the API server's ResourceQuota admission then refuses each pod that would take
the namespace's `requests.nvidia.com/gpu` above its hard limit (Kubernetes "Resource Quotas": requests are
counted at pod creation, and a pod exceeding the quota is rejected with 403 `exceeded quota`; read
2026-12-07). The nodes bought for the admitted job (an 8-GPU H100 flex-start node) then idle until
waitForPodsReady evicts it. A rolling update also creates `maxSurge` pods beyond the running replicas, at
max too (kubernetes pkg/controller/deployment/rolling.go: the new ReplicaSet scales up to replicas +
maxSurge); refused, the surge pod hangs the rollout and Pulumi's wait fails the `up`. Walk the recorded
plan: in every tenant namespace the GPU quota holds its services at replicas.max, their surge pods and all
its queue can admit."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from tests.journeys.admission import q, reachable_quota
from tests.journeys.cluster import Cluster, selects
from tests.journeys.test_j2_on_demand import PROD

GPU = "nvidia.com/gpu"


def _namespace_quota(cluster: Cluster, namespace: str, resource: str = GPU) -> Decimal | None:
    hard = [
        q(quota["spec"]["hard"][f"requests.{resource}"])
        for quota in cluster.of_kind("ResourceQuota", namespace)
        if not quota["spec"].get("scopeSelector") and f"requests.{resource}" in quota["spec"]["hard"]
    ]
    return min(hard) if hard else None


def _surge(deployment: dict, replicas: int) -> Decimal:
    """The pods a rollout adds at `replicas`: maxSurge as a count, or a percentage rounded up (kubernetes
    pkg/controller/deployment/util ResolveFenceposts); absent, the default 25%."""
    strategy = deployment["spec"].get("strategy") or {}
    if strategy.get("type") == "Recreate":
        return Decimal(0)
    surge = (strategy.get("rollingUpdate") or {}).get("maxSurge", "25%")
    if isinstance(surge, str) and surge.endswith("%"):
        return Decimal(-(-replicas * int(surge[:-1]) // 100))
    return Decimal(int(surge))


def _services_at_max(cluster: Cluster, tenant: str, resource: str = GPU) -> Decimal:
    total = Decimal(0)
    for svc in cluster.services:
        if svc["tenant"] != tenant:
            continue
        deployment = cluster.named("Deployment", svc["name"], tenant)
        assert deployment is not None, svc["name"]
        per_pod = sum(
            (
                q((c.get("resources") or {}).get("requests", {}).get(resource, 0))
                for c in deployment["spec"]["template"]["spec"]["containers"]
            ),
            Decimal(0),
        )
        top = svc["replicas"]["max"]
        total += per_pod * (top + _surge(deployment, top))
    return total


def _queue_reach(cluster: Cluster, tenant: str, resource: str = GPU) -> Decimal:
    """All the tenant's queue can admit of `resource`: its own and borrowable quota, summed over the
    flavors (a queue admits on each flavor's quota independently)."""
    total = Decimal(0)
    for queue in cluster.of_kind("ClusterQueue"):
        if not selects(queue["spec"].get("namespaceSelector"), cluster.namespace_labels(tenant)):
            continue
        for group in queue["spec"]["resourceGroups"]:
            if resource in group["coveredResources"]:
                total += sum(
                    (reachable_quota(cluster, queue, f["name"], resource) for f in group["flavors"]),
                    Decimal(0),
                )
    return total


@pytest.mark.parametrize("resource", [GPU, "cpu", "memory"])
@pytest.mark.parametrize("stack", [*PROD, "azure-prod+tenant"])
def test_a_tenants_namespace_quota_holds_its_services_and_its_queue(
    stack: str, resource: str, cluster_of: Callable[[str], Cluster]
) -> None:
    """GPUs, and CPU and memory the same way (issue 26, deploy review finding 2: the queues offered each
    tenant its whole namespace CPU and memory quota once per flavor, borrowable, beside its services)."""
    cluster = cluster_of(stack)
    assert cluster.of_kind("ClusterQueue"), f"{stack} has no job queues: nothing to walk"
    short = {}
    for tenant in cluster.tenants:
        name = tenant["name"]
        hard = _namespace_quota(cluster, name, resource)
        assert hard is not None, f"{name} has no {resource} ResourceQuota"
        services, queue = _services_at_max(cluster, name, resource), _queue_reach(cluster, name, resource)
        if services + queue > hard:
            short[name] = f"quota {hard} < services at max {services} + queue {queue}"
    assert short == {}, short


# Literal: services at max + surge + queue own + borrowable (research: sentiment 10 x 1 + 1, h100 8, up to 2
# of serving's spot L4/T4/A10 quota; serving: embeddings 4 x 1 + 1, chat 2 x 1 + 1, spot 2, up to 8 of
# research's H100s).
EXPECTED_NEED = {"research": Decimal(21), "serving": Decimal(18)}


@pytest.mark.parametrize("stack", PROD)
def test_prod_tenants_need_counts_each_services_surge_pod(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    need = {
        t["name"]: _services_at_max(cluster, t["name"]) + _queue_reach(cluster, t["name"])
        for t in cluster.tenants
    }
    assert need == EXPECTED_NEED
    quotas = {t["name"]: _namespace_quota(cluster, t["name"]) for t in cluster.tenants}
    assert quotas == EXPECTED_NEED


def test_a_tenant_without_a_jobs_block_borrows_only_what_its_quota_holds(
    cluster_of: Callable[[str], Cluster],
) -> None:
    """azure-prod plus `analytics` (gpu_quota 0, no `jobs` block): its queue holds no GPUs and, with
    unlimited borrowing, reached research's 8 H100s and serving's 2 spot T4s (issue 26, "a tenant without
    a `jobs:` block still gets a queue with unlimited borrowing"); it must reach none."""
    cluster = cluster_of("azure-prod+tenant")
    assert cluster.named("ClusterQueue", "analytics") is not None, "no queue for analytics: nothing to walk"
    assert _queue_reach(cluster, "analytics") == Decimal(0)
    assert _namespace_quota(cluster, "analytics") == Decimal(0)


# Literal, in cores: research sentiment (10 + 1) x 2 CPU + queue 42; serving embeddings (4 + 1) x 2 and
# chat (2 + 1) x 2 + 48.
EXPECTED_CPU = {"research": (Decimal(22), Decimal(42)), "serving": (Decimal(16), Decimal(48))}


@pytest.mark.parametrize("stack", PROD)
def test_prod_queues_get_the_cpu_their_namespace_leaves(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    got = {
        t["name"]: (_services_at_max(cluster, t["name"], "cpu"), _queue_reach(cluster, t["name"], "cpu"))
        for t in cluster.tenants
    }
    assert got == EXPECTED_CPU
