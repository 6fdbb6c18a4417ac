"""The AWS budget filters on the `deployment` cost allocation tag, which AWS Budgets counts only once the
payer (management) account has activated it, and a key can be activated only once it is in billing data
(up to 24 hours after the first tagged resource; AWS Billing user guide, read 2026-12-07). The shipped
stacks do not activate it (a member account cannot), so their plans say so in the `budget_tracking`
output, in the JSON report, instead of leaving a budget that silently measures $0."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lepton_infra.plan.report import Report
from tests.aws.test_deploy_readiness import _plan, spec_with

ACTIVATION = "aws:costexplorer/costAllocationTag:CostAllocationTag"


@pytest.mark.parametrize("stack, value", [("aws-dev", "acme-ai-dev"), ("aws-prod", "acme-ai-prod")])
def test_a_budget_on_an_inactive_tag_says_so_in_the_plan(
    plan_stack, platform_dir: Path, stack: str, value: str
) -> None:
    graph = plan_stack(platform_dir, stack)
    (budget,) = graph.of_type("aws:budgets/budget:Budget")
    assert json.loads(json.dumps(budget.get("costFilters"))) == [
        {"name": "TagKeyValue", "values": [f"user:deployment${value}"]}
    ]
    assert graph.of_type(ACTIVATION) == []
    text = Report(graph=graph, cloud="aws").to_json()["outputs"]["budget_tracking"]
    for said in (
        f"deployment={value}",
        "measures $0",
        "management (payer) account",
        "member account cannot",
        "24 hours",
        "TagKey=deployment,Status=Active",
        "aws.activate_cost_allocation_tag",
    ):
        assert said in text, (said, text)


def test_an_activated_tag_is_created_and_said(plan_program) -> None:
    graph = _plan(plan_program, spec_with(aws__activate_cost_allocation_tag=True))
    (tag,) = graph.of_type(ACTIVATION)
    assert (tag.get("tagKey"), tag.get("status")) == ("deployment", "Active")
    assert "this stack activates `deployment`" in graph.outputs["budget_tracking"]


def test_no_budget_no_budget_output(plan_program) -> None:
    data = spec_with()
    del data["budget"]
    assert "budget_tracking" not in _plan(plan_program, data).outputs
