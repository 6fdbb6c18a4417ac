"""The plan engine: it records what the engine would see, and the mock pitfalls are closed."""

from __future__ import annotations

import io
import json

import pulumi
import pulumi_aws as aws
import pytest
from rich.console import Console

from lepton_infra.plan import SECRET, PlanFailed, plan_program
from lepton_infra.plan.mocks import UnmockedInvoke
from lepton_infra.plan.record import STACK_TYPE
from lepton_infra.plan.report import Report, render_text


class Box(pulumi.ComponentResource):
    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("test:index:Box", name, None, opts)
        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc", cidr_block="10.0.0.0/16", opts=pulumi.ResourceOptions(parent=self)
        )
        self.sg = aws.ec2.SecurityGroup(
            f"{name}-sg", vpc_id=self.vpc.id, opts=pulumi.ResourceOptions(parent=self, protect=True)
        )
        self.register_outputs({})


def program() -> None:
    box = Box("box")
    log = aws.cloudwatch.LogGroup("logs", retention_in_days=7, opts=pulumi.ResourceOptions(depends_on=[box]))
    aws.ssm.Parameter("password", type="SecureString", value=pulumi.Output.secret("hunter2"))
    pulumi.export("vpc_id", box.vpc.id)
    pulumi.export("log_arn", log.arn)
    pulumi.export("password", pulumi.Output.secret("hunter2"))


@pytest.fixture(scope="module")
def graph():
    return plan_program(program, {"aws:region": "eu-west-1"})


def test_records_every_resource_with_type_name_and_custom(graph) -> None:
    kinds = {(r.type, r.name, r.custom) for r in graph}
    assert (STACK_TYPE, "lepton-test-test", False) in kinds
    assert ("test:index:Box", "box", False) in kinds
    assert ("aws:ec2/vpc:Vpc", "box-vpc", True) in kinds
    assert len(graph.managed) == 5


def test_records_parents(graph) -> None:
    box = graph.one("test:index:Box")
    assert graph.one("aws:ec2/vpc:Vpc").parent == box.urn
    assert {r.name for r in graph.children(box.urn)} == {"box-vpc", "box-sg"}


def test_records_dependencies_from_outputs_and_depends_on(graph) -> None:
    vpc, sg = graph.one("aws:ec2/vpc:Vpc"), graph.one("aws:ec2/securityGroup:SecurityGroup")
    assert vpc.urn in sg.dependencies
    assert sg.property_dependencies["vpcId"] == [vpc.urn]
    logs = graph.one("aws:cloudwatch/logGroup:LogGroup")
    # depends_on a component means depending on its children, as the engine receives it
    assert {vpc.urn, sg.urn} <= set(logs.dependencies)


def test_waits_for_follows_dependencies_transitively(graph) -> None:
    vpc, sg = graph.one("aws:ec2/vpc:Vpc"), graph.one("aws:ec2/securityGroup:SecurityGroup")
    assert graph.waits_for(vpc) == set()
    assert graph.waits_for(sg) == {vpc.urn}
    assert {vpc.urn, sg.urn} <= graph.waits_for(graph.one("aws:cloudwatch/logGroup:LogGroup"))


def test_records_inputs_as_the_engine_receives_them(graph) -> None:
    sg = graph.one("aws:ec2/securityGroup:SecurityGroup")
    assert sg.inputs["vpcId"].startswith("vpc-")  # the mock's plausible id flowed through the Output
    assert graph.one("aws:cloudwatch/logGroup:LogGroup").get("retentionInDays") == 7
    assert sg.protect is True and graph.one("aws:ec2/vpc:Vpc").protect is False


def test_mock_outputs_are_plausible(graph) -> None:
    assert graph.outputs["vpc_id"].startswith("vpc-")
    assert graph.outputs["log_arn"].startswith("arn:aws:logs:eu-west-1:123456789012:log-group:")


def test_secrets_are_redacted_in_inputs_outputs_json_and_text(graph) -> None:
    assert graph.one("aws:ssm/parameter:Parameter").inputs["value"] == SECRET
    assert graph.outputs["password"] == SECRET
    report = Report(graph=graph, cloud="aws")
    assert "hunter2" not in json.dumps(report.to_json())
    buffer = io.StringIO()
    render_text(report, Console(file=buffer, width=200))
    assert "hunter2" not in buffer.getvalue() and "box-vpc" in buffer.getvalue()


def test_an_exception_inside_an_apply_fails_the_plan() -> None:
    def broken() -> None:
        vpc = aws.ec2.Vpc("v", cidr_block="10.0.0.0/16")
        vpc.id.apply(lambda _: 1 / 0)

    with pytest.raises(PlanFailed, match="ZeroDivisionError"):
        plan_program(broken)


def test_an_exception_in_a_nested_apply_chain_fails_the_plan() -> None:
    def broken() -> None:
        vpc = aws.ec2.Vpc("v", cidr_block="10.0.0.0/16")
        aws.ec2.SecurityGroup("sg", vpc_id=vpc.id.apply(lambda i: i.upper()).apply(lambda _: [][1]))

    with pytest.raises(PlanFailed, match="IndexError"):
        plan_program(broken)


def test_an_unmocked_invoke_fails_instead_of_returning_nothing() -> None:
    def uses_unknown_data_source() -> None:
        aws.ec2.get_vpc(default=True)

    with pytest.raises(PlanFailed, match=UnmockedInvoke.__name__ + "|no offline answer"):
        plan_program(uses_unknown_data_source)


def test_disabled_default_providers_are_enforced() -> None:
    def no_provider() -> None:
        aws.ec2.Vpc("v", cidr_block="10.0.0.0/16")

    with pytest.raises(PlanFailed, match="default provider for 'aws' disabled"):
        plan_program(no_provider, {"pulumi:disable-default-providers": ["*"]})

    def explicit() -> None:
        provider = aws.Provider("p", region="us-east-1")
        aws.ec2.Vpc("v", cidr_block="10.0.0.0/16", opts=pulumi.ResourceOptions(provider=provider))

    graph = plan_program(explicit, {"pulumi:disable-default-providers": ["*"]})
    assert graph.one("aws:ec2/vpc:Vpc").provider == graph.one("pulumi:providers:aws").urn


def test_runs_are_isolated() -> None:
    first = plan_program(lambda: aws.ec2.Vpc("only-here", cidr_block="10.0.0.0/16"), stack="one")
    second = plan_program(lambda: None, stack="two")
    assert [r.name for r in first.managed] == ["only-here"]
    assert second.managed == []
    assert second.resources[0].urn.startswith("urn:pulumi:two::")
