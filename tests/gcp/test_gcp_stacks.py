"""The shipped GCP stacks plan offline; their URNs are pinned (an accidental rename changes identity)."""

from __future__ import annotations

import json
from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path
from typing import Any

import pytest
import yaml

from lepton_infra.plan.record import PlannedGraph
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec

REPO = Path(__file__).resolve().parents[2]
OUTPUT_KEYS = {
    "zones",
    "cluster_name",
    "cluster_endpoint",
    "kubeconfig",
    "model_bucket",
    "registry_url",
    "kms_key_id",
    "region",
    "project",
    "monitoring_namespace",
    "tenant_namespaces",
    "service_autoscalers",
    "service_endpoints",
    "api_access",
    "quota_to_request",
}


@pytest.mark.parametrize("stack", ["gcp-dev", "gcp-prod"])
def test_stack_urns_are_stable(
    plan_stack: Callable[..., PlannedGraph], platform_dir: Path, stack: str, snapshot: Any
) -> None:
    graph = plan_stack(platform_dir, stack)
    # Sorted: registration order depends on when each output resolves, identity does not.
    assert sorted(r.urn for r in graph.managed) == snapshot


@pytest.mark.parametrize("stack", ["gcp-dev", "gcp-prod"])
def test_stack_exports_the_platform_outputs(
    plan_stack: Callable[..., PlannedGraph], platform_dir: Path, stack: str
) -> None:
    graph = plan_stack(platform_dir, stack)
    # A stack exposing services also exports each host's Gateway address (gcp-prod: three internal hosts).
    exposed = stack == "gcp-prod"
    assert set(graph.outputs) == OUTPUT_KEYS | ({"host_addresses"} if exposed else set())
    if exposed:
        nodes = IPv4Network(
            graph.one("gcp:compute/subnetwork:Subnetwork", "acme-ai-network-nodes").get("ipCidrRange")
        )
        addresses = graph.outputs["host_addresses"]
        assert sorted(addresses) == ["chat.ai.acme.dev", "embeddings.ai.acme.dev", "sentiment.ai.acme.dev"]
        assert all(IPv4Address(ip) in nodes for ip in addresses.values())
    assert graph.outputs["kubeconfig"] == "[secret]"
    assert graph.outputs["project"] == f"acme-ai-{stack.split('-')[1]}"


def test_prod_adds_the_h100_pool_and_protection(
    plan_stack: Callable[..., PlannedGraph], platform_dir: Path
) -> None:
    dev, prod = plan_stack(platform_dir, "gcp-dev"), plan_stack(platform_dir, "gcp-prod")
    # system, h100, and on-demand and spot L4s (the on-demand one for the service kept running)
    assert len(prod.of_type("gcp:container/nodePool:NodePool")) == 4
    assert len(dev.of_type("gcp:container/nodePool:NodePool")) == 2
    assert prod.one("gcp:container/cluster:Cluster").protect
    assert not dev.one("gcp:container/cluster:Cluster").protect


def _aws_prod_spec_on_gcp() -> dict[str, Any]:
    """The AWS prod spec with only `cloud`, `region`, the cloud knobs, the admin groups and the models' cache
    changed: on GKE a group reaches RBAC as a Google Group's e-mail, through the cluster's security group."""
    doc = yaml.safe_load((REPO / "stacks" / "platform" / "Pulumi.aws-prod.yaml").read_text())
    raw = dict(doc["config"]["lepton:platform"])
    raw.pop("aws", None)
    raw.update(
        cloud="gcp",
        region="us-central1",
        gcp={
            "project": "acme-ai-prod",
            "billing_account": "012345-6789AB-CDEF01",
            "rbac_security_group": "gke-security-groups@acme.dev",
            "dns_zone": "acme-dev",
            "queued_provisioning_pools": ["h100"],
            "zones": ["us-central1-a", "us-central1-b", "us-central1-c"],
            "storage_data_access_logs": True,
            "dns_endpoint": True,
        },
    )
    raw["tenants"] = [{**t, "admins": [f"{a}@acme.dev" for a in t.get("admins", [])]} for t in raw["tenants"]]
    # The model bucket mount is built on AWS only (spec/model_rules.py): GKE's models stay on the node disk.
    raw["models"] = [{k: v for k, v in m.items() if k != "cache"} for m in raw["models"]]
    return raw


def test_the_aws_spec_plans_on_gcp(plan_program: Callable[..., PlannedGraph]) -> None:
    raw = _aws_prod_spec_on_gcp()
    graph = plan_program(
        lambda: build(PlatformSpec.from_config()),
        {"lepton:platform": raw, "pulumi:disable-default-providers": ["*"]},
    )
    platform = graph.one("lepton:gcp:Platform")
    assert platform.outputs["project"] == "acme-ai-prod"
    pools = {p.inputs["name"]: p for p in graph.of_type("gcp:container/nodePool:NodePool")}
    assert set(pools) == {p["name"] for p in raw["node_pools"]}
    assert pools["h100"].get("nodeConfig.guestAccelerators.0.type") == "nvidia-h100-80gb"
    assert pools["l4-spot"].get("nodeConfig.spot") is True
    assert graph.of_type("aws:eks/cluster:Cluster") == []
    assert (
        graph.one("gcp:container/cluster:Cluster").get("privateClusterConfig.enablePrivateEndpoint") is True
    )


def test_the_same_spec_matches_the_shipped_gcp_prod_stack(platform_dir: Path) -> None:
    """The shipped gcp-prod spec is the aws-prod spec with only cloud, region and knobs changed."""
    doc = yaml.safe_load((platform_dir / "Pulumi.gcp-prod.yaml").read_text())
    shipped = doc["config"]["lepton:platform"]
    assert json.dumps(shipped, sort_keys=True) == json.dumps(_aws_prod_spec_on_gcp(), sort_keys=True)


def test_the_node_pool_component_example_plans(plan_stack: Callable[..., PlannedGraph]) -> None:
    graph = plan_stack(REPO / "components" / "gcp-node-pool", "example")
    pool = graph.one("gcp:container/nodePool:NodePool")
    assert pool.get("nodeConfig.machineType") == "g2-standard-24"
    assert pool.get("nodeConfig.guestAccelerators.0.count") == 2
    assert pool.get("autoscaling.totalMaxNodeCount") == 8
    account = graph.one("gcp:serviceaccount/account:Account")
    assert (
        pool.get("nodeConfig.serviceAccount")
        == f"{account.inputs['accountId']}@acme-ai-dev.iam.gserviceaccount.com"
    )
    provider = next(p for p in graph.of_type("pulumi:providers:gcp") if not p.name.endswith("-bootstrap")).urn
    assert all(r.provider == provider for r in graph.managed if r.custom and not r.is_provider)
    assert graph.outputs["pool_name"] == "l4-spot"
