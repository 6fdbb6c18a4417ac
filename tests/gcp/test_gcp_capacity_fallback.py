"""Capacity fallback on GKE (`gcp.capacity_fallback`), planned whole on gcp-train: a custom ComputeClass
lists h100-reserved before h100 (reserved, then on-demand), never auto-creates pools and never scales
outside its list; both pools carry the class's node label and NoSchedule taint; the Kueue flavors of those
pools tolerate the taint. Sources: GKE "About custom ComputeClasses" (section manual-node-pools) and the
ComputeClass CRD (cloud.google.com/v1, datreeio/CRDs-catalog@2b29511), read 2026-12-08."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.deployer.cluster_access import cluster_access
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.profiles.gcp.compute_class import fallback_classes
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR, shipped_spec, spec_problems

COMPUTE_CLASS = "kubernetes:cloud.google.com/v1:ComputeClass"
NODE_POOL = "gcp:container/nodePool:NodePool"
FLAVOR = "kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor"
CLASS_TAINT = {
    "key": "cloud.google.com/compute-class",
    "value": "lepton-h100-80gb-x8",
    "effect": "NO_SCHEDULE",
}


@pytest.fixture(scope="module")
def train(plan_stack: Callable[[str | Path, str], PlannedGraph]) -> PlannedGraph:
    return plan_stack(PLATFORM_STACK_DIR, "gcp-train")


def test_the_compute_class_falls_back_from_the_reservation_to_on_demand(train: PlannedGraph) -> None:
    (compute_class,) = train.of_type(COMPUTE_CLASS)
    assert compute_class.get("metadata.name") == "lepton-h100-80gb-x8"
    assert compute_class.get("spec") == {
        "description": "lepton-infra capacity fallback: reserved (h100-reserved) -> on-demand (h100)",
        "priorities": [{"nodepools": ["h100-reserved"]}, {"nodepools": ["h100"]}],
        "nodePoolAutoCreation": {"enabled": False},
        "activeMigration": {"optimizeRulePriority": False},
        "whenUnsatisfiable": "DoNotScaleUp",
    }


def test_the_class_is_applied_after_the_pools_it_names(train: PlannedGraph) -> None:
    (compute_class,) = train.of_type(COMPUTE_CLASS)
    pools = {p.get("name"): p.urn for p in train.of_type(NODE_POOL)}
    assert {pools["h100"], pools["h100-reserved"]} <= set(compute_class.dependencies)


def test_both_rungs_carry_the_class_label_and_taint(train: PlannedGraph) -> None:
    pools = {p.get("name"): p for p in train.of_type(NODE_POOL)}
    for name in ("h100", "h100-reserved"):
        assert pools[name].get("nodeConfig.labels")["cloud.google.com/compute-class"] == "lepton-h100-80gb-x8"
        assert CLASS_TAINT in pools[name].get("nodeConfig.taints")
    # The system pool is in no class: its pods need no toleration.
    assert "cloud.google.com/compute-class" not in pools["system"].get("nodeConfig.labels")
    assert not pools["system"].get("nodeConfig.taints")


def test_the_queued_jobs_tolerate_the_class_taint(train: PlannedGraph) -> None:
    flavors = {f.get("metadata.name"): f for f in train.of_type(FLAVOR)}
    toleration = {
        "key": "cloud.google.com/compute-class",
        "operator": "Equal",
        "value": "lepton-h100-80gb-x8",
        "effect": "NoSchedule",
    }
    for name in ("gpu-h100", "gpu-h100-reserved"):
        assert toleration in flavors[name].get("spec.tolerations")
    assert flavors["gpu-h100-reserved"].get("spec.nodeLabels") == {
        "lepton.ai/pool": "h100-reserved",
        "lepton.ai/gpu-type": "h100-80gb",
    }


def test_the_deployer_may_write_compute_classes(train: PlannedGraph) -> None:
    access = cluster_access(train, "gcp")
    assert access is not None
    assert COMPUTE_CLASS not in access.unknown_kinds
    assert {
        "apiGroups": ["cloud.google.com"],
        "resources": ["computeclasses"],
        "verbs": ["create", "delete", "get", "patch"],
    } in access.rules


def test_without_the_knob_no_pool_is_tainted(plan_stack: Callable[[str | Path, str], PlannedGraph]) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, "gcp-prod")
    assert not graph.of_type(COMPUTE_CLASS)
    for pool in graph.of_type(NODE_POOL):
        assert "cloud.google.com/compute-class" not in (pool.get("nodeConfig.labels") or {})


def test_a_spot_rung_comes_last_and_queued_pools_stay_out() -> None:
    raw = shipped_spec("gcp-train")
    raw["node_pools"] += [
        {"name": "h100-spot", "gpu": {"type": "h100-80gb", "count": 8}, "min": 0, "max": 2, "spot": True},
        {"name": "h100-queued", "gpu": {"type": "h100-80gb", "count": 8}, "min": 0, "max": 2},
    ]
    raw["gcp"]["queued_provisioning_pools"] = ["h100-queued"]
    raw["tenants"][0]["jobs"]["gpu_quota"] |= {"h100-spot": 8, "h100-queued": 8}
    raw["tenants"][0]["gpu_quota"] = 40
    (fallback,) = fallback_classes(PlatformSpec.from_dict(raw))
    assert fallback.rungs == (
        ("reserved", ("h100-reserved",)),
        ("on-demand", ("h100",)),
        ("spot", ("h100-spot",)),
    )


def test_the_knob_is_refused_without_a_rung_to_fall_back_to() -> None:
    raw = shipped_spec("gcp-train")
    raw["node_pools"] = [p for p in raw["node_pools"] if p["name"] != "h100"]
    raw["tenants"][0] |= {"gpu_quota": 8, "jobs": {"gpu_quota": {"h100-reserved": 8}}}
    problems = spec_problems(raw)
    assert set(problems) == {"gcp.capacity_fallback"}, problems
    assert "reserved pools: h100-reserved" in problems["gcp.capacity_fallback"]
