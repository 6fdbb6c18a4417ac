"""The standalone example programs in components/ plan offline (with default providers disabled)."""

from __future__ import annotations

from pathlib import Path

import pytest

COMPONENTS = Path(__file__).resolve().parents[2] / "components"


@pytest.fixture(scope="module")
def network(plan_stack):
    return plan_stack(COMPONENTS / "aws-network", "example")


@pytest.fixture(scope="module")
def node_pool(plan_stack):
    return plan_stack(COMPONENTS / "aws-node-pool", "example")


def test_network_example_plans(network) -> None:
    assert network.config["pulumi:disable-default-providers"] == '["*"]'
    assert len(network.of_type("aws:ec2/subnet:Subnet")) == 9  # public, private, load balancer x 3
    assert len(network.outputs["private_subnet_ids"]) == 3
    (provider,) = network.of_type("pulumi:providers:aws")
    assert {r.provider for r in network.managed if r.custom and not r.is_provider} == {provider.urn}


def test_network_example_encrypts_flow_logs_with_given_key(network) -> None:
    key = network.config["aws-network-example:kmsKeyArn"]
    assert network.one("aws:cloudwatch/logGroup:LogGroup").get("kmsKeyId") == key


def test_node_pool_example_is_a_spot_gpu_pool_from_zero(node_pool) -> None:
    ng = node_pool.one("aws:eks/nodeGroup:NodeGroup")
    assert ng.get("capacityType") == "SPOT"
    assert ng.get("scalingConfig.minSize") == 0
    assert ng.get("amiType") == "AL2023_x86_64_NVIDIA"
    assert ng.get("instanceTypes")[0] == "g6.xlarge"


def test_node_pool_example_tags_its_asg_for_scale_from_zero(node_pool) -> None:
    keys = {t.get("tag.key") for t in node_pool.of_type("aws:autoscaling/tag:Tag")}
    assert "k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu" in keys
    assert node_pool.outputs["autoscaling_group"].startswith("eks-l4-spot-")
