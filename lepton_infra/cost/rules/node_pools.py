"""Node pools: each priced from its machine type (spot where it runs on spot), at its minimum and maximum
node counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from lepton_infra.catalog import Cloud
from lepton_infra.core.conventions import POOL_LABEL
from lepton_infra.cost.prices import PriceBook
from lepton_infra.cost.registry import CostItem, cost_item, rule
from lepton_infra.plan.record import PlannedGraph, RecordedResource


def pool_item(
    r: RecordedResource,
    cloud: Cloud,
    book: PriceBook,
    machine_type: str,
    spot: bool,
    min_nodes: float,
    max_nodes: float,
    labels: dict[str, Any] | None,
) -> CostItem:
    price, machine = book.machine(cloud, machine_type, spot)
    pool = str((labels or {}).get(POOL_LABEL) or r.name)
    return cost_item(
        r,
        "node_pool",
        price,
        min_nodes,
        max_nodes,
        pool=pool,
        machine_type=machine_type,
        gpus_per_unit=machine.gpu_count if machine else 0,
        note="spot" if spot else None,
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
    yield pool_item(
        r,
        "aws",
        book,
        str(types[0]),
        r.get("capacityType") == "SPOT",
        float(scaling.get("minSize", 0)),
        float(scaling.get("maxSize", 0)),
        r.get("labels"),
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
    yield pool_item(r, "gcp", book, str(machine_type), spot, lo, hi, r.get("nodeConfig.labels"))


@rule("azure-native:containerservice:AgentPool")
def _aks_pool(r, graph, book):
    if r.get("vmSize"):
        yield pool_item(
            r,
            "azure",
            book,
            str(r.get("vmSize")),
            r.get("scaleSetPriority") == "Spot",
            float(r.get("minCount") or r.get("count") or 0),
            float(r.get("maxCount") or r.get("count") or 0),
            r.get("nodeLabels"),
        )
