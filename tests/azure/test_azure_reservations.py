"""An AKS pool in a capacity reservation group, planned whole: the AgentPool names the group, the cluster's
user-assigned control-plane identity gets Contributor on the group's resource group (AKS "Assign capacity
reservation groups to AKS node pools", Prerequisites, read 2026-12-07), and the group is committed in the
cost table."""

from __future__ import annotations

import copy

import pytest

from lepton_infra.cost import estimate_cost
from lepton_infra.plan.record import PlannedGraph
from tests.azure.variants import PROD_SUB, plan_spec
from tests.kubernetes.harness import shipped_spec

AGENT_POOL = "azure-native:containerservice:AgentPool"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
GROUP_RG = f"/subscriptions/{PROD_SUB}/resourceGroups/capacity"
GROUP = f"{GROUP_RG}/providers/Microsoft.Compute/capacityReservationGroups/h100-training"
CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c"


@pytest.fixture(scope="module")
def reserved() -> PlannedGraph:
    raw = copy.deepcopy(shipped_spec("azure-prod"))
    h100 = next(p for p in raw["node_pools"] if p["name"] == "h100")
    h100["reservation"] = {"kind": "capacity-reservation-group", "id": GROUP, "instances": 1}
    h100["topology_aware"] = True
    return plan_spec(raw)


def test_the_pool_is_placed_in_its_capacity_reservation_group(reserved: PlannedGraph) -> None:
    pools = {r.get("agentPoolName"): r for r in reserved.of_type(AGENT_POOL)}
    assert pools["h100"].get("capacityReservationGroupID") == GROUP
    assert pools["t4spot"].get("capacityReservationGroupID") is None


def test_the_control_plane_identity_may_use_the_group(reserved: PlannedGraph) -> None:
    grants = [
        r
        for r in reserved.of_type(ROLE_ASSIGNMENT)
        if r.get("scope") == GROUP_RG and str(r.get("roleDefinitionId")).endswith(CONTRIBUTOR)
    ]
    assert len(grants) == 1
    assert grants[0].get("principalType") == "ServicePrincipal"


def test_the_group_is_committed_and_the_pool_pays_beyond_it(reserved: PlannedGraph) -> None:
    report = estimate_cost(reserved).to_json()
    rows = {p["pool"]: p for p in report["committed"]["pools"]}
    assert rows["h100"]["units"] == 1.0
    # One ND96isr_H100_v5 at $98.32/h x 730 h committed; the pool's second node (max 2) on demand.
    assert report["committed"]["monthly_usd_committed"] == pytest.approx(71773.60, abs=0.02)
    pools = {i["pool"]: i for i in report["node_pools"]}
    assert (pools["h100"]["min"], pools["h100"]["max"]) == (0, 1)


def test_aks_has_only_the_host_level(reserved: PlannedGraph) -> None:
    """AKS publishes no network-topology node label: the Topology is the host level alone."""
    (topology,) = reserved.of_type("kubernetes:kueue.x-k8s.io/v1beta2:Topology")
    assert topology.get("spec.levels") == [{"nodeLabel": "kubernetes.io/hostname"}]
    flavors = {
        f.get("metadata.name"): f
        for f in reserved.of_type("kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor")
    }
    assert flavors["gpu-h100"].get("spec.topologyName") == "network"
