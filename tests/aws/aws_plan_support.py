"""Shared AWS plans: one platform program planned once per session with default providers disabled.

(A uniquely named module, not conftest.py: test files import from it, and several test folders have a
conftest module.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi
import pytest

from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec

# A dev platform with every feature the component tests look at: a CPU pool, a GPU spot pool and an
# on-demand multi-GPU pool, admin roles, emails, a budget, and interface endpoints turned on.
SPEC: dict[str, Any] = {
    "name": "testai",
    "environment": "dev",
    "cloud": "aws",
    "region": "us-east-1",
    "network": {"cidr": "10.60.0.0/16", "zones": 2},
    "cluster": {"version": "1.36", "authorized_networks": ["203.0.113.0/24", "198.51.100.0/24"]},
    "node_pools": [
        {"name": "system", "cpu": "standard-4", "min": 1, "max": 3},
        {
            "name": "l4-spot",
            "gpu": {"type": "l4", "count": 1},
            "min": 0,
            "max": 4,
            "spot": True,
            "labels": {"workload": "inference"},
        },
        {"name": "h100", "gpu": {"type": "h100-80gb", "count": 8}, "min": 0, "max": 2, "disk_gb": 500},
    ],
    "monitoring": {
        "alert_emails": ["oncall@test.dev", "ml@test.dev"],
        "gpu_idle_percent": 15,
        # Alerts need a relay to be mailed (spec/alerting_rules.py).
        "smtp": {
            "relay": "smtp.sendgrid.net:587",
            "from": "alerts@test.dev",
            "username": "apikey",
            "password": {"secret": "alertmanager-smtp", "key": "password"},
        },
    },
    "budget": {"monthly_usd": 3000},
    "tags": {"team": "ml-platform", "cost-center": "1234"},
    "aws": {
        "admin_role_arns": [
            "arn:aws:iam::123456789012:role/admins",
            "arn:aws:iam::123456789012:role/breakglass",
        ],
        "interface_endpoints": True,
        "addon_versions": {"coredns": "v1.12.1-eksbuild.2"},
    },
}
TENANT_PREFIX = "tenants/research"


@dataclass
class AwsPlan:
    graph: PlannedGraph
    platform: Any  # lepton_infra.aws.Platform, captured while the program ran
    invokes: list[tuple[str, str]]  # (token, provider reference) of every data-source call

    def one(self, type_: str, name: str) -> RecordedResource:
        return self.graph.one(type_, name)

    @property
    def provider_urn(self) -> str:
        return next(r.urn for r in self.graph.of_type("pulumi:providers:aws"))


class _OutsideComponent(pulumi.ComponentResource):
    """Stands in for the Kubernetes layer: a parent with no AWS provider of its own."""

    def __init__(self, name: str) -> None:
        super().__init__("test:k8s:Tenant", name)


def _program(holder: dict[str, Any]):
    def program() -> None:
        from lepton_infra.platform import build
        from lepton_infra.spec import PlatformSpec

        built = build(PlatformSpec.from_dict(SPEC))
        platform = built.cloud
        holder["platform"] = platform
        # What the Kubernetes layer does per tenant: bind a service account to a bucket prefix.
        tenant = _OutsideComponent("research")
        holder["bound"] = platform.cluster_handle.bind_identity(
            "research-models",
            "research",
            "model-reader",
            TENANT_PREFIX,
            pulumi.ResourceOptions(parent=tenant),
        )
        for key, value in built.outputs.items():
            pulumi.export(key, value)

    return program


@pytest.fixture(scope="session")
def aws_plan() -> AwsPlan:
    holder: dict[str, Any] = {}
    graph = plan_program(
        _program(holder),
        {"pulumi:disable-default-providers": ["*"]},
        project="lepton-aws-test",
        stack="dev",
    )
    invokes = [(i.token, i.provider or "") for i in graph.invokes]
    return AwsPlan(graph=graph, platform=holder["platform"], invokes=invokes)


def plan_spec(
    plan_program: Callable[..., PlannedGraph], raw: dict[str, Any], config: dict[str, Any] | None = None
) -> PlannedGraph:
    """The whole platform for a spec variant (`raw`), planned with default providers disabled."""
    spec = PlatformSpec.from_dict(raw)

    def program() -> None:
        for key, value in build(spec).outputs.items():
            pulumi.export(key, value)

    return plan_program(program, {"pulumi:disable-default-providers": ["*"], **(config or {})})
