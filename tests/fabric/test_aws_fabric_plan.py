"""The aws-train stack's EFA pool, over the whole recorded plan: 32 EFA-only interfaces on the p5.48xlarge
launch template as the EC2 guide lays them out, all of them in the pool's own all-traffic-to-itself security
group, the pool in one subnet and one cluster placement group, the autoscaler told each node brings 32 EFA
devices, and the pinned EFA device plugin tolerating the GPU taint. Each check fails when its piece is
removed; pools without the fabric keep their plain launch templates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lepton_infra.plan.record import PlannedGraph, RecordedResource

STACK = "aws-train"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
PLACEMENT_GROUP = "aws:ec2/placementGroup:PlacementGroup"
ASG_TAG = "aws:autoscaling/tag:Tag"
RELEASE = "kubernetes:helm.sh/v3:Release"


@pytest.fixture(scope="module")
def graph(plan_stack: Any, platform_dir: Path) -> PlannedGraph:
    return plan_stack(platform_dir, STACK)


def _pool(graph: PlannedGraph, type_: str, pool: str) -> list[RecordedResource]:
    return [r for r in graph.of_type(type_) if f"pool-{pool}" in r.urn]


def _id(graph: PlannedGraph, resource: RecordedResource) -> str:
    return resource.outputs["id"]


def test_efa_launch_template_lays_out_32_efa_only_interfaces(graph: PlannedGraph) -> None:
    (template,) = _pool(graph, LAUNCH_TEMPLATE, "h100-efa")
    interfaces = template.get("networkInterfaces")
    assert interfaces is not None, "the fabric pool's launch template has no network interfaces"
    layout = [(i["networkCardIndex"], i["deviceIndex"], i["interfaceType"]) for i in interfaces]
    # EC2 User Guide efa-acc-inst-types.md, p5.48xlarge "Use case 1": ENA primary, EFA-only on card 0
    # device 1 and on device 0 of cards 1-31.
    expected = [(0, 0, "interface"), (0, 1, "efa-only")] + [(card, 0, "efa-only") for card in range(1, 32)]
    assert layout == expected
    # With interfaces in the template, the groups sit on each interface, never on the template.
    assert template.get("vpcSecurityGroupIds") in (None, [])
    assert all(i.get("associatePublicIpAddress", "false") == "false" for i in interfaces)
    assert all("subnetId" not in i for i in interfaces)  # EKS rejects a template naming a subnet


def test_every_efa_interface_is_in_the_self_referencing_efa_group(graph: PlannedGraph) -> None:
    (group,) = [g for g in _pool(graph, SECURITY_GROUP, "h100-efa") if g.name.endswith("efa-sg")]
    group_id = _id(graph, group)
    (template,) = _pool(graph, LAUNCH_TEMPLATE, "h100-efa")
    for interface in template.get("networkInterfaces"):
        assert group_id in interface["securityGroups"], interface
        assert len(interface["securityGroups"]) == 2  # the cluster's node group and the EFA group
    for rule_type in (INGRESS, EGRESS):
        rules = [r for r in graph.of_type(rule_type) if r.get("securityGroupId") == group_id]
        assert [(r.get("ipProtocol"), r.get("referencedSecurityGroupId")) for r in rules] == [
            ("-1", group_id)
        ]


def test_fabric_pool_is_in_one_subnet_and_one_cluster_placement_group(graph: PlannedGraph) -> None:
    (placement,) = _pool(graph, PLACEMENT_GROUP, "h100-efa")
    assert placement.get("strategy") == "cluster"
    (template,) = _pool(graph, LAUNCH_TEMPLATE, "h100-efa")
    assert template.get("placement.groupName") == placement.outputs.get("name", placement.get("name"))
    (group,) = _pool(graph, NODE_GROUP, "h100-efa")
    assert len(group.get("subnetIds")) == 1
    assert group.get("instanceTypes") == ["p5.48xlarge"]


def test_autoscaler_knows_a_fabric_node_brings_32_efa_devices(graph: PlannedGraph) -> None:
    tags = {t.get("tag.key"): t.get("tag.value") for t in _pool(graph, ASG_TAG, "h100-efa")}
    assert tags.get("k8s.io/cluster-autoscaler/node-template/resources/vpc.amazonaws.com/efa") == "32"


def test_efa_device_plugin_is_pinned_and_tolerates_the_gpu_taint(graph: PlannedGraph) -> None:
    (release,) = [r for r in graph.of_type(RELEASE) if r.get("chart") == "aws-efa-k8s-device-plugin"]
    assert release.get("version") == "v0.5.30"
    assert release.get("repositoryOpts.repo") == "https://aws.github.io/eks-charts"
    assert release.get("namespace") == "kube-system"
    tolerations = release.get("values.tolerations")
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in tolerations


def test_pools_without_fabric_keep_plain_templates(graph: PlannedGraph) -> None:
    (template,) = _pool(graph, LAUNCH_TEMPLATE, "system")
    assert template.get("networkInterfaces") in (None, [])
    assert template.get("placement") is None
    assert not _pool(graph, PLACEMENT_GROUP, "system")
