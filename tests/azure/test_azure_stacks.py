"""The shipped Azure stacks: stable URNs, an explicit provider everywhere, and the same spec on all three
clouds with only `cloud`, `region` and the cloud's knob block changed."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from lepton_infra.plan.record import PlannedGraph
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("stack", ["azure-dev", "azure-prod"])
def test_stack_urns_are_stable(
    plan_stack: Callable[..., PlannedGraph], platform_dir: Path, stack: str, snapshot: Any
) -> None:
    graph = plan_stack(platform_dir, stack)
    # Sorted: registration order depends on when each output resolves, identity does not.
    assert sorted(r.urn for r in graph.managed) == snapshot


def _azure_prod_spec() -> dict[str, Any]:
    doc = yaml.safe_load((REPO / "stacks" / "platform" / "Pulumi.azure-prod.yaml").read_text())
    return copy.deepcopy(doc["config"]["lepton:platform"])


def _on(cloud: str) -> dict[str, Any]:
    """The shipped azure-prod spec with only cloud, region and the cloud knob block changed, except for
    a GPU only Azure sells (below) and tenant admin groups, whose identity is per cloud by nature: an Entra
    ID object id on AKS; on EKS the
    same group name reaches RBAC through `aws.tenant_admin_roles` (the knob block); on GKE a group is
    its Google Group e-mail (and `gcp.rbac_security_group` names the RBAC group)."""
    raw = _azure_prod_spec()
    raw.pop("azure")
    admins = sorted({a for t in raw.get("tenants", []) for a in t.get("admins", [])})
    region, knobs = {
        "aws": (
            "us-east-1",
            {
                "tenant_admin_roles": {
                    a: [f"arn:aws:iam::123456789012:role/admins-{i}"] for i, a in enumerate(admins)
                },
                # An ALB serves only ACM certificates: private-ca on AWS is an ACM Private CA.
                "private_ca_arn": "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
                "0b6c9a8e-0000-4000-8000-000000000001",
            },
        ),
        "gcp": (
            "us-central1",
            {
                "project": "acme-ai-prod",
                "billing_account": "012345-6789AB-CDEF01",
                "rbac_security_group": "gke-security-groups@acme.dev",
            },
        ),
        "azure": ("eastus", _azure_prod_spec()["azure"]),
    }[cloud]
    raw.update(cloud=cloud, region=region, **{cloud: knobs})
    if cloud == "aws":
        # EKS's private endpoint needs a runner it answers (profiles/aws/rules.py, private_api_reachable):
        # aws-prod's, routed back through a transit gateway. AKS reaches its own from inside the VNet.
        raw["cluster"] = {**raw.get("cluster", {}), "authorized_networks": ["10.0.8.0/24"]}
        raw["aws"] = {**knobs, "runner_transit_gateway_id": "tgw-0123456789abcdef0"}
    if cloud == "gcp":
        for tenant in raw.get("tenants", []):
            tenant["admins"] = [f"admins-{admins.index(a)}@acme.dev" for a in tenant.get("admins", [])]
    # The one GPU type per cloud by nature: Azure's A10 (the chat model's pool: Azure sells no L4, a T4 is
    # too small for it) is the A10G on EC2 and the L4 on GCE, each 24 GB.
    for item in [*raw.get("node_pools", []), *raw.get("services", [])]:
        if (item.get("gpu") or {}).get("type") == "a10" and cloud != "azure":
            item["gpu"] = {**item["gpu"], "type": {"aws": "a10g", "gcp": "l4"}[cloud]}
    return raw


@pytest.mark.parametrize(
    ("cloud", "cluster_type", "pool_type", "labels"),
    [
        ("aws", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "labels"),
        ("gcp", "gcp:container/cluster:Cluster", "gcp:container/nodePool:NodePool", "nodeConfig.labels"),
        (
            "azure",
            "azure-native:containerservice:ManagedCluster",
            "azure-native:containerservice:AgentPool",
            "nodeLabels",
        ),
    ],
)
def test_the_same_spec_plans_on_all_three_clouds(
    plan_program: Callable[..., PlannedGraph], cloud: str, cluster_type: str, pool_type: str, labels: str
) -> None:
    raw = _on(cloud)
    graph = plan_program(
        lambda: build(PlatformSpec.from_config()),
        {"lepton:platform": raw, "pulumi:disable-default-providers": ["*"]},
    )
    assert len(graph.of_type(f"lepton:{cloud}:Platform")) == 1
    assert len(graph.of_type(cluster_type)) == 1
    pools = graph.of_type(pool_type)
    assert {p.get(labels, {}).get("lepton.ai/pool") for p in pools} == {p["name"] for p in raw["node_pools"]}
    services = [d for d in graph.of_type("kubernetes:apps/v1:Deployment") if "-svc-" in d.name]
    assert len(services) == len(raw["services"])
    other = {"aws", "gcp", "azure-native"} - {"azure-native" if cloud == "azure" else cloud}
    assert not [r.type for r in graph.managed if r.package in other]


def test_every_azure_resource_uses_the_platform_provider(plan_program: Callable[..., PlannedGraph]) -> None:
    """With default providers disabled the plan still builds: each child got the explicit provider,
    created from the spec's subscription and region."""
    graph = plan_program(
        lambda: build(PlatformSpec.from_config()),
        {"lepton:platform": _on("azure"), "pulumi:disable-default-providers": ["*"]},
    )
    provider = graph.one("pulumi:providers:azure-native")
    assert provider.inputs["subscriptionId"] == "3f2b6c1e-8d4a-4b7e-9c21-5a6d7e8f9a0b"
    assert provider.inputs["location"] == "eastus"
    azure = [r for r in graph.managed if r.package == "azure-native" and not r.is_provider]
    assert azure and all(r.provider == provider.urn for r in azure)


def test_the_node_pool_component_example_plans(plan_stack: Callable[..., PlannedGraph]) -> None:
    graph = plan_stack(REPO / "components" / "azure-node-pool", "example")
    pool = graph.one("azure-native:containerservice:AgentPool")
    assert pool.inputs["vmSize"] == "Standard_NC24ads_A100_v4"
    assert pool.inputs["agentPoolName"] == "a100spot" and pool.inputs["resourceName"] == "acme-ai-dev"
    assert pool.inputs["scaleSetPriority"] == "Spot" and pool.inputs["minCount"] == 0
    assert pool.provider == graph.one("pulumi:providers:azure-native").urn
