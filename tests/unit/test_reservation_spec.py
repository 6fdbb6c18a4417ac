"""Reserved capacity as a pool setting (spec/reservation.py): the combinations the providers document as
impossible are refused at spec time, each with the field and the fix."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.conftest import shipped_spec, spec_problems

ZONES = ["use1-az1", "use1-az2", "use1-az4"]
BLOCK = {
    "kind": "capacity-block",
    "id": "cr-02168da1478b509e0",
    "instances": 2,
    "zone": "use1-az4",
    "start": "2026-12-20T11:30:00Z",
    "end": "2026-12-27T11:30:00Z",
}


def _aws(**pool: Any) -> dict[str, Any]:
    raw = copy.deepcopy(shipped_spec("aws-prod"))
    raw["aws"] = {**raw.get("aws", {}), "availability_zone_ids": ZONES}
    h100 = next(p for p in raw["node_pools"] if p["name"] == "h100")
    h100.update(pool)
    return raw


def _problems(raw: dict[str, Any]) -> dict[str, str]:
    return {k: v for k, v in spec_problems(raw).items() if k.startswith("node_pools[1]")}


def test_a_capacity_block_pool_in_its_zone_is_accepted() -> None:
    assert spec_problems(_aws(reservation=BLOCK)) == {}


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"spot": True}, "node_pools[1].spot", "spot VMs cannot consume"),
        ({"max": 3}, "node_pools[1].max", "above the reservation's 2 instances"),
        ({"min": 1, "max": 2}, "node_pools[1].min", "exist only inside its window"),
        ({"gpu": {"type": "l4", "count": 1}}, "node_pools[1].gpu", "not sold for this instance type"),
    ],
)
def test_what_a_capacity_block_cannot_do_is_refused(change: dict[str, Any], path: str, words: str) -> None:
    problems = _problems(_aws(reservation=BLOCK, **change))
    assert words in problems.get(path, ""), problems


def test_a_window_that_ended_before_the_plan_date_is_refused() -> None:
    # The suite plans at 2026-12-07 (tests/conftest.py).
    past = {**BLOCK, "start": "2026-11-01T11:30:00Z", "end": "2026-11-08T11:30:00Z"}
    assert "window has ended by the plan's date 2026-12-07" in _problems(_aws(reservation=past)).get(
        "node_pools[1].reservation.end", ""
    )


def test_a_block_without_its_window_or_with_an_end_before_its_start_is_refused() -> None:
    no_window = {k: v for k, v in BLOCK.items() if k not in ("start", "end")}
    assert "needs its window" in _problems(_aws(reservation=no_window))["node_pools[1].reservation"]
    backwards = {**BLOCK, "end": "2026-12-19T11:30:00Z"}
    assert "not after start" in _problems(_aws(reservation=backwards))["node_pools[1].reservation.end"]


def test_an_aws_reservation_needs_a_pinned_zone_id_and_a_real_id() -> None:
    raw = _aws(reservation={**BLOCK, "zone": "use1-az6", "id": "odcr-1"})
    problems = _problems(raw)
    assert "not one of aws.availability_zone_ids" in problems["node_pools[1].reservation.zone"]
    assert "not an EC2 Capacity Reservation id" in problems["node_pools[1].reservation.id"]
    named = _problems(_aws(reservation={**BLOCK, "zone": "us-east-1a"}))
    assert "zone ID" in named["node_pools[1].reservation.zone"]


def test_a_reservation_kind_of_another_cloud_is_refused() -> None:
    raw = _aws(reservation={"kind": "specific-reservation", "id": "h100-res", "instances": 2})
    assert "use capacity-reservation, capacity-block" in _problems(raw)["node_pools[1].reservation.kind"]


def test_an_on_demand_reservation_has_no_window() -> None:
    odcr = {**BLOCK, "kind": "capacity-reservation"}
    assert (
        "a window is for capacity-block only"
        in _problems(_aws(reservation=odcr))["node_pools[1].reservation.start"]
    )


def _gcp_h100(zone: str, queued: list[str]) -> dict[str, Any]:
    """gcp-prod with its h100 pool on a specific reservation in `zone`, `queued` its flex-start pools."""
    raw = copy.deepcopy(shipped_spec("gcp-prod"))
    raw["gcp"] = {**raw["gcp"], "queued_provisioning_pools": queued}
    h100 = next(p for p in raw["node_pools"] if p["name"] == "h100")
    h100["reservation"] = {"kind": "specific-reservation", "id": "h100-res", "instances": 2, "zone": zone}
    return raw


def test_a_gcp_reservation_on_a_flex_start_pool_is_refused() -> None:
    raw = _gcp_h100("us-central1-a", ["h100"])
    assert "GKE requires it to consume no reservation" in _problems(raw)["node_pools[1].reservation"]


def test_a_gcp_reservation_needs_a_zone_of_the_region() -> None:
    problems = _problems(_gcp_h100("europe-west4-a", []))
    assert "one of us-central1's" in problems["node_pools[1].reservation.zone"]
    assert "node_pools[1].reservation" not in problems  # no longer flex-start: only the zone is wrong


def test_an_azure_spot_pool_cannot_use_a_capacity_reservation_group() -> None:
    raw = copy.deepcopy(shipped_spec("azure-prod"))
    pool = next(p for p in raw["node_pools"] if p["name"] == "t4spot")
    index = raw["node_pools"].index(pool)
    pool["reservation"] = {
        "kind": "capacity-reservation-group",
        "id": "/subscriptions/3f2b6c1e-8d4a-4b7e-9c21-5a6d7e8f9a0b/resourceGroups/capacity/providers/"
        "Microsoft.Compute/capacityReservationGroups/t4",
        "instances": 4,
    }
    assert "spot VMs cannot consume" in spec_problems(raw)[f"node_pools[{index}].spot"]


def test_topology_awareness_needs_a_gpu_job_flavor() -> None:
    raw = copy.deepcopy(shipped_spec("aws-prod"))
    pools = raw["node_pools"]
    pools[0]["topology_aware"] = True  # system, CPU
    pools[2]["topology_aware"] = True  # l4: prod's kept-running pool, no job flavor
    problems = spec_problems(raw)
    assert "for GPU job flavors" in problems["node_pools[0].topology_aware"]
    assert "no job flavor" in problems["node_pools[2].topology_aware"]
    raw["jobs"] = {"enabled": False}
    pools[0]["topology_aware"] = pools[2]["topology_aware"] = False
    pools[1]["topology_aware"] = True
    assert "jobs are off" in spec_problems(raw).get("node_pools[1].topology_aware", "")
