"""The VPC's zones. `DescribeAvailabilityZones` also answers an account's opted-in Local Zones
(`us-east-1-atl-2a` sorts before `us-east-1a`, and the provider sorts by name), where EKS managed node groups
cannot run, and EKS refuses cluster subnets in some zone IDs (use1-az3, usw1-az2, cac1-az3: EKS User Guide,
"View Amazon EKS networking requirements for VPC and subnets"). The mocked account (plan/mocks/rules/
aws_invokes.py) has both: a Local Zone, and use1-az3 behind the name us-east-1b. Subnets go to the lowest
usable zone IDs, or to the IDs the spec pins, and a later `up` never moves them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.plan.record import PlannedGraph
from tests.aws.aws_plan_support import plan_spec
from tests.conftest import spec_problems
from tests.kubernetes.harness import raw_spec

SUBNET = "aws:ec2/subnet:Subnet"


def _zones(graph: PlannedGraph) -> dict[str, Any]:
    """Subnet name suffix (public-a, private-a, ...) -> the zone its inputs place it in."""
    return {
        s.name.split("-network-")[-1]: s.get("availabilityZoneId") or s.get("availabilityZone")
        for s in graph.of_type(SUBNET)
    }


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        ("aws-dev", {"a": "use1-az1", "b": "use1-az2"}),
        ("aws-prod", {"a": "use1-az1", "b": "use1-az2", "c": "use1-az4"}),
    ],
)
def test_subnets_go_to_the_lowest_zone_ids_eks_takes(
    plan_stack: Any, platform_dir: Path, stack: str, expected: dict[str, str]
) -> None:
    graph = plan_stack(platform_dir, stack)
    zones = _zones(graph)
    assert zones == {f"{kind}-{k}": v for k, v in expected.items() for kind in ("public", "private", "lb")}
    for subnet in graph.of_type(SUBNET):
        # Placed by ID (the same physical zone in every account), fixed once created.
        assert subnet.get("availabilityZone") is None, subnet.name
        assert set(subnet.ignore_changes) >= {"availabilityZone", "availabilityZoneId"}, subnet.name


def test_pinned_zone_ids_place_the_subnets(plan_program: Callable[..., PlannedGraph]) -> None:
    raw = raw_spec("aws-prod")
    raw["aws"] = {**raw["aws"], "availability_zone_ids": ["use1-az6", "use1-az5", "use1-az2"]}
    zones = _zones(plan_spec(plan_program, raw))
    assert zones == {
        "public-a": "use1-az6",
        "private-a": "use1-az6",
        "public-b": "use1-az5",
        "private-b": "use1-az5",
        "public-c": "use1-az2",
        "private-c": "use1-az2",
        "lb-a": "use1-az6",
        "lb-b": "use1-az5",
        "lb-c": "use1-az2",
    }


@pytest.mark.parametrize(
    ("ids", "field", "why"),
    [
        (["use1-az1", "use1-az3", "use1-az4"], "aws.availability_zone_ids[1]", "EKS refuses cluster subnets"),
        (["use1-az1", "use1-az2", "usw2-az1"], "aws.availability_zone_ids[2]", "not a zone of us-east-1"),
        (["use1-az1", "use1-az1", "use1-az2"], "aws.availability_zone_ids[1]", "named twice"),
        (["use1-az1", "use1-az2"], "aws.availability_zone_ids", "2 zone IDs for network.zones=3"),
        (["us-east-1a", "use1-az2", "use1-az4"], "aws.availability_zone_ids[0]", "zone ID"),
    ],
)
def test_zone_ids_eks_would_refuse_are_spec_errors(ids: list[str], field: str, why: str) -> None:
    raw = raw_spec("aws-prod")
    raw["aws"] = {**raw["aws"], "availability_zone_ids": ids}
    problems = spec_problems(raw)
    assert field in problems, problems
    assert why in problems[field]
