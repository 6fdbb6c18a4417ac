"""Where the AWS catalog's machines are sold: every commercial region, from `describe-instance-type-offerings`
as moto 5.2.6 records it (catalog/data/aws.yaml, [M1], 2026-11-23). A T4 in eu-west-1 or an L4 in us-east-2
plans (both sold there); a GPU, count or zone count a region lacks is refused at spec time. Prices outside
us-east-1 are us-east-1 list prices, and the cost report says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lepton_infra.plan.record import PlannedGraph
from tests.aws.aws_plan_support import plan_spec
from tests.conftest import spec_problems
from tests.kubernetes.harness import raw_spec


def _in_region(stack: str, region: str, gpu: str | None = None) -> dict[str, Any]:
    """The stack moved to `region`; with `gpu`, its GPU pools and services use that GPU type instead."""
    raw = raw_spec(stack)
    raw["region"] = region
    if gpu is not None:
        for item in [*raw["node_pools"], *raw.get("services", [])]:
            if item.get("gpu"):
                item["gpu"] = {**item["gpu"], "type": gpu}
    return raw


def _plan(plan_program: Callable[..., PlannedGraph], raw: dict[str, Any]) -> PlannedGraph:
    return plan_spec(plan_program, raw, {"aws:region": raw["region"]})


@pytest.mark.parametrize(
    ("stack", "region", "gpu", "first_types", "zone_ids"),
    [
        ("aws-dev", "eu-west-1", "t4", {"g4dn.xlarge"}, ["euw1-az1", "euw1-az2"]),
        ("aws-prod", "us-east-2", None, {"p5.48xlarge", "g6.xlarge"}, ["use2-az1", "use2-az2", "use2-az3"]),
    ],
)
def test_a_gpu_sold_in_the_region_plans_there(
    plan_program: Callable[..., PlannedGraph],
    stack: str,
    region: str,
    gpu: str | None,
    first_types: set[str],
    zone_ids: list[str],
) -> None:
    raw = _in_region(stack, region, gpu)
    assert spec_problems(raw) == {}
    graph = _plan(plan_program, raw)
    gpu_groups = [
        g for g in graph.of_type("aws:eks/nodeGroup:NodeGroup") if g.get("amiType", "").endswith("NVIDIA")
    ]
    assert {g.get("instanceTypes")[0] for g in gpu_groups} == first_types
    subnets = graph.of_type("aws:ec2/subnet:Subnet")
    assert sorted({s.get("availabilityZoneId") for s in subnets}) == zone_ids


def test_a_gpu_the_region_does_not_sell_is_refused() -> None:
    # p5 (H100) is not sold in eu-west-1.
    problems = spec_problems(_in_region("aws-prod", "eu-west-1"))
    assert "not offered in region eu-west-1" in problems.get("node_pools[1].gpu.type", ""), problems
    # us-west-1 sells p5.48xlarge (8 × H100) but not p5.4xlarge (1 × H100).
    raw = _in_region("aws-prod", "us-west-1")
    raw["node_pools"][1]["gpu"] = {"type": "h100-80gb", "count": 1}
    problems = spec_problems(raw)
    assert "no aws machine in us-west-1 has 1× h100-80gb; counts offered in us-west-1: [8]" in problems.get(
        "node_pools[1].gpu", ""
    ), problems


def test_a_region_with_two_usable_zones_refuses_three() -> None:
    # us-west-1 has usw1-az1 and usw1-az3 (usw1-az2 is closed to new accounts, and EKS refuses it).
    problems = spec_problems(_in_region("aws-prod", "us-west-1"))
    assert "us-west-1 has 2 zones" in problems.get("network.zones", ""), problems
