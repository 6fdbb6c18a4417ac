"""Private endpoint on the first `up` (issue 22, and the deploy review of 2026-12-07): a runner outside the
VPC is admitted on 443, but the endpoint's answers reach it only through a route in the VPC's private route
tables. A private endpoint that the plan knows nothing can reach is refused at spec time, naming the field
and the fix; the shipped aws-prod stack routes its runner back through `aws.runner_transit_gateway_id`."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from lepton_infra.cli import app
from lepton_infra.core.errors import SpecError
from lepton_infra.plan.record import STACK_TYPE, PlannedGraph
from lepton_infra.spec import PlatformSpec
from tests.aws.test_deploy_readiness import spec_with

TGW = "tgw-0123456789abcdef0"
RUNNER = "10.0.8.0/24"
REPO = Path(__file__).resolve().parents[2]


def _plan(plan_program, data) -> PlannedGraph:
    def program() -> None:
        import pulumi

        from lepton_infra.platform import build

        for key, value in build(PlatformSpec.from_dict(data)).outputs.items():
            pulumi.export(key, value)

    return plan_program(program, {"aws:region": "us-east-1"}, project="lepton-platform", stack="prod")


def _private(**aws: object):
    data = spec_with(environment="prod", cluster={"endpoint": "private", "authorized_networks": [RUNNER]})
    data["network"] = {"cidr": "10.40.0.0/16", "zones": 3}
    data["aws"].update(aws)
    return data


def _aws_prod_variant(tmp_path: Path, change) -> Path:
    """stacks/platform with aws-prod's stack file changed by `change(platform)`, as stack `variant`."""
    config = yaml.safe_load((REPO / "stacks/platform/Pulumi.aws-prod.yaml").read_text())
    platform = copy.deepcopy(config["config"]["lepton:platform"])
    change(platform)
    config["config"]["lepton:platform"] = platform
    shutil.copy(REPO / "stacks/platform/__main__.py", tmp_path / "__main__.py")
    shutil.copy(REPO / "stacks/platform/Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "Pulumi.variant.yaml").write_text(yaml.safe_dump(config))
    return tmp_path


def _without_transit_gateway(platform: dict[str, Any]) -> None:
    platform["aws"].pop("runner_transit_gateway_id", None)


def _without_networks(platform: dict[str, Any]) -> None:
    _without_transit_gateway(platform)
    platform["cluster"]["authorized_networks"] = []


def test_aws_prod_routes_its_runner_back_through_the_transit_gateway(plan_stack, platform_dir: Path) -> None:
    graph = plan_stack(platform_dir, "aws-prod")
    attachment = graph.one("aws:ec2transitgateway/vpcAttachment:VpcAttachment")
    assert attachment.get("transitGatewayId") == TGW and len(attachment.get("subnetIds")) == 3
    private_tables = {r.urn for r in graph.of_type("aws:ec2/routeTable:RouteTable") if "-private-" in r.name}
    routes = [r for r in graph.of_type("aws:ec2/route:Route") if r.get("destinationCidrBlock") == RUNNER]
    assert len(private_tables) == 3
    assert len(routes) == 3
    for route in routes:
        assert route.get("transitGatewayId") == TGW
        assert attachment.urn in route.dependencies
    text = graph.outputs["api_access"]
    assert "NOT reachable" not in text and f"routed through transit gateway {TGW}" in text


@pytest.mark.parametrize(
    "change, field, fix",
    [
        (_without_transit_gateway, "cluster.authorized_networks[0]", "aws.runner_transit_gateway_id"),
        (_without_networks, "cluster.authorized_networks", "cluster.endpoint: public"),
    ],
    ids=["runner-outside-the-vpc-unrouted", "no-runner-network"],
)
def test_aws_prod_with_an_unreachable_private_endpoint_is_refused(
    tmp_path: Path, change, field: str, fix: str
) -> None:
    stack_dir = _aws_prod_variant(tmp_path, change)
    result = CliRunner().invoke(app, ["plan", str(stack_dir), "--stack", "variant"])
    assert result.exit_code == 2, result.output
    assert f"{field}:" in result.output and fix in result.output
    assert "Traceback" not in result.output
    from lepton_infra.plan import plan_stack

    with pytest.raises(SpecError) as err:
        plan_stack(stack_dir, "variant")
    assert field in err.value.paths
    recorded = err.value.recorded_resources  # type: ignore[attr-defined]
    assert [r.type for r in recorded if r.type != STACK_TYPE] == []


def test_a_runner_inside_the_vpc_needs_no_route(plan_program) -> None:
    data = _private()
    data["cluster"]["authorized_networks"] = ["10.40.200.0/24"]
    graph = _plan(plan_program, data)
    assert "NOT reachable" not in graph.outputs["api_access"]
    assert graph.of_type("aws:ec2transitgateway/vpcAttachment:VpcAttachment") == []
