"""A GKE pool consuming a specific reservation, planned whole: reservation affinity SPECIFIC_RESERVATION
named by `compute.googleapis.com/reservation-name`, the pool in the reservation's zone only, committed in
the cost table (GKE "Consuming reserved zonal resources", read 2026-12-07)."""

from __future__ import annotations

import pytest

from lepton_infra.cost import estimate_cost
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.harness import raw_spec

NODE_POOL = "gcp:container/nodePool:NodePool"


@pytest.fixture(scope="module")
def reserved() -> PlannedGraph:
    raw = raw_spec("gcp-prod")
    # gcp-prod's h100 is a queued-provisioning (flex-start) pool, which may consume no reservation.
    raw["gcp"] = {**raw["gcp"], "queued_provisioning_pools": []}
    h100 = next(p for p in raw["node_pools"] if p["name"] == "h100")
    h100["reservation"] = {
        "kind": "specific-reservation",
        "id": "h100-training",
        "instances": 2,
        "zone": "us-central1-b",
    }
    h100["topology_aware"] = True
    # A topology-aware GKE pool outside queued provisioning needs Ready nodes (profiles/gcp/rules.py): the
    # reservation's two, billed whether they run or not.
    h100["min"] = 2
    spec = PlatformSpec.from_dict(raw)
    return plan_program(
        lambda: build(spec), {"pulumi:disable-default-providers": ["*"], "lepton:platform": raw}
    )


def test_the_pool_consumes_its_specific_reservation_in_its_zone(reserved: PlannedGraph) -> None:
    pools = {r.get("name"): r for r in reserved.of_type(NODE_POOL)}
    h100 = pools["h100"]
    assert h100.get("nodeConfig.reservationAffinity") == {
        "consumeReservationType": "SPECIFIC_RESERVATION",
        "key": "compute.googleapis.com/reservation-name",
        "values": ["h100-training"],
    }
    assert h100.get("nodeLocations") == ["us-central1-b"]
    assert h100.get("nodeConfig.spot") is False
    # The other pools keep GKE's default affinity.
    assert pools["l4-spot"].get("nodeConfig.reservationAffinity") is None


def test_the_reservation_is_committed_in_the_cost_table(reserved: PlannedGraph) -> None:
    report = estimate_cost(reserved).to_json()
    rows = {p["pool"]: p for p in report["committed"]["pools"]}
    assert rows == {
        "h100": {
            "pool": "h100",
            "machine_type": "a3-highgpu-8g",
            "units": 2.0,
            "note": "committed: specific-reservation h100-training, billed whether nodes run or not",
        }
    }
    # 2 a3-highgpu-8g at $88.49/h x 730 h, paid whether nodes run or not.
    assert report["committed"]["monthly_usd_committed"] == pytest.approx(129195.40, abs=0.02)


def test_the_h100_flavor_is_topology_aware_on_the_gce_topology_labels(reserved: PlannedGraph) -> None:
    (topology,) = reserved.of_type("kubernetes:kueue.x-k8s.io/v1beta2:Topology")
    assert topology.get("spec.levels") == [
        {"nodeLabel": "cloud.google.com/gce-topology-block"},
        {"nodeLabel": "cloud.google.com/gce-topology-subblock"},
        {"nodeLabel": "cloud.google.com/gce-topology-host"},
        {"nodeLabel": "kubernetes.io/hostname"},
    ]
    flavors = {
        f.get("metadata.name"): f
        for f in reserved.of_type("kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor")
    }
    assert flavors["gpu-h100"].get("spec.topologyName") == "network"
