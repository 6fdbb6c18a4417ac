"""J2, a prod service kept running (replicas.min >= 1) keeps its minimum on on-demand capacity (issue 26,
deploy review of 2026-12-07): a preferred node affinity is only a score, so with spot nodes up (or the
on-demand pool still scaling) the scheduler may put every replica on spot, and one reclaim takes the service
down. Read the recorded Deployment as kube-scheduler's filters do (NodeAffinity: nodeSelector, and the
required terms ORed with their expressions ANDed; TaintToleration: NoSchedule/NoExecute taints; the pod's
GPUs on a node), and list every pool a replica may land on: in prod none may be spot."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.journeys.cluster import Cluster, Pool, selects, untolerated

PROD = ["aws-prod", "gcp-prod", "azure-prod"]
GPU = "nvidia.com/gpu"


def _term_matches(term: dict[str, Any], labels: dict[str, str]) -> bool:
    """A NodeSelectorTerm (matchExpressions on labels; matchFields name nodes, which pools do not)."""
    if term.get("matchFields"):
        return False
    return selects({"matchExpressions": term.get("matchExpressions") or []}, labels)


def schedulable_pools(cluster: Cluster, pod_spec: dict[str, Any]) -> list[Pool]:
    """The pools whose nodes pass the scheduler's filters for this pod (resources: GPUs per node)."""
    required = (
        (pod_spec.get("affinity") or {})
        .get("nodeAffinity", {})
        .get("requiredDuringSchedulingIgnoredDuringExecution")
    )
    gpus = max(
        (int((c.get("resources") or {}).get("requests", {}).get(GPU, 0)) for c in pod_spec["containers"]),
        default=0,
    )
    out = []
    for pool in cluster.pools.values():
        if not selects({"matchLabels": pod_spec.get("nodeSelector") or {}}, pool.labels):
            continue
        if required and not any(_term_matches(t, pool.labels) for t in required["nodeSelectorTerms"]):
            continue
        if untolerated(list(pod_spec.get("tolerations") or []), pool):
            continue
        if gpus > pool.gpus:
            continue
        out.append(pool)
    return out


def _kept_running(cluster: Cluster) -> list[dict[str, Any]]:
    return [s for s in cluster.services if (s.get("replicas") or {}).get("min", 0) >= 1]


@pytest.mark.parametrize("stack", PROD)
def test_a_prod_service_kept_running_lands_only_on_on_demand_pools(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    services = _kept_running(cluster)
    assert services, f"{stack} keeps no service running: nothing to walk"
    for svc in services:
        deployment = cluster.named("Deployment", svc["name"], svc["tenant"])
        assert deployment is not None
        pools = schedulable_pools(cluster, deployment["spec"]["template"]["spec"])
        assert pools, f"{svc['name']}: no pool can run its replicas"
        assert [p.name for p in pools if p.spot] == [], f"{svc['name']} may land on spot pools"
        # the minimum fits on those on-demand pools at their max
        per_node = {p.name: p.gpus // max(int((svc.get("gpu") or {}).get("count", 1)), 1) for p in pools}
        capacity = sum(per_node[p.name] * p.max_nodes for p in pools)
        assert capacity >= svc["replicas"]["min"], (svc["name"], capacity)


@pytest.mark.parametrize("stack", PROD)
def test_a_scale_to_zero_service_may_still_use_spot(stack: str, cluster_of: Callable[[str], Cluster]) -> None:
    """The walk is not vacuous: the same reading finds the spot pools for a service with replicas.min 0."""
    cluster = cluster_of(stack)
    for svc in cluster.services:
        if (svc.get("replicas") or {}).get("min", 0) == 0 and svc.get("gpu"):
            deployment = cluster.named("Deployment", svc["name"], svc["tenant"])
            assert deployment is not None
            pools = schedulable_pools(cluster, deployment["spec"]["template"]["spec"])
            assert any(p.spot for p in pools), svc["name"]
            return
    pytest.skip(f"{stack} has no GPU service scaling to zero")
