"""J2, a new image rolls out on a prod service running at its max (deploy review of 2026-12-07, issue 26).
A RollingUpdate Deployment grows its new ReplicaSet while all pods number under `replicas + maxSurge`, and
with `maxUnavailable` 0 removes an old pod only once a new one is available (kubernetes/kubernetes
pkg/controller/deployment/util/deployment_util.go, NewRSNewReplicas: `maxTotalPods := replicas +
maxSurge`; read 2026-12-07 from the code search corpus). A GPU replica takes its GPUs on
one node, so the pools the Deployment may land on (the scheduler's filters, as test_j2_on_demand reads them)
must hold `max + maxSurge` replicas at their max node counts, or the surge pod stays Pending, the rollout
never finishes and Pulumi's wait on the Deployment times out."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.journeys.cluster import Cluster
from tests.journeys.test_j2_on_demand import PROD, schedulable_pools


@pytest.mark.parametrize("stack", PROD)
def test_a_gpu_service_at_max_replicas_can_roll_out(stack: str, cluster_of: Callable[[str], Cluster]) -> None:
    cluster = cluster_of(stack)
    walked = 0
    for svc in cluster.services:
        if not svc.get("gpu"):
            continue
        deployment = cluster.named("Deployment", svc["name"], svc["tenant"])
        assert deployment is not None, svc["name"]
        rolling = deployment["spec"]["strategy"]["rollingUpdate"]
        surge, unavailable = int(rolling["maxSurge"]), int(rolling["maxUnavailable"])
        assert surge + unavailable >= 1, (svc["name"], rolling)  # the API server refuses 0 and 0
        per_replica = int(svc["gpu"].get("count", 1))
        pools = schedulable_pools(cluster, deployment["spec"]["template"]["spec"])
        capacity = sum(p.max_nodes * (p.gpus // per_replica) for p in pools)
        peak = svc["replicas"]["max"] + surge
        assert peak <= capacity, (
            f"{svc['name']}: a rollout at max {svc['replicas']['max']} replicas needs {peak} "
            f"(maxSurge {surge}) but its pools {[p.name for p in pools]} hold {capacity}"
        )
        walked += 1
    assert walked, f"{stack} has no GPU service: nothing to walk"


@pytest.mark.parametrize("stack", PROD)
def test_a_rollout_in_place_keeps_a_replica_serving(stack: str, cluster_of: Callable[[str], Cluster]) -> None:
    """Replacing in place (maxSurge 0) drops at most one replica, as the disruption budget does, and only
    where the service keeps two or more running (one always serves)."""
    cluster = cluster_of(stack)
    for svc in cluster.services:
        deployment = cluster.named("Deployment", svc["name"], svc["tenant"])
        assert deployment is not None, svc["name"]
        rolling = deployment["spec"]["strategy"]["rollingUpdate"]
        if int(rolling["maxSurge"]) == 0:
            assert int(rolling["maxUnavailable"]) == 1, (svc["name"], rolling)
            assert svc["replicas"]["min"] != 1, svc["name"]
