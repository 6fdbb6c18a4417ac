"""J2, the on-demand nodes of a prod service kept running stay free for its replicas (deploy review of
2026-12-07, issue 26). Its pods carry the `lepton-serving` PriorityClass with `preemptionPolicy: Never`, so
whatever lands on those nodes first keeps them: a queued job Kueue admits on a flavor selecting that pool
(a queue's own quota, or another's borrowed: Kueue v0.19.2 flavorassigner tries each flavor in order and
a cohort lends any idle nominal quota; read 2026-12-07), or a service scaling to zero whose affinity
allows the pool. The pools are sized to the kept-running replicas' max, so every such node is a replica
that cannot start. Walk the recorded plan: the pools a kept-running Deployment may land on (the
scheduler's filters, test_j2_on_demand) are reachable by no ClusterQueue and by no other service."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.journeys.admission import reachable_quota
from tests.journeys.cluster import Cluster, Pool, selects
from tests.journeys.test_j2_on_demand import PROD, schedulable_pools

GPU = "nvidia.com/gpu"


def _kept_running_pools(cluster: Cluster) -> dict[str, Pool]:
    pools: dict[str, Pool] = {}
    for svc in cluster.services:
        if (svc.get("replicas") or {}).get("min", 0) >= 1 and svc.get("gpu"):
            deployment = cluster.named("Deployment", svc["name"], svc["tenant"])
            assert deployment is not None, svc["name"]
            pools.update(
                {p.name: p for p in schedulable_pools(cluster, deployment["spec"]["template"]["spec"])}
            )
    return pools


@pytest.mark.parametrize("stack", PROD)
def test_no_queued_job_reaches_the_kept_running_pools(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    reserved = _kept_running_pools(cluster)
    assert reserved, f"{stack} keeps no GPU service running: nothing to walk"
    queues = cluster.of_kind("ClusterQueue")
    assert queues, f"{stack} has no job queues: nothing to walk"
    reached = []
    for queue in queues:
        for group in queue["spec"]["resourceGroups"]:
            if GPU not in group["coveredResources"]:
                continue
            for entry in group["flavors"]:
                flavor = cluster.named("ResourceFlavor", entry["name"])
                assert flavor is not None, entry["name"]
                labels = flavor["spec"].get("nodeLabels") or {}
                pools = [p for p in reserved.values() if selects({"matchLabels": labels}, p.labels)]
                if pools and reachable_quota(cluster, queue, entry["name"], GPU) > 0:
                    reached.append((queue["metadata"]["name"], entry["name"], [p.name for p in pools]))
    assert reached == [], f"queues reach the kept-running services' pools: {reached}"


@pytest.mark.parametrize("stack", PROD)
def test_no_service_scaling_to_zero_lands_on_the_kept_running_pools(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    reserved = _kept_running_pools(cluster)
    assert reserved, f"{stack} keeps no GPU service running: nothing to walk"
    walked = 0
    for svc in cluster.services:
        if (svc.get("replicas") or {}).get("min", 0) >= 1 or not svc.get("gpu"):
            continue
        deployment = cluster.named("Deployment", svc["name"], svc["tenant"])
        assert deployment is not None, svc["name"]
        pools = [p.name for p in schedulable_pools(cluster, deployment["spec"]["template"]["spec"])]
        assert pools, f"{svc['name']}: no pool can run its replicas"
        assert sorted(set(pools) & set(reserved)) == [], f"{svc['name']} may land on {pools}"
        walked += 1
    if not walked:
        pytest.skip(f"{stack} has no GPU service scaling to zero")
