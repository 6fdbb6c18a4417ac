"""A spot node group's instance types all have one shape (GPU model and count, vCPUs, memory). The cluster
autoscaler models a mixed-instances group by its first type (kubernetes/autoscaler tag
cluster-autoscaler-1.35.0, cloudprovider/aws/README.md, "Using Mixed Instances Policies and Spot Instances":
the types "should have the same amount of RAM and number of CPU cores"): with g6.xlarge first and g6.4xlarge
beside it, a pod asking for 8 vCPUs never scaled the group up, the cost table priced g6.xlarge and the quota
table counted g6.4xlarge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.plan.record import PlannedGraph
from tests.aws.aws_plan_support import plan_spec
from tests.kubernetes.harness import raw_spec

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"


def _types(graph: PlannedGraph) -> dict[str, list[str]]:
    return {
        g.get("labels", {}).get("lepton.ai/pool"): g.get("instanceTypes") for g in graph.of_type(NODE_GROUP)
    }


@pytest.mark.parametrize("stack", ["aws-dev", "aws-prod"])
def test_the_l4_spot_pool_runs_one_shape(plan_stack: Any, platform_dir: Path, stack: str) -> None:
    # No other type carries one L4 with 4 vCPUs and 16 GiB (g6.2xlarge has 8 and 32, g6e.xlarge an L40S).
    assert _types(plan_stack(platform_dir, stack))["l4-spot"] == ["g6.xlarge"]


def test_a_spot_cpu_pool_diversifies_across_same_shape_families(
    plan_program: Callable[..., PlannedGraph],
) -> None:
    raw = raw_spec("aws-dev")
    raw["node_pools"] = [
        *raw["node_pools"],
        {"name": "batch", "cpu": "standard-8", "min": 0, "max": 4, "spot": True},
    ]
    graph = plan_spec(plan_program, raw)
    # 8 vCPUs and 32 GiB each, cheapest first after the class's own type.
    assert _types(graph)["batch"] == ["m6i.2xlarge", "m6a.2xlarge", "m5.2xlarge"]
