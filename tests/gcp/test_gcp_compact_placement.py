"""GKE compact placement (`node_pools[].placement: compact`), planned whole from the shipped gcp-train stack:
the pool gets the node pool placement policy COMPACT in one zone; the reserved pool and every other pool keep
none. At spec time GKE's refusals are refused: machines and GPUs GKE does not place compactly, and a
specific reservation (GKE "Define compact placement for GKE nodes", read 2026-12-08)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.catalog.machines import Machine
from lepton_infra.core.errors import ComponentArgsError
from lepton_infra.gcp.node_pool import NodePool, NodePoolArgs
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec.gke_placement import compact_placement_problems
from tests.conftest import shipped_spec, spec_problems

NODE_POOL = "gcp:container/nodePool:NodePool"


@pytest.fixture(scope="module")
def train(plan_stack: Callable[..., PlannedGraph], platform_dir: Path) -> PlannedGraph:
    return plan_stack(platform_dir, "gcp-train")


def test_the_compact_pool_has_the_compact_policy_in_one_zone(train: PlannedGraph) -> None:
    pools = {r.get("name"): r for r in train.of_type(NODE_POOL)}
    h100 = pools["h100"]
    assert h100.get("placementPolicy") == {"type": "COMPACT"}
    assert h100.get("nodeLocations") == ["us-central1-a"]
    for other in ("system", "h100-reserved"):
        assert pools[other].get("placementPolicy") is None, other


def _train_pool(**fields: object) -> dict:
    raw = copy.deepcopy(shipped_spec("gcp-train"))
    raw["node_pools"][1].update(fields)
    return raw


def test_gcp_train_is_accepted() -> None:
    assert spec_problems(shipped_spec("gcp-train")) == {}


def test_a_gpu_gke_does_not_place_compactly_is_refused() -> None:
    why = spec_problems(_train_pool(gpu={"type": "t4", "count": 1}))["node_pools[1].placement"]
    assert "compactly only with a100-40gb, a100-80gb, h100-80gb, l4 GPUs" in why


def test_a_cpu_series_gke_does_not_place_compactly_is_refused() -> None:
    # The catalog's CPU machines are all N2 today: the series check is exercised on a machine built here.
    e2 = Machine("gcp", "e2-standard-4", 4, 16, 0.134, "2026-12-08", "test", ("us-central1",))
    [problem] = compact_placement_problems("node_pools[0]", e2)
    assert problem.path == "node_pools[0].placement"
    assert "e2-standard-4 is E2" in problem.why


def test_a_compact_cpu_pool_of_n2_is_accepted() -> None:
    raw = copy.deepcopy(shipped_spec("gcp-train"))
    raw["node_pools"][0]["placement"] = "compact"
    assert spec_problems(raw) == {}


def test_compact_with_a_specific_reservation_is_refused() -> None:
    raw = copy.deepcopy(shipped_spec("gcp-train"))
    raw["node_pools"][2]["placement"] = "compact"
    why = spec_problems(raw)["node_pools[2].placement"]
    assert "not combined with a specific reservation" in why


def test_the_component_refuses_a_compact_pool_over_zones_or_on_a_reservation(
    plan_program: Callable[..., PlannedGraph],
) -> None:
    def program() -> None:
        NodePool(
            "bad",
            NodePoolArgs(
                project="p",
                cluster="c",
                location="us-central1",
                pool_name="bad",
                key_id="projects/p/locations/us-central1/keyRings/r/cryptoKeys/k",
                gpu_type="h100-80gb",
                gpu_count=8,
                max_nodes=2,
                zones=2,
                reservation="h100-training",
                compact=True,
            ),
        )

    with pytest.raises(ComponentArgsError) as err:
        plan_program(program)
    assert err.value.paths == ["zones", "compact"]
