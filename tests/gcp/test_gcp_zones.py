"""Issue 24 item 3: the nodes' zones are decided once. The shipped stacks pin them (`gcp.zones`), so no
live zone answer places the cluster; without a pin, the cluster and every GPU pool keep the zones they
were created in, so a zone briefly DOWN (or newly offering a GPU) never moves nodes, nor replaces a zonal
cluster, during a routine `pulumi up`."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from lepton_infra.core.errors import SpecError
from lepton_infra.plan.engine import PlanFailed
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR

CLUSTER = "gcp:container/cluster:Cluster"
POOL = "gcp:container/nodePool:NodePool"
GET_ZONES = "gcp:compute/getZones:getZones"
PINNED = {
    "gcp-dev": ["us-central1-a", "us-central1-b"],
    "gcp-prod": ["us-central1-a", "us-central1-b", "us-central1-c"],
}


def _shipped(stack: str) -> dict[str, Any]:
    config = yaml.safe_load((PLATFORM_STACK_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]
    return copy.deepcopy(config["lepton:platform"])


def _plan(plan_program, raw: dict[str, Any]) -> PlannedGraph:
    return plan_program(lambda: build(PlatformSpec.from_dict(raw)), {"lepton:platform": raw})


def _cluster_zones(graph: PlannedGraph) -> list[str]:
    cluster = graph.one(CLUSTER)
    own = [cluster.get("location")] if cluster.get("location").count("-") == 2 else []
    return sorted([*own, *cluster.get("nodeLocations")])


@pytest.mark.parametrize("stack", ["gcp-dev", "gcp-prod"])
def test_the_shipped_stacks_pin_their_zones(plan_stack, platform_dir, stack: str) -> None:
    graph = plan_stack(platform_dir, stack)
    assert _cluster_zones(graph) == PINNED[stack]
    assert graph.outputs["zones"] == PINNED[stack]
    # Only the region's full zone list is read (to check the pins); no UP-zone answer places anything.
    asked = [i.args for i in graph.invokes if i.token == GET_ZONES]
    assert asked and all("status" not in a for a in asked)
    for pool in graph.of_type(POOL):
        assert set(pool.get("nodeLocations") or []) <= set(PINNED[stack])
    # Pinned zones are the spec's: changing them is applied, not ignored.
    assert "nodeLocations" not in graph.one(CLUSTER).ignore_changes


@pytest.mark.parametrize("stack", ["gcp-dev", "gcp-prod"])
def test_unpinned_zones_are_kept_from_the_first_run(plan_program, stack: str) -> None:
    raw = _shipped(stack)
    del raw["gcp"]["zones"]
    graph = _plan(plan_program, raw)
    assert [i.args.get("status") for i in graph.invokes if i.token == GET_ZONES] == ["UP"]
    assert {"location", "nodeLocations"} <= set(graph.one(CLUSTER).ignore_changes)
    gpu_pools = [p for p in graph.of_type(POOL) if p.get("nodeLocations")]
    assert len(gpu_pools) == {"gcp-dev": 1, "gcp-prod": 3}[stack]
    for pool in gpu_pools:
        assert "nodeLocations" in pool.ignore_changes, pool.name


def test_a_pinned_zone_the_region_lacks_fails_the_plan(plan_program) -> None:
    raw = _shipped("gcp-dev")
    raw["gcp"]["zones"] = ["us-central1-a", "us-central1-z"]
    with pytest.raises(PlanFailed, match=r"us-central1-z is not a zone of us-central1"):
        _plan(plan_program, raw)


@pytest.mark.parametrize(
    ("zones", "path", "why"),
    [
        (["europe-west4-a", "us-central1-b"], "gcp.zones[0]", "not a zone of region us-central1"),
        (["us-central1-a", "us-central1-a"], "gcp.zones", "listed more than once"),
        (["us-central1-a", "us-central1-b", "us-central1-c"], "gcp.zones", "3 zones for network.zones: 2"),
        (["us-central1"], "gcp.zones[0]", "a GCP zone name"),
    ],
)
def test_pins_that_cannot_be_right_are_refused(zones: list[str], path: str, why: str) -> None:
    raw = _shipped("gcp-dev")
    raw["gcp"]["zones"] = zones
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    problems = {p.path: p.why for p in err.value.problems}
    assert path in problems and why in problems[path], problems
