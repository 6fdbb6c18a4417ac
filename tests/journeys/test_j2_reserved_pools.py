"""J2, the on-demand nodes of a prod service kept running stay free for its replicas (deploy review of
2026-12-07, issue 26). Its pods carry the `lepton-serving` PriorityClass with `preemptionPolicy: Never`, so
whatever lands on those nodes first keeps them: a queued job Kueue admits on a flavor selecting that pool
(a queue's own quota, or another's borrowed: Kueue v0.19.2 flavorassigner tries each flavor in order and
a cohort lends any idle nominal quota; read 2026-12-07), or a service scaling to zero whose affinity
allows the pool. The pools are sized to the kept-running replicas' max, so every such node is a replica
that cannot start. Walk the recorded plan: the pools a kept-running Deployment may land on (the
scheduler's filters, test_j2_on_demand) are reachable by no ClusterQueue and by no other service."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.journeys.admission import reachable_quota
from tests.journeys.cluster import Cluster, Pool, selects, untolerated
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


# --- Tenants' own pods (issue 26, deploy review finding 3) -----------------------------------------------
# Kueue and the services' affinity keep queued jobs and scale-to-zero services off the kept-running pools,
# but a tenant admin may create a Deployment or a Job without the queue label (it bypasses Kueue), and a
# GPU pod selecting the pool, or only its GPU type, passes every filter there unless the pool's nodes
# carry a taint such a pod does not tolerate. On AKS a GPU pod that does not tolerate spot lands on the
# on-demand pool by default. The pods are written as a tenant would (docs/kubernetes.md: GPU pods
# tolerate `nvidia.com/gpu`), one GPU each.

GPU_TOLERATION = {"key": GPU, "operator": "Exists", "effect": "NoSchedule"}


def _tenant_gpu_pod(node_selector: dict[str, str]) -> dict[str, Any]:
    return {
        "nodeSelector": node_selector,
        "tolerations": [GPU_TOLERATION],
        "containers": [{"name": "train", "resources": {"requests": {GPU: 1}, "limits": {GPU: 1}}}],
    }


@pytest.mark.parametrize("stack", PROD)
def test_a_tenant_gpu_pod_stays_off_the_kept_running_pools(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    reserved = _kept_running_pools(cluster)
    assert reserved, f"{stack} keeps no GPU service running: nothing to walk"
    landed = {}
    for pool in reserved.values():
        for how, selector in (
            ("its pool label", {"lepton.ai/pool": pool.name}),
            ("its GPU type", {"lepton.ai/gpu-type": str(pool.gpu_type)}),
        ):
            pools = [p.name for p in schedulable_pools(cluster, _tenant_gpu_pod(selector))]
            if pool.name in pools:
                landed[f"{pool.name} by {how}"] = pools
    assert landed == {}, f"a tenant's own GPU pod lands on the kept-running pools: {landed}"


@pytest.mark.parametrize("stack", PROD)
def test_a_tenant_gpu_pod_still_reaches_the_other_pools(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    """The walk is not vacuous: the same pod naming a spot pool (tolerating the cloud's spot taints) lands
    there."""
    cluster = cluster_of(stack)
    spot = [p for p in cluster.pools.values() if p.spot and p.gpu_type]
    if not spot:
        pytest.skip(f"{stack} has no spot GPU pool")
    pod = _tenant_gpu_pod({"lepton.ai/pool": spot[0].name})
    pod["tolerations"] += [{**t, "operator": "Equal"} for t in spot[0].taints if t["key"] != GPU]
    assert [p.name for p in schedulable_pools(cluster, pod)] == [spot[0].name]


# --- What must still run there -------------------------------------------------------------------------
# The DaemonSets every GPU node needs, each with the tolerations it runs with in the recorded plan (the
# platform's values) or, where the platform leaves them to the chart, the chart's default at its pin.
# prometheus-node-exporter 4.56.1 values.yaml (kube-prometheus-stack 88.5.3's subchart): `tolerations:
# [{effect: NoSchedule, operator: Exists}]`; NVIDIA gpu-operator v26.7.0 deployments/gpu-operator/
# values.yaml: `daemonsets.tolerations` and `node-feature-discovery.worker.tolerations` (read 2026-12-07).
NODE_EXPORTER_CHART_TOLERATIONS = [{"effect": "NoSchedule", "operator": "Exists"}]
GPU_OPERATOR_CHART_TOLERATIONS = [GPU_TOLERATION]
NFD_WORKER_CHART_TOLERATIONS = [
    {
        "key": "node-role.kubernetes.io/control-plane",
        "operator": "Equal",
        "value": "",
        "effect": "NoSchedule",
    },
    GPU_TOLERATION,
]


def _gpu_node_daemonsets(cluster: Cluster) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    kps = cluster.release_values("kube-prometheus-stack")
    assert kps is not None, "no kube-prometheus-stack release"
    exporter = kps.get("prometheus-node-exporter") or {}
    out["node-exporter"] = exporter.get("tolerations", NODE_EXPORTER_CHART_TOLERATIONS)
    operator = cluster.release_values("gpu-operator")
    if operator is not None:
        out["gpu-operator operands"] = (operator.get("daemonsets") or {}).get(
            "tolerations", GPU_OPERATOR_CHART_TOLERATIONS
        )
        nfd = ((operator.get("node-feature-discovery") or {}).get("worker") or {}).get("tolerations")
        out["node-feature-discovery worker"] = nfd if nfd is not None else NFD_WORKER_CHART_TOLERATIONS
    for addon in cluster.graph.of_type("aws:eks/addon:Addon"):
        if addon.get("addonName") == "eks-node-monitoring-agent":
            config = json.loads(addon.get("configurationValues") or "{}")
            out["eks-node-monitoring-agent dcgm"] = (config.get("dcgmAgent") or {}).get("tolerations", [])
    return out


@pytest.mark.parametrize("stack", PROD)
def test_the_gpu_node_daemonsets_run_on_the_kept_running_pools(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    reserved = _kept_running_pools(cluster)
    assert reserved, f"{stack} keeps no GPU service running: nothing to walk"
    missing = {
        (name, pool.name): untolerated(list(tolerations), pool)
        for name, tolerations in _gpu_node_daemonsets(cluster).items()
        for pool in reserved.values()
        if untolerated(list(tolerations), pool)
    }
    assert missing == {}, f"DaemonSets every GPU node needs do not run on the kept-running pools: {missing}"
