"""J2, a new image rolls out on a prod service running at its max (deploy review of 2026-12-07, issue 26).
A RollingUpdate Deployment grows its new ReplicaSet while all pods number under `replicas + maxSurge`, and
with `maxUnavailable` 0 removes an old pod only once a new one is available (kubernetes/kubernetes
pkg/controller/deployment/util/deployment_util.go, NewRSNewReplicas: `maxTotalPods := replicas +
maxSurge`; ResolveFenceposts rounds a percentage maxSurge up and maxUnavailable down; read 2026-12-07
from the code search corpus). A GPU replica takes its GPUs on
one node, so the pools the Deployment may land on (the scheduler's filters, as test_j2_on_demand reads them)
must hold `max + maxSurge` replicas at their max node counts, or maxUnavailable must let one old replica go
at max (its node then takes the new one); otherwise the surge pod stays Pending, the rollout never finishes
and Pulumi's wait on the Deployment times out."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from tests.journeys.cluster import Cluster
from tests.journeys.test_j2_on_demand import PROD, schedulable_pools


def resolve(value: int | str, replicas: int, round_up: bool) -> int:
    """An IntOrString fencepost at `replicas` (ResolveFenceposts: surge rounds up, unavailable down)."""
    if isinstance(value, str) and value.endswith("%"):
        scaled = int(value[:-1]) * replicas / 100
        return math.ceil(scaled) if round_up else math.floor(scaled)
    return int(value)


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
        top = svc["replicas"]["max"]
        surge = resolve(rolling["maxSurge"], top, True)
        unavailable = resolve(rolling["maxUnavailable"], top, False)
        per_replica = int(svc["gpu"].get("count", 1))
        pools = schedulable_pools(cluster, deployment["spec"]["template"]["spec"])
        capacity = sum(p.max_nodes * (p.gpus // per_replica) for p in pools)
        assert top + surge <= capacity or unavailable >= 1, (
            f"{svc['name']}: a rollout at max {top} replicas needs {top + surge} (maxSurge {surge}) or one "
            f"replica let go first (maxUnavailable {rolling['maxUnavailable']} resolves to {unavailable}), "
            f"but its pools {[p.name for p in pools]} hold {capacity}"
        )
        walked += 1
    assert walked, f"{stack} has no GPU service: nothing to walk"


@pytest.mark.parametrize("stack", PROD)
def test_a_rollout_keeps_all_but_one_replica_serving(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    """At every replica count up to max, a rollout lets at most one replica go (what the disruption budget
    allows), and none where it has a single replica."""
    cluster = cluster_of(stack)
    for svc in cluster.services:
        deployment = cluster.named("Deployment", svc["name"], svc["tenant"])
        assert deployment is not None, svc["name"]
        rolling = deployment["spec"]["strategy"]["rollingUpdate"]
        for replicas in range(1, svc["replicas"]["max"] + 1):
            unavailable = resolve(rolling["maxUnavailable"], replicas, False)
            assert unavailable <= (0 if replicas == 1 else 1), (svc["name"], replicas, rolling)
