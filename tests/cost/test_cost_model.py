"""Cost maths on small hand-computed examples, one per cloud (730 hours a month)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pulumi_gcp as gcp
import pytest

from lepton_infra.cost import estimate_cost
from lepton_infra.cost.model import tenant_costs
from lepton_infra.plan import plan_program
from lepton_infra.spec import PlatformSpec
from tests.conftest import shipped_spec


def aws_program() -> None:
    cluster = aws.eks.Cluster(
        "c",
        role_arn="arn:aws:iam::123456789012:role/eks",
        vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=["subnet-1"]),
    )
    common = {
        "cluster_name": cluster.name,
        "node_role_arn": "arn:aws:iam::123456789012:role/n",
        "subnet_ids": ["subnet-1"],
    }
    aws.eks.NodeGroup(
        "system",
        instance_types=["m6i.xlarge"],
        capacity_type="ON_DEMAND",
        scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=2, max_size=4, desired_size=2),
        labels={"lepton.ai/pool": "system"},
        **common,
    )
    aws.eks.NodeGroup(
        "gpu",
        instance_types=["g6.xlarge", "g6.2xlarge"],
        capacity_type="SPOT",
        scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=0, max_size=4, desired_size=0),
        labels={"lepton.ai/pool": "l4-spot"},
        **common,
    )
    aws.ec2.NatGateway("nat", subnet_id="subnet-1", allocation_id="eipalloc-1")
    aws.kms.Key("key")


def test_aws_idle_and_max_by_hand() -> None:
    report = estimate_cost(plan_program(aws_program))
    # EKS 0.10*730 = 73.00; system m6i.xlarge 0.192*730 = 140.16/node: idle 2 -> 280.32, max 4 -> 560.64;
    # g6.xlarge spot 0.8048*(1-0.6) = 0.32192/h: idle 0, max 4 -> 940.01; NAT 0.045*730 = 32.85; KMS 1.00.
    assert report.monthly_usd_idle == pytest.approx(73.00 + 280.32 + 0 + 32.85 + 1.00)
    assert report.monthly_usd_max == pytest.approx(73.00 + 560.64 + 940.01 + 32.85 + 1.00)
    pools = {i.pool: i for i in report.node_pools()}
    assert pools["l4-spot"].machine_type == "g6.xlarge" and pools["l4-spot"].note == "spot"
    assert pools["system"].monthly_usd_idle == pytest.approx(280.32)


def test_price_overrides_from_the_spec_win() -> None:
    spec = shipped_spec("aws-dev")
    spec["budget"] = {"monthly_usd": 1, "price_overrides": {"m6i.xlarge": 0.1, "eks-control-plane": 0.0}}
    report = estimate_cost(plan_program(aws_program, {"lepton:platform": spec}))
    pools = {i.pool: i for i in report.node_pools()}
    assert pools["system"].usd_per_hour == 0.1 and pools["system"].price_source == "spec override"
    assert pools["system"].monthly_usd_max == pytest.approx(4 * 0.1 * 730)
    assert [i.monthly_usd_max for i in report.items if i.category == "control_plane"] == [0.0]


def gcp_program() -> None:
    gcp.container.Cluster("c", location="us-central1", initial_node_count=1)
    gcp.container.NodePool(
        "gpu",
        cluster="c",
        location="us-central1",
        node_locations=["us-central1-a", "us-central1-b"],
        autoscaling=gcp.container.NodePoolAutoscalingArgs(min_node_count=0, max_node_count=2),
        node_config=gcp.container.NodePoolNodeConfigArgs(
            machine_type="g2-standard-4", labels={"lepton.ai/pool": "l4"}
        ),
    )
    gcp.container.NodePool(
        "system",
        cluster="c",
        location="us-central1",
        node_locations=["us-central1-a"],
        autoscaling=gcp.container.NodePoolAutoscalingArgs(min_node_count=1, max_node_count=3),
        node_config=gcp.container.NodePoolNodeConfigArgs(machine_type="n2-standard-4"),
    )
    gcp.kms.CryptoKey("k", key_ring="projects/p/locations/us/keyRings/r")
    gcp.compute.RouterNat(
        "nat",
        router="r",
        region="us-central1",
        nat_ip_allocate_option="AUTO_ONLY",
        source_subnetwork_ip_ranges_to_nat="ALL_SUBNETWORKS_ALL_IP_RANGES",
    )


def test_gcp_idle_and_max_by_hand() -> None:
    report = estimate_cost(plan_program(gcp_program))
    # GKE 73.00; g2-standard-4 0.7068/h x (0..2 per zone x 2 zones): max 4 nodes -> 2063.86;
    # n2-standard-4 0.1942/h x 1..3 nodes: 141.77 / 425.30; KMS 0.06; Cloud NAT 0.0014/VM-h x 1..7 VMs: 1.02 /
    # 7.15
    assert report.monthly_usd_idle == pytest.approx(73.00 + 0 + 141.77 + 0.06 + 1.02)
    assert report.monthly_usd_max == pytest.approx(73.00 + 2063.86 + 425.30 + 0.06 + 7.15)


def azure_program() -> None:
    # The Azure SDK is not installed here; the cost model reads type tokens and inputs only.
    pulumi.CustomResource(
        "azure-native:containerservice:ManagedCluster", "aks", {"sku": {"tier": "Standard"}}
    )
    pulumi.CustomResource(
        "azure-native:containerservice:AgentPool",
        "t4",
        {
            "vmSize": "Standard_NC4as_T4_v3",
            "minCount": 0,
            "maxCount": 3,
            "scaleSetPriority": "Spot",
            "nodeLabels": {"lepton.ai/pool": "t4"},
        },
    )
    pulumi.CustomResource("azure-native:network:NatGateway", "nat", {})


def test_azure_idle_and_max_by_hand() -> None:
    report = estimate_cost(plan_program(azure_program))
    # AKS Standard 73.00; NC4as_T4_v3 0.526 spot (x0.4) x 0..3 -> 460.78 at max; NAT 32.85
    assert report.monthly_usd_idle == pytest.approx(73.00 + 0 + 32.85)
    assert report.monthly_usd_max == pytest.approx(73.00 + 460.78 + 32.85)


def test_tenant_quota_priced_at_cheapest_pool_for_its_gpu_type() -> None:
    report = estimate_cost(plan_program(aws_program))
    raw = shipped_spec("aws-dev")  # pools system and l4-spot (l4 x1), service sentiment of research on l4
    raw["tenants"] = [*raw["tenants"], {"name": "idle", "gpu_quota": 0}]
    research, idle = tenant_costs(PlatformSpec.from_dict(raw), report.node_pools())
    assert (research["tenant"], research["gpu_quota"], idle["tenant"]) == ("research", 4, "idle")
    assert research["pool"] == "l4-spot"
    assert research["usd_per_gpu_hour"] == pytest.approx(0.32192, abs=1e-4)
    assert research["monthly_usd_at_quota"] == pytest.approx(4 * 0.32192 * 730, abs=0.01)
    assert idle["monthly_usd_at_quota"] == 0.0


def test_unknown_machine_is_visible_not_silently_free() -> None:
    def program() -> None:
        aws.eks.NodeGroup(
            "x",
            cluster_name="c",
            node_role_arn="r",
            subnet_ids=["s"],
            instance_types=["zz.huge"],
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=0, max_size=1, desired_size=0),
        )

    [item] = estimate_cost(plan_program(program)).items
    assert "unknown machine zz.huge" in item.price_source
