"""J2, a prod service kept running survives a zone (deploy review of 2026-12-07, issue 26). Its replicas
spread over zones only with `whenUnsatisfiable: ScheduleAnyway`, a score: the nodes decide. On GKE a pool's
location policy ANY "picks zones that have the highest capacity available", BALANCED "aims to balance the
sizes of different zones" (GKE API NodePoolAutoscaling.LocationPolicy, read 2026-12-07): with ANY both
replicas' nodes may come up in one zone. Walk the recorded gcp-prod plan: every pool a kept-running GPU
service may land on scales BALANCED."""

from __future__ import annotations

from collections.abc import Callable

from tests.journeys.cluster import Cluster
from tests.journeys.test_j2_on_demand import schedulable_pools


def test_gke_pools_of_kept_running_services_scale_balanced(cluster_of: Callable[[str], Cluster]) -> None:
    cluster = cluster_of("gcp-prod")
    policies = {
        (r.inputs.get("nodeConfig") or {}).get("labels", {}).get("lepton.ai/pool"): r.inputs[
            "autoscaling"
        ].get("locationPolicy")
        for r in cluster.graph.managed
        if r.type == "gcp:container/nodePool:NodePool"
    }
    walked = {}
    for svc in cluster.services:
        if (svc.get("replicas") or {}).get("min", 0) < 1 or not svc.get("gpu"):
            continue
        deployment = cluster.named("Deployment", svc["name"], svc["tenant"])
        assert deployment is not None, svc["name"]
        for pool in schedulable_pools(cluster, deployment["spec"]["template"]["spec"]):
            walked[pool.name] = policies[pool.name]
    assert walked, "gcp-prod keeps no GPU service running: nothing to walk"
    assert walked == dict.fromkeys(walked, "BALANCED")
    # the spot and queued GPU pools keep ANY (capacity first)
    assert policies["l4-spot"] == "ANY" and policies["h100"] == "ANY"
