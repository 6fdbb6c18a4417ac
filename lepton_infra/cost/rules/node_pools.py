"""Node pools: each priced from its machine type (spot where it runs on spot), at its minimum and maximum
node counts. Idle is the minimum, or more where a kept-running service pins its minimum replicas to the
pool: the nodes those replicas hold are paid for whenever the platform is up."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from lepton_infra.catalog import Cloud
from lepton_infra.core.conventions import POOL_LABEL
from lepton_infra.cost.committed import with_commitment
from lepton_infra.cost.prices import PriceBook
from lepton_infra.cost.registry import CostItem, cost_item, rule
from lepton_infra.plan.record import PlannedGraph, RecordedResource

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
GPU_RESOURCE = "nvidia.com/gpu"


def _required_pool(pod: dict[str, Any]) -> str | None:
    """The one pool a pod template requires (`lepton.ai/pool In [pool]` in every required term), if any."""
    required = (
        ((pod.get("affinity") or {}).get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution"
        )
        or {}
    ).get("nodeSelectorTerms") or []
    pools: set[tuple[str, ...]] = {
        tuple(str(v) for v in e.get("values") or ())
        for term in required
        for e in term.get("matchExpressions") or []
        if e.get("key") == POOL_LABEL and e.get("operator") == "In"
    }
    selected = (pod.get("nodeSelector") or {}).get(POOL_LABEL)
    if selected:
        pools.add((str(selected),))
    only = pools.pop() if len(pools) == 1 else ()
    return only[0] if len(only) == 1 else None


def held_nodes(graph: PlannedGraph, pool: str, gpus_per_node: int) -> tuple[int, list[str]]:
    """Nodes of `pool` that Deployments pinned to it hold at their initial replicas (a kept-running
    service's minimum; scale-to-zero services start at 0): GPU pods by GPUs per node, and the names."""
    gpus, names = 0, []
    for d in graph.of_type(DEPLOYMENT):
        replicas = int(d.get("spec.replicas") or 0)
        pod = d.get("spec.template.spec") or {}
        if replicas <= 0 or _required_pool(pod) != pool:
            continue
        per_pod = sum(
            int(((c.get("resources") or {}).get("requests") or {}).get(GPU_RESOURCE) or 0)
            for c in pod.get("containers") or []
        )
        if per_pod:
            gpus += replicas * per_pod
            names.append(str(d.get("metadata.name") or d.name))
    return (math.ceil(gpus / gpus_per_node) if gpus and gpus_per_node else 0), names


def pool_item(
    r: RecordedResource,
    cloud: Cloud,
    book: PriceBook,
    machine_type: str,
    spot: bool,
    min_nodes: float,
    max_nodes: float,
    labels: dict[str, Any] | None,
    graph: PlannedGraph | None = None,
) -> CostItem:
    price, machine = book.machine(cloud, machine_type, spot)
    pool = str((labels or {}).get(POOL_LABEL) or r.name)
    gpus_per_node = machine.gpu_count if machine else 0
    held, services = held_nodes(graph, pool, gpus_per_node) if graph is not None else (0, [])
    idle = min(max(min_nodes, float(held)), max_nodes)
    notes = ["spot"] if spot else []
    if idle > min_nodes:
        notes.append(f"idle holds {idle:g} for {', '.join(sorted(services))}")
    return cost_item(
        r,
        "node_pool",
        price,
        idle,
        max_nodes,
        pool=pool,
        machine_type=machine_type,
        gpus_per_unit=gpus_per_node,
        note="; ".join(notes) or None,
    )


@rule("aws:eks/nodeGroup:NodeGroup")
def _eks_node_group(r: RecordedResource, graph: PlannedGraph, book: PriceBook) -> Iterator[CostItem]:
    types = r.get("instanceTypes") or []
    if not types:  # the instance type may live on the launch template instead
        for lt in graph.of_type("aws:ec2/launchTemplate:LaunchTemplate"):
            if lt.urn in r.dependencies and lt.get("instanceType"):
                types = [lt.get("instanceType")]
                break
    if not types:
        return
    scaling = r.get("scalingConfig") or {}
    yield from with_commitment(
        pool_item(
            r,
            "aws",
            book,
            str(types[0]),
            r.get("capacityType") == "SPOT",
            float(scaling.get("minSize", 0)),
            float(scaling.get("maxSize", 0)),
            r.get("labels"),
            graph,
        ),
        graph,
    )


_ZONE = re.compile(r"-[a-z]$")


@rule("gcp:container/nodePool:NodePool")
def gke_node_pool(r, graph, book):
    machine_type = r.get("nodeConfig.machineType")
    if not machine_type:
        return
    auto = r.get("autoscaling") or {}
    if "totalMinNodeCount" in auto or "totalMaxNodeCount" in auto:
        lo, hi = float(auto.get("totalMinNodeCount", 0)), float(auto.get("totalMaxNodeCount", 0))
    else:
        locations = r.get("nodeLocations") or []
        zonal = bool(_ZONE.search(str(r.get("location") or "")))
        zones = len(locations) or (1 if zonal else 3)  # a regional pool spans 3 zones by default
        base = float(r.get("nodeCount") or r.get("initialNodeCount") or 0)
        lo = float(auto.get("minNodeCount", base)) * zones
        hi = float(auto.get("maxNodeCount", base)) * zones
    spot = bool(r.get("nodeConfig.spot") or r.get("nodeConfig.preemptible"))
    yield from with_commitment(
        pool_item(r, "gcp", book, str(machine_type), spot, lo, hi, r.get("nodeConfig.labels"), graph), graph
    )


@rule("azure-native:containerservice:AgentPool")
def _aks_pool(r, graph, book):
    if r.get("vmSize"):
        yield from with_commitment(
            pool_item(
                r,
                "azure",
                book,
                str(r.get("vmSize")),
                r.get("scaleSetPriority") == "Spot",
                float(r.get("minCount") or r.get("count") or 0),
                float(r.get("maxCount") or r.get("count") or 0),
                r.get("nodeLabels"),
                graph,
            ),
            graph,
        )
