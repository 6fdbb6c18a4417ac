"""What AWS would refuse or silently ignore at apply time, pinned: spec errors for values EKS refuses, and
the knobs that make a first deploy work (service-linked role, cost allocation tag, private API access)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec import PlatformSpec

ROLE = "arn:aws:iam::123456789012:role/"
BASE: dict[str, Any] = {
    "name": "acme-ai",
    "environment": "dev",
    "cloud": "aws",
    "region": "us-east-1",
    "cluster": {"authorized_networks": ["203.0.113.0/24"]},
    "node_pools": [
        {"name": "system", "cpu": "standard-4", "min": 1, "max": 3},
        {"name": "l4", "gpu": {"type": "l4", "count": 1}, "max": 2},
    ],
    "tenants": [{"name": "research", "gpu_quota": 2, "admins": ["research-admins"]}],
    "budget": {"monthly_usd": 1000},
    "tags": {"team": "ml", "cost-center": "42"},
    "aws": {"tenant_admin_roles": {"research-admins": [f"{ROLE}research-admins"]}},
}


def spec_with(**changes: Any) -> dict[str, Any]:
    data = json.loads(json.dumps(BASE))
    for dotted, value in changes.items():
        node = data
        *parents, last = dotted.split("__")
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return data


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(data)
    return {p.path: p.why for p in err.value.problems}


# --- spec errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "addon, version", [("coredns", "latest"), ("vpc-cni", "1.19.2"), ("kube-proxy", "v1.33.0")]
)
def test_addon_version_that_eks_refuses(addon: str, version: str) -> None:
    found = problems(spec_with(aws__addon_versions={addon: version}))
    assert "not an EKS add-on version" in found[f"aws.addon_versions.{addon}"]


def test_unknown_addon_name() -> None:
    found = problems(spec_with(aws__addon_versions={"core-dns": "v1.12.1-eksbuild.2"}))
    assert "not an add-on this platform installs" in found["aws.addon_versions.core-dns"]


def test_vpc_cni_without_network_policy_support() -> None:
    found = problems(spec_with(aws__addon_versions={"vpc-cni": "v1.13.4-eksbuild.1"}))
    assert "ignores NetworkPolicy" in found["aws.addon_versions.vpc-cni"]


def test_valid_addon_pins_pass() -> None:
    spec = PlatformSpec.from_dict(
        spec_with(
            aws__addon_versions={
                "vpc-cni": "v1.19.2-eksbuild.1",
                "amazon-cloudwatch-observability": "v4.1.0-eksbuild.1",
            }
        )
    )
    assert spec.aws is not None and spec.aws.addon_versions["vpc-cni"] == "v1.19.2-eksbuild.1"


def test_tenant_admin_group_no_role_carries() -> None:
    found = problems(spec_with(aws__tenant_admin_roles={}))
    assert "no IAM principal carries this" in found["tenants[0].admins[0]"]


def test_group_eks_refuses() -> None:
    data = spec_with(
        aws__tenant_admin_roles={
            "system:masters": [f"{ROLE}x"],
            "research-admins": [f"{ROLE}research-admins"],
        }
    )
    assert (
        "refuse Kubernetes groups starting with system:"
        in problems(data)["aws.tenant_admin_roles.system:masters"]
    )


def test_group_with_no_role() -> None:
    found = problems(spec_with(aws__tenant_admin_roles={"research-admins": []}))
    assert "no IAM role carries" in found["aws.tenant_admin_roles.research-admins"]


@pytest.mark.parametrize("key", ["deployment", "platform", "environment", "managed-by"])
def test_platform_set_tags_are_refused(key: str) -> None:
    found = problems(spec_with(tags={"team": "ml", "cost-center": "42", key: "x"}))
    assert f"tags.{key}" in found


# --- plans -------------------------------------------------------------------------------------------


def _plan(plan_program, data: dict[str, Any]) -> PlannedGraph:
    def program() -> None:
        import pulumi

        from lepton_infra.platform import build

        for key, value in build(PlatformSpec.from_dict(data)).outputs.items():
            pulumi.export(key, value)

    return plan_program(program, project="lepton-aws-test", stack="dev")


def test_existing_service_linked_role_is_not_created(plan_program) -> None:
    """A second stack in the account (or an account with any ASG) already has the role: creating it
    again fails, so `existing` only names it."""
    graph = _plan(plan_program, spec_with(aws__autoscaling_service_linked_role="existing"))
    assert graph.of_type("aws:iam/serviceLinkedRole:ServiceLinkedRole") == []
    policy = json.loads(graph.one("aws:kms/key:Key").get("policy"))
    assert any(
        st["Principal"].get("AWS", "").endswith("/AWSServiceRoleForAutoScaling") for st in policy["Statement"]
    )


def test_created_service_linked_role_outlives_the_stack(plan_stack, platform_dir: Path) -> None:
    graph = plan_stack(platform_dir, "aws-prod")
    (role,) = graph.of_type("aws:iam/serviceLinkedRole:ServiceLinkedRole")
    assert role.get("awsServiceName") == "autoscaling.amazonaws.com"
    assert role.urn in graph.one("aws:kms/key:Key").dependencies


def test_cost_allocation_tag_only_when_asked(plan_program, plan_stack, platform_dir: Path) -> None:
    assert (
        plan_stack(platform_dir, "aws-dev").of_type("aws:costexplorer/costAllocationTag:CostAllocationTag")
        == []
    )
    graph = _plan(plan_program, spec_with(aws__activate_cost_allocation_tag=True))
    (tag,) = graph.of_type("aws:costexplorer/costAllocationTag:CostAllocationTag")
    assert (tag.get("tagKey"), tag.get("status")) == ("deployment", "Active")
    assert json.loads(json.dumps(graph.one("aws:budgets/budget:Budget").get("costFilters"))) == [
        {"name": "TagKeyValue", "values": ["user:deployment$acme-ai-dev"]}
    ]


@pytest.mark.parametrize(
    "stack, says",
    [
        ("aws-dev", ["public endpoint", "203.0.113.0/24"]),
        ("aws-prod", ["private endpoint only", "10.0.8.0/24", "transit gateway tgw-0123456789abcdef0"]),
    ],
)
def test_api_access_says_where_pulumi_up_runs(
    plan_stack, platform_dir: Path, stack: str, says: list[str]
) -> None:
    text = plan_stack(platform_dir, stack).outputs["api_access"]
    assert isinstance(text, str)
    assert all(s in text for s in says), text


def test_private_endpoint_admits_the_authorized_networks(plan_stack, platform_dir: Path) -> None:
    """EKS' private endpoint answers only whom the cluster security group admits: the deploy runner's
    network gets 443 there; a public endpoint's CIDRs go to publicAccessCidrs instead."""
    prod, dev = plan_stack(platform_dir, "aws-prod"), plan_stack(platform_dir, "aws-dev")
    cluster_sg = prod.one("aws:ec2/securityGroup:SecurityGroup", "acme-ai-cluster-cluster-sg")
    rules = [
        r
        for r in prod.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r.get("cidrIpv4") == "10.0.8.0/24"
    ]
    assert [(r.get("fromPort"), r.get("toPort")) for r in rules] == [(443, 443)]
    assert cluster_sg.urn in rules[0].dependencies
    assert not [
        r
        for r in dev.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
        if r.get("cidrIpv4") == "203.0.113.0/24"
    ]


def test_private_endpoint_without_networks_is_refused() -> None:
    found = problems(spec_with(environment="prod", cluster={"endpoint": "private"}))
    assert "only the nodes" in found["cluster.authorized_networks"]


# Latest patch per minor, from the kubernetes/autoscaler tags `cluster-autoscaler-<version>` (read
# 2026-12-07 in the snapshot at 55c37cd5, 2026-08-22). A pin older than this runs a patch with known fixes
# missing.
LATEST_AUTOSCALER = {"1.33": "v1.33.6", "1.34": "v1.34.5", "1.35": "v1.35.2", "1.36": "v1.36.1"}


def _version(tag: str) -> tuple[int, ...]:
    return tuple(int(x) for x in tag.lstrip("v").split("."))


@pytest.mark.parametrize("minor", sorted(LATEST_AUTOSCALER))
def test_autoscaler_image_is_the_latest_patch(minor: str) -> None:
    from lepton_infra.aws.autoscaler import image_tag

    assert _version(image_tag(minor)) >= _version(LATEST_AUTOSCALER[minor])
    assert image_tag(minor).startswith(f"v{minor}.")


def test_autoscaler_release_pins_come_from_charts_py(plan_stack, platform_dir: Path) -> None:
    from lepton_infra.kubernetes.charts import pinned as charts

    release = plan_stack(platform_dir, "aws-dev").one(
        "kubernetes:helm.sh/v3:Release", "acme-ai-autoscaler-chart"
    )
    assert (release.get("chart"), release.get("version")) == (
        charts.CLUSTER_AUTOSCALER.chart,
        charts.CLUSTER_AUTOSCALER.version,
    )
    assert release.get("values")["image"]["tag"] == "v1.35.2"
    source = (Path(__file__).resolve().parents[2] / "lepton_infra" / "aws" / "autoscaler.py").read_text()
    assert not re.search(r"9\.\d+\.\d+|v1\.\d+\.\d+", source), (
        "autoscaler pins belong in lepton_infra/core/data/chart_support.yaml"
    )


def test_vcpu_quotas_at_max_scale() -> None:
    """aws-prod at max: 2 x p5.48xlarge (192 vCPUs each), 4 on-demand L4 nodes g6.xlarge (4), 16 spot L4
    nodes of g6.xlarge (4; a spot pool's types all have one shape), 4 x m6i.xlarge (4) plus a node update's
    up to 2 extra instances in each of the system pool's three per-zone groups (GPU groups: MINIMAL, none)."""
    import yaml

    from lepton_infra.aws.quotas import vcpu_quota_needs
    from lepton_infra.spec.resolved import resolve

    raw = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "stacks/platform/Pulumi.aws-prod.yaml").read_text()
    )
    spec = PlatformSpec.from_dict(raw["config"]["lepton:platform"])
    needs = vcpu_quota_needs(resolve(spec))
    assert needs == {
        "Running On-Demand P instances": 384,
        "Running On-Demand G and VT instances": 16,
        "All G and VT Spot Instance Requests": 19 * 4,  # l4-spot at max, 4 vCPUs a g6.xlarge
        "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances": (4 + 3 * 2) * 4,
    }


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {
            "environment": "prod",
            "cluster": {"endpoint": "private", "authorized_networks": ["10.40.200.0/24"]},
        },
    ],
)
def test_plan_log_says_where_pulumi_up_runs(plan_program, monkeypatch, changes: dict) -> None:
    """The sentence is logged too (`pulumi up` and `lepton-infra plan` show it). A private endpoint nothing
    can reach is refused before the plan (tests/aws/test_private_first_deploy.py)."""
    level = "info"
    import pulumi

    logged: list[tuple[str, str]] = []
    for name in ("info", "warn"):
        monkeypatch.setattr(pulumi.log, name, lambda msg, *a, _n=name, **k: logged.append((_n, msg)))
    graph = _plan(plan_program, {**spec_with(), **changes})
    assert (level, f"api_access: {graph.outputs['api_access']}") in logged


def test_one_access_entry_per_role_carrying_all_its_groups() -> None:
    """EKS allows one access entry per IAM principal: a role that is admin and a tenant admin, or admin of
    two tenants, gets one entry with every group."""
    from lepton_infra.aws.access import principal_groups

    admin, ops = f"{ROLE}admins", f"{ROLE}ops"
    assert principal_groups([admin], {"research-admins": [admin, ops], "serving-admins": [ops]}) == {
        admin: ["research-admins"],
        ops: ["research-admins", "serving-admins"],
    }
