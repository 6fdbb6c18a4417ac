"""A pod bound to a zone's EBS volume (Prometheus, Alertmanager, a tenant's StatefulSet) can get a node in
that zone. cluster-autoscaler's AWS provider builds a multi-zone group's template node in the group's first
zone and only raises the group's size: the Auto Scaling group launches wherever it balances, so a pending
pod whose volume is elsewhere may never get a node (kubernetes/autoscaler cluster-autoscaler-1.35.2,
cloudprovider/aws/aws_manager.go getAsgTemplate; cloudprovider/aws/README.md: "use a single AZ ASG for this
use case, or an ASG-per-AZ while enabling --balance-similar-node-groups"; read 2026-12-07). The CPU pools,
where those pods run, get one node group per zone; the GPU pools keep one group over every zone (a queued
job's all-or-nothing scale-up must fit a single group)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.plan.record import PlannedGraph, RecordedResource
from tests.aws.aws_plan_support import plan_spec
from tests.kubernetes.harness import shipped_spec
from tests.kubernetes.manifests import HELM_RELEASE, chart_name

SUBNET = "aws:ec2/subnet:Subnet"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ASG_TAG = "aws:autoscaling/tag:Tag"


def _groups(graph: PlannedGraph) -> dict[str, list[RecordedResource]]:
    by_pool: dict[str, list[RecordedResource]] = defaultdict(list)
    for group in graph.of_type(NODE_GROUP):
        by_pool[group.get("labels")["lepton.ai/pool"]].append(group)
    return by_pool


def _zone_of(graph: PlannedGraph) -> dict[str, str]:
    return {s.outputs["id"]: s.get("availabilityZoneId") for s in graph.of_type(SUBNET)}


@pytest.mark.parametrize(
    ("stack", "expected"),
    [
        # system: min 1, max 3 over 2 zones.
        ("aws-dev", {"use1-az1": (1, 2), "use1-az2": (0, 1)}),
        # system: min 2, max 4 over 3 zones.
        ("aws-prod", {"use1-az1": (1, 2), "use1-az2": (1, 1), "use1-az4": (0, 1)}),
    ],
)
def test_the_system_pool_has_one_node_group_per_zone(
    plan_stack: Any, platform_dir: Path, stack: str, expected: dict[str, tuple[int, int]]
) -> None:
    graph = plan_stack(platform_dir, stack)
    zone_of = _zone_of(graph)
    sizes = {}
    for group in _groups(graph)["system"]:
        (subnet,) = group.get("subnetIds")
        scaling = group.get("scalingConfig")
        sizes[zone_of[subnet]] = (scaling["minSize"], scaling["maxSize"])
    assert sizes == expected  # the pool's min and max, split: nothing more is bought or allowed


@pytest.mark.parametrize("stack", ["aws-dev", "aws-prod"])
def test_the_zones_groups_are_ones_the_autoscaler_balances_and_may_scale(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    graph = plan_stack(platform_dir, stack)
    (release,) = [r for r in graph.of_type(HELM_RELEASE) if chart_name(r) == "cluster-autoscaler"]
    assert release.get("values")["extraArgs"]["balance-similar-node-groups"] == "true"
    system = _groups(graph)["system"]
    # The same labels, taints, types and template tags: "similar" to the autoscaler.
    assert len({json.dumps(g.get("labels"), sort_keys=True) for g in system}) == 1
    assert len({tuple(g.get("instanceTypes")) for g in system}) == 1
    tags = defaultdict(set)
    for tag in graph.of_type(ASG_TAG):
        if "-pool-system-" in tag.name:
            spec = tag.get("tag")
            tags[tag.name.split("-asg-")[1][0]].add((spec["key"], spec["value"]))
    assert len(tags) == len(system) and len({frozenset(v) for v in tags.values()}) == 1
    # Its IAM policy lets it resize each zone's Auto Scaling group (EKS names it eks-<node group>-<uuid>).
    (policy,) = [p for p in graph.of_type("aws:iam/rolePolicy:RolePolicy") if "autoscaler" in p.name]
    statements = json.loads(policy.get("policy"))["Statement"]
    (scale,) = [s for s in statements if s.get("Sid") == "ScaleOnlyThisClustersGroups"]
    for group in system:
        prefix = group.get("nodeGroupNamePrefix")
        assert any(arn.endswith(f"autoScalingGroupName/eks-{prefix}*") for arn in scale["Resource"]), prefix


def test_gpu_pools_keep_one_group_over_every_zone(plan_stack: Any, platform_dir: Path) -> None:
    graph = plan_stack(platform_dir, "aws-prod")
    groups = _groups(graph)
    for pool in ("h100", "l4", "l4-spot"):
        (group,) = groups[pool]
        assert len(group.get("subnetIds")) == 3


def test_a_cpu_pool_smaller_than_the_zones_gets_a_group_in_as_many_zones(
    plan_program: Callable[..., PlannedGraph],
) -> None:
    # max 2 over 3 zones: two one-node groups (a volume is made where its pod first runs, so never in the
    # zone without a group); nothing refused, nothing more allowed than the spec's max.
    raw = shipped_spec("aws-prod")
    raw["node_pools"] = [*raw["node_pools"], {"name": "batch", "cpu": "standard-8", "min": 0, "max": 2}]
    graph = plan_spec(plan_program, raw)
    zone_of = _zone_of(graph)
    sizes = {
        zone_of[g.get("subnetIds")[0]]: (g.get("scalingConfig")["minSize"], g.get("scalingConfig")["maxSize"])
        for g in _groups(graph)["batch"]
    }
    assert sizes == {"use1-az1": (0, 1), "use1-az2": (0, 1)}
