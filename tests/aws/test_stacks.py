"""The shipped `stacks/platform` AWS stacks: both plan offline, prod differs from dev where it should,
and every URN is pinned by a snapshot (an accidental rename replaces a resource in production)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lepton_infra.plan.record import PlannedGraph

AWS_STACKS = ["aws-dev", "aws-prod"]
EXPORTS = {
    "cluster_name",
    "cluster_endpoint",
    "kubeconfig",
    "model_bucket",
    "registry_url",
    "kms_key_arn",
    "region",
    "api_access",
    "monitoring_namespace",
    "tenant_namespaces",
    "service_autoscalers",
    "service_endpoints",
    "quota_to_request",
    "budget_tracking",
}
STATEFUL = {
    "aws:kms/key:Key",
    "aws:eks/cluster:Cluster",
    "aws:s3/bucket:Bucket",
    "aws:ecr/repository:Repository",
}


@pytest.fixture(scope="module")
def dev(plan_stack, platform_dir: Path) -> PlannedGraph:
    return plan_stack(platform_dir, "aws-dev")


@pytest.fixture(scope="module")
def prod(plan_stack, platform_dir: Path) -> PlannedGraph:
    return plan_stack(platform_dir, "aws-prod")


def _count(graph: PlannedGraph, type_: str) -> int:
    return len(graph.of_type(type_))


def _interface_endpoints(graph: PlannedGraph) -> list[str]:
    return sorted(
        e.get("serviceName")
        for e in graph.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
        if e.get("vpcEndpointType") == "Interface"
    )


def test_nat_single_in_dev_per_zone_in_prod(dev: PlannedGraph, prod: PlannedGraph) -> None:
    assert _count(dev, "aws:ec2/natGateway:NatGateway") == 1
    assert _count(prod, "aws:ec2/natGateway:NatGateway") == 3


def test_prod_routes_each_zone_through_its_own_nat(prod: PlannedGraph) -> None:
    routes = [r for r in prod.of_type("aws:ec2/route:Route") if r.get("natGatewayId")]
    assert len({r.get("natGatewayId") for r in routes}) == 3


def test_endpoint_public_in_dev_private_in_prod(dev: PlannedGraph, prod: PlannedGraph) -> None:
    dev_vpc = dev.one("aws:eks/cluster:Cluster").get("vpcConfig")
    prod_vpc = prod.one("aws:eks/cluster:Cluster").get("vpcConfig")
    assert (dev_vpc["endpointPublicAccess"], dev_vpc["publicAccessCidrs"]) == (True, ["203.0.113.0/24"])
    assert (prod_vpc["endpointPublicAccess"], prod_vpc["publicAccessCidrs"]) == (False, [])
    assert prod_vpc["endpointPrivateAccess"] is True


def test_interface_endpoints_only_in_prod(dev: PlannedGraph, prod: PlannedGraph) -> None:
    assert _interface_endpoints(dev) == []
    assert _interface_endpoints(prod) == [
        f"com.amazonaws.us-east-1.{s}" for s in ("ec2", "ecr.api", "ecr.dkr", "logs", "sts")
    ]


def test_stateful_resources_protected_in_prod_only(dev: PlannedGraph, prod: PlannedGraph) -> None:
    assert {r.type for r in prod.managed if r.protect} == STATEFUL
    assert not [r.name for r in dev.managed if r.protect]


def test_cloud_side_deletion_protection_in_prod(dev: PlannedGraph, prod: PlannedGraph) -> None:
    assert prod.one("aws:eks/cluster:Cluster").get("deletionProtection") is True
    assert dev.one("aws:eks/cluster:Cluster").get("deletionProtection") is False
    buckets = prod.of_type("aws:s3/bucket:Bucket")
    assert len(buckets) == 2  # the models and their access logs
    assert all(b.get("forceDestroy") is False and b.protect for b in buckets)
    assert all(b.get("forceDestroy") is True for b in dev.of_type("aws:s3/bucket:Bucket"))
    assert prod.one("aws:ecr/repository:Repository").get("forceDelete") is False


def test_key_deletion_window(dev: PlannedGraph, prod: PlannedGraph) -> None:
    assert prod.one("aws:kms/key:Key").get("deletionWindowInDays") == 30
    assert dev.one("aws:kms/key:Key").get("deletionWindowInDays") == 7


def test_prod_spans_three_zones(dev: PlannedGraph, prod: PlannedGraph) -> None:
    # public, private and load-balancer subnets per zone
    assert _count(dev, "aws:ec2/subnet:Subnet") == 6
    assert _count(prod, "aws:ec2/subnet:Subnet") == 9


def test_access_entries_admins_and_tenant_admin_groups(dev: PlannedGraph, prod: PlannedGraph) -> None:
    def entries(graph: PlannedGraph) -> dict[str, list[str] | None]:
        return {
            e.get("principalArn"): e.get("kubernetesGroups")
            for e in graph.of_type("aws:eks/accessEntry:AccessEntry")
        }

    role = "arn:aws:iam::123456789012:role/"
    deployer = "arn:aws:iam::123456789012:user/offline"  # the offline caller (EKS's creator admin is off)
    assert entries(prod) == {
        f"{role}platform-admins": None,
        f"{role}research-admins": ["research-admins"],
        f"{role}serving-admins": ["serving-admins"],
        deployer: None,
    }
    assert entries(dev) == {f"{role}research-admins": ["research-admins"], deployer: None}
    # Only the admin role and the deployer get the cluster-admin access policy; tenant admins their group.
    assert [
        a.get("principalArn") for a in prod.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
    ] == [f"{role}platform-admins", deployer]
    assert all(e.get("type") == "STANDARD" for e in prod.of_type("aws:eks/accessEntry:AccessEntry"))


@pytest.mark.parametrize("stack", AWS_STACKS)
def test_exports(plan_stack, platform_dir: Path, stack: str) -> None:
    graph = plan_stack(platform_dir, stack)
    # Both stacks expose a service: the load balancers' addresses are listed for the operator's DNS.
    assert set(graph.outputs) == EXPORTS | {"host_addresses"}
    assert graph.outputs["kubeconfig"] == "[secret]"
    assert graph.outputs["cluster_name"] == f"acme-ai-{stack.split('-')[1]}"


@pytest.mark.parametrize("stack", AWS_STACKS)
def test_every_resource_has_an_explicit_provider(plan_stack, platform_dir: Path, stack: str) -> None:
    graph = plan_stack(platform_dir, stack)
    (aws_provider,) = graph.of_type("pulumi:providers:aws")
    assert aws_provider.get("region") == "us-east-1"
    # Provider inputs reach the engine as strings (nested values JSON-encoded).
    tags = json.loads(aws_provider.get("defaultTags"))["tags"]
    assert (tags["cost-center"], tags["environment"]) == ("1234", stack.split("-")[1])
    custom = [r for r in graph.managed if r.custom and not r.is_provider]
    assert {r.provider for r in custom if r.package == "aws"} == {aws_provider.urn}
    assert all(r.provider for r in custom)


@pytest.mark.parametrize("stack", AWS_STACKS)
def test_urn_snapshot(plan_stack, platform_dir: Path, stack: str, snapshot) -> None:
    """Fails on an accidental rename (a renamed URN is a delete + create in production). If the rename
    is intended, add an alias to the resource and update with `pytest --snapshot-update`."""
    graph = plan_stack(platform_dir, stack)
    assert sorted(r.urn for r in graph.managed) == snapshot
