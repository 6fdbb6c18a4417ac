"""Reserved capacity on EKS, planned whole: a Capacity Block pool launches into its block (launch template
market type `capacity-block` and reservation target, node group capacity type `CAPACITY_BLOCK`) in its
zone's subnet only; an On-Demand Capacity Reservation pool targets its reservation on-demand; the cost
table shows both as committed. Sources: EKS User Guide "Create a managed node group with Capacity Blocks
for ML"; EC2 User Guide "Launch instances using Capacity Blocks" (read 2026-12-07)."""

from __future__ import annotations

from typing import Any

import pytest

from lepton_infra.cost import estimate_cost
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from tests.aws.aws_plan_support import plan_spec
from tests.kubernetes.harness import raw_spec
from tests.kubernetes.manifests import manifest
from tests.kubernetes.test_k8s_kueue import _validate as validate_kueue

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
SUBNET = "aws:ec2/subnet:Subnet"
BLOCK_ID = "cr-02168da1478b509e0"
ODCR_ID = "cr-0a1b2c3d4e5f60718"


@pytest.fixture(scope="module")
def reserved() -> PlannedGraph:
    raw = raw_spec("aws-prod")
    raw["aws"] = {**raw.get("aws", {}), "availability_zone_ids": ["use1-az1", "use1-az2", "use1-az4"]}
    pools = {p["name"]: p for p in raw["node_pools"]}
    pools["h100"]["reservation"] = {
        "kind": "capacity-block",
        "id": BLOCK_ID,
        "instances": 2,
        "zone": "use1-az4",
        "start": "2026-12-20T11:30:00Z",
        "end": "2026-12-27T11:30:00Z",
    }
    pools["h100"]["topology_aware"] = True
    pools["l4"]["reservation"] = {
        "kind": "capacity-reservation",
        "id": ODCR_ID,
        "instances": 4,
        "zone": "use1-az2",
    }
    return plan_spec(plan_program, raw, {"lepton:platform": raw})


def _group(graph: PlannedGraph, pool: str) -> RecordedResource:
    return next(g for g in graph.of_type(NODE_GROUP) if g.get("labels", {}).get("lepton.ai/pool") == pool)


def _template(graph: PlannedGraph, group: RecordedResource) -> RecordedResource:
    return next(lt for lt in graph.of_type(LAUNCH_TEMPLATE) if lt.urn in group.dependencies)


def _subnet_zone(graph: PlannedGraph, subnet_id: Any) -> str:
    subnet = next(s for s in graph.of_type(SUBNET) if s.outputs.get("id") == subnet_id)
    return str(subnet.get("availabilityZoneId"))


def test_the_capacity_block_pool_launches_into_its_block(reserved: PlannedGraph) -> None:
    group = _group(reserved, "h100")
    assert group.get("capacityType") == "CAPACITY_BLOCK"
    template = _template(reserved, group)
    assert template.get("instanceMarketOptions") == {"marketType": "capacity-block"}
    assert template.get("capacityReservationSpecification") == {
        "capacityReservationTarget": {"capacityReservationId": BLOCK_ID}
    }
    assert [_subnet_zone(reserved, s) for s in group.get("subnetIds")] == ["use1-az4"]


def test_the_odcr_pool_targets_its_reservation_on_demand(reserved: PlannedGraph) -> None:
    group = _group(reserved, "l4")
    assert group.get("capacityType") == "ON_DEMAND"
    template = _template(reserved, group)
    assert template.get("instanceMarketOptions") is None
    assert template.get("capacityReservationSpecification") == {
        "capacityReservationTarget": {"capacityReservationId": ODCR_ID}
    }
    assert [_subnet_zone(reserved, s) for s in group.get("subnetIds")] == ["use1-az2"]


def test_pools_without_a_reservation_keep_every_zone_and_open_capacity(reserved: PlannedGraph) -> None:
    group = _group(reserved, "l4-spot")
    assert group.get("capacityType") == "SPOT"
    assert _template(reserved, group).get("capacityReservationSpecification") is None
    assert sorted(_subnet_zone(reserved, s) for s in group.get("subnetIds")) == [
        "use1-az1",
        "use1-az2",
        "use1-az4",
    ]


def test_the_cost_table_shows_the_reservations_as_committed(reserved: PlannedGraph) -> None:
    report = estimate_cost(reserved).to_json()
    committed = report["committed"]
    rows = {p["pool"]: p for p in committed["pools"]}
    # 4 g6.xlarge at $0.8048/h (catalog) x 730 h = $2,350.02 a month, whether nodes run or not.
    assert rows["l4"]["units"] == 4
    # The block: 2 p5.48xlarge x 168 h, paid once (at the on-demand $55.04/h: $18,493.44).
    assert rows["h100"]["units"] == pytest.approx(2 * 168 / 730)
    assert committed["monthly_usd_committed"] == pytest.approx(2350.02 + 18493.44, abs=0.02)
    pools = {i["pool"]: i for i in report["node_pools"]}
    assert pools["l4"]["max"] == 0 and pools["h100"]["max"] == 0  # nothing beyond the reservations


RELEASE = "kubernetes:helm.sh/v3:Release"
CLUSTER_QUEUE = "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue"


def test_the_autoscaler_falls_back_reserved_then_on_demand_then_spot(reserved: PlannedGraph) -> None:
    """The priority expander in front of least-waste, every node group in one rung (a group matching no
    pattern would never be scaled: priority.go drops it)."""
    values = next(r for r in reserved.of_type(RELEASE) if r.get("chart") == "cluster-autoscaler").get(
        "values"
    )
    assert values["extraArgs"]["expander"] == "priority,least-waste"
    suffix = "[0-9a-f]{26}-"
    assert values["expanderPriorities"] == {
        "30": [f"^eks-h100\\-{suffix}", f"^eks-l4\\-{suffix}"],
        "20": [f"^eks-system\\-a\\-{suffix}", f"^eks-system\\-b\\-{suffix}", f"^eks-system\\-c\\-{suffix}"],
        "10": [f"^eks-l4\\-spot\\-{suffix}"],
        "1": [".*"],
    }


def test_queued_jobs_try_the_reserved_flavor_first(reserved: PlannedGraph) -> None:
    """In aws-prod the on-demand l4 pool holds the kept-running services (no job flavor); h100 comes first
    now that it is reserved (already paid), before the cheaper l4-spot."""
    for queue in reserved.of_type(CLUSTER_QUEUE):
        gpu_group = [g for g in queue.get("spec.resourceGroups") if "nvidia.com/gpu" in g["coveredResources"]]
        assert [f["name"] for f in gpu_group[0]["flavors"]] == ["gpu-h100", "gpu-l4-spot"]


TOPOLOGY = "kubernetes:kueue.x-k8s.io/v1beta2:Topology"
FLAVOR = "kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor"


def test_the_h100_flavor_is_topology_aware_on_the_eks_network_layers(reserved: PlannedGraph) -> None:
    (topology,) = reserved.of_type(TOPOLOGY)
    assert topology.get("metadata.name") == "network"
    assert topology.get("spec.levels") == [
        {"nodeLabel": "topology.k8s.aws/network-node-layer-1"},
        {"nodeLabel": "topology.k8s.aws/network-node-layer-2"},
        {"nodeLabel": "topology.k8s.aws/network-node-layer-3"},
        {"nodeLabel": "kubernetes.io/hostname"},
    ]
    flavors = {f.get("metadata.name"): f for f in reserved.of_type(FLAVOR)}
    assert flavors["gpu-h100"].get("spec.topologyName") == "network"
    assert flavors["gpu-l4-spot"].get("spec.topologyName") is None
    assert topology.urn in flavors["gpu-h100"].dependencies
    # Valid against the pinned Kueue CRDs (v1beta2 at v0.19.2, tests/kubernetes/crds/).
    for doc in (manifest(topology), manifest(flavors["gpu-h100"])):
        validate_kueue(doc)


def test_the_topology_check_can_fail(reserved: PlannedGraph) -> None:
    """An empty level list is refused by the pinned CRD (levels: minItems 1)."""
    import jsonschema

    (topology,) = reserved.of_type(TOPOLOGY)
    bad = manifest(topology)
    bad["spec"]["levels"] = []
    with pytest.raises(jsonschema.ValidationError):
        validate_kueue(bad)
