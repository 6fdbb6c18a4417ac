"""Private endpoint on the first `up` (issue 22): a runner outside the VPC is admitted on 443, but the
endpoint's replies reach it only through a route in the VPC's private route tables. The plan says so
instead of calling the endpoint reachable, and `aws.runner_transit_gateway_id` adds the routes."""

from __future__ import annotations

from pathlib import Path

from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec import PlatformSpec
from tests.aws.test_deploy_readiness import spec_with

TGW = "tgw-0123456789abcdef0"
RUNNER = "10.0.8.0/24"


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


def test_aws_prod_does_not_call_an_unrouted_runner_network_reachable(plan_stack, platform_dir: Path) -> None:
    graph = plan_stack(platform_dir, "aws-prod")
    text = graph.outputs["api_access"]
    assert "NOT reachable from 10.0.8.0/24" in text and "aws.runner_transit_gateway_id" in text
    routes = [r for r in graph.of_type("aws:ec2/route:Route") if r.get("destinationCidrBlock") == RUNNER]
    assert routes == []


def test_the_transit_gateway_knob_routes_the_runner_back_from_every_private_route_table(plan_program) -> None:
    graph = _plan(plan_program, _private(runner_transit_gateway_id=TGW))
    attachment = graph.one("aws:ec2transitgateway/vpcAttachment:VpcAttachment")
    assert attachment.get("transitGatewayId") == TGW and len(attachment.get("subnetIds")) == 3
    private_tables = {r.urn for r in graph.of_type("aws:ec2/routeTable:RouteTable") if "-private-" in r.name}
    routes = [r for r in graph.of_type("aws:ec2/route:Route") if r.get("destinationCidrBlock") == RUNNER]
    assert len(routes) == len(private_tables) == 3
    for route in routes:
        assert route.get("transitGatewayId") == TGW
        assert attachment.urn in route.dependencies
    assert "NOT reachable" not in graph.outputs["api_access"]
    assert TGW in graph.outputs["api_access"]


def test_a_runner_inside_the_vpc_needs_no_route(plan_program) -> None:
    data = _private()
    data["cluster"]["authorized_networks"] = ["10.40.200.0/24"]
    graph = _plan(plan_program, data)
    assert "NOT reachable" not in graph.outputs["api_access"]
    assert graph.of_type("aws:ec2transitgateway/vpcAttachment:VpcAttachment") == []
