"""Idle cost holds the GPU nodes a kept-running service's minimum replicas pin to their pool.

The prod stacks keep embeddings running at two replicas of one GPU each on a reserved on-demand pool whose
minimum is 0: the cluster autoscaler holds two nodes there whenever the platform is up, so the idle figure
that priced the pool at 0 nodes was short by two nodes (deploy reviews of 2026-12-07)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PLATFORM_STACK_DIR

# The reserved pool, its machine, and what embeddings' two replicas hold there (1 GPU a node).
HELD = {
    "aws-prod": ("l4", "g6.xlarge", 2),
    "gcp-prod": ("l4", "g2-standard-4", 2),
    "azure-prod": ("t4", "Standard_NC4as_T4_v3", 2),
}


@pytest.mark.parametrize("stack", sorted(HELD))
def test_the_reserved_pool_is_idle_at_the_nodes_its_service_holds(stack: str, plan_stack: Any) -> None:
    from lepton_infra.cost import estimate_cost

    pool, machine, nodes = HELD[stack]
    cost = estimate_cost(plan_stack(PLATFORM_STACK_DIR, stack)).to_json()
    (item,) = [i for i in cost["items"] if i.get("pool") == pool and i["category"] == "node_pool"]
    assert (item["machine_type"], item["idle_units"]) == (machine, nodes)
    assert "embeddings" in (item.get("note") or "")
    assert item["monthly_usd_idle"] == round(item["usd_per_hour"] * nodes * 730, 2)


@pytest.mark.parametrize("stack", ["aws-dev", "gcp-dev", "azure-dev"])
def test_scale_to_zero_services_hold_nothing(stack: str, plan_stack: Any) -> None:
    from lepton_infra.cost import estimate_cost

    cost = estimate_cost(plan_stack(PLATFORM_STACK_DIR, stack)).to_json()
    gpu_pools = [i for i in cost["items"] if i["category"] == "node_pool" and i.get("gpus_per_unit")]
    assert gpu_pools and all(i["idle_units"] == 0 for i in gpu_pools)
