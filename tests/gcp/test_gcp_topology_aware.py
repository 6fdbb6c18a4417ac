"""A topology-aware GKE pool at min 0 outside queued provisioning is refused at spec time: Kueue v0.19.2
counts topology capacity on Ready nodes only and asks the autoscaler for nodes only through a
ProvisioningRequest check, which GKE serves only for queued-provisioning pools, so the job would wait forever
(profiles/gcp/rules.py `gcp_topology_aware_pools_get_nodes`)."""

from __future__ import annotations

import copy

from tests.conftest import shipped_spec, spec_problems


def _with(stack: str, pool: str, **fields: object) -> dict:
    raw = copy.deepcopy(shipped_spec(stack))
    next(p for p in raw["node_pools"] if p["name"] == pool).update(fields)
    return raw


def test_an_on_demand_pool_at_min_0_is_refused_naming_queued_provisioning() -> None:
    problems = spec_problems(_with("gcp-train", "h100", topology_aware=True))
    why = problems["node_pools[1].topology_aware"]
    assert "never gets a node for a topology-aware job" in why
    assert "add h100 to gcp.queued_provisioning_pools" in why


def test_a_reserved_pool_at_min_0_is_told_to_keep_its_reserved_nodes() -> None:
    problems = spec_problems(_with("gcp-train", "h100-reserved", topology_aware=True))
    assert (
        "set min to the nodes a job needs (the reservation's 1," in problems["node_pools[2].topology_aware"]
    )


def test_a_reserved_pool_holding_its_nodes_is_accepted() -> None:
    assert spec_problems(_with("gcp-train", "h100-reserved", topology_aware=True, min=1)) == {}


def test_a_queued_provisioning_pool_at_min_0_is_accepted() -> None:
    raw = _with("gcp-prod", "h100", topology_aware=True)
    assert "h100" in raw["gcp"]["queued_provisioning_pools"]
    assert spec_problems(raw) == {}


def test_other_clouds_scale_topology_aware_pools_from_zero() -> None:
    # aws-train and azure-train ship topology-aware pools at min 0: their own autoscaler serves the check.
    assert spec_problems(shipped_spec("aws-train")) == {}
    assert spec_problems(shipped_spec("azure-train")) == {}
