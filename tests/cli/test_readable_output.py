"""What the report prints: values never read as markup, names never broken at 80 columns, validate names
each violated rule and resource, and a rule that raises is a violation of that rule in both runners."""

from __future__ import annotations

import dataclasses
import io
import re

import pulumi
import pulumi_aws as aws
import pytest
from pulumi_policy import PolicyResourceOptions, ResourceValidationArgs
from pulumi_policy.policy import PolicyCustomTimeouts
from rich.console import Console
from typer.testing import CliRunner

from lepton_infra.cli import commands as cli
from lepton_infra.plan import plan_program
from lepton_infra.plan.report import Report, render_text
from lepton_infra.plan.testing import cached_stack_plan
from lepton_infra.policy import registry
from lepton_infra.policy.evaluate import evaluate_graph
from lepton_infra.policy.pack import to_policy
from lepton_infra.policy.rules import get_rule
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS


def _text(report: Report, width: int) -> str:
    buffer = io.StringIO()
    render_text(report, Console(file=buffer, width=width, color_system=None))
    return buffer.getvalue()


def _markup_outputs() -> None:
    pulumi.export("kubeconfig", pulumi.Output.secret("apiVersion: v1"))
    pulumi.export("closing", "value with [/] inside")
    pulumi.export("styled", "[bold red]not a style[/bold red]")


def test_output_values_are_printed_as_data_not_markup() -> None:
    report = Report(graph=plan_program(_markup_outputs), cloud=None)
    text = _text(report, 120)  # an output with `[/]` used to raise rich's MarkupError here
    assert "kubeconfig: [secret]" in text
    assert "closing: value with [/] inside" in text
    assert "[bold red]not a style[/bold red]" in text


def _insecure_plan():
    from tests.policies.insecure_program import insecure_program

    return plan_program(insecure_program, {"aws:region": "us-east-1", "gcp:project": "acme-dev"})


@pytest.mark.parametrize("stack", [*SHIPPED_STACKS, "insecure-program"])
def test_every_name_reads_whole_at_80_columns(stack: str) -> None:
    graph = _insecure_plan() if stack == "insecure-program" else cached_stack_plan(PLATFORM_STACK_DIR, stack)
    report = cli.build_report(graph)
    text = _text(report, 80)
    if stack == "insecure-program":
        assert "Policy violations" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    words = set(re.findall(r"\S+", text))
    names = {r.type for r in report.graph.managed} | {r.name for r in report.graph.managed}
    names |= {v["policy"] for v in report.policy["violations"]}
    broken = sorted(n for n in names if len(n) < 60 and n not in words)
    assert not broken, f"broken across lines at 80 columns: {broken[:10]}"


def _unrotated_key() -> None:
    aws.kms.Key("orphan-key", description="no rotation")


def test_validate_names_each_violated_rule_and_resource(tmp_path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: insecure\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text("import pulumi_aws as aws\n\naws.kms.Key('orphan-key')\n")
    result = CliRunner().invoke(cli.app, ["validate", str(tmp_path), "--stack", "dev"])
    assert result.exit_code == 1, result.output
    assert "lepton-aws-kms-key-rotation on orphan-key" in result.output


RULE = "lepton-aws-kms-key-rotation"


def _boom(_view: object) -> list[str]:
    raise ValueError("cannot read keyRotationEnabled")


def test_a_rule_that_raises_is_a_violation_of_that_rule_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    rule = get_rule(RULE)
    monkeypatch.setitem(registry._REGISTERED, RULE, dataclasses.replace(rule, check=_boom))
    outcome = evaluate_graph(plan_program(_unrotated_key, {"aws:region": "us-east-1"}), {})
    messages = [v.message for v in outcome.by_policy(RULE)]
    assert messages == [f"rule {RULE} failed on orphan-key: ValueError: cannot read keyRotationEnabled"]
    assert outcome.rules and len({v.policy for v in outcome.violations}) >= 1  # the others still ran


def test_a_rule_that_raises_is_a_violation_of_that_rule_in_the_pack() -> None:
    rule = dataclasses.replace(get_rule(RULE), check=_boom)
    policy = to_policy(rule)
    opts = PolicyResourceOptions(False, [], False, [], PolicyCustomTimeouts(0, 0, 0), [], None)
    args = ResourceValidationArgs(
        "aws:kms/key:Key", {}, "urn:pulumi:s::p::aws:kms/key:Key::orphan-key", "orphan-key", opts, None, {}
    )
    reported: list[str] = []
    policy.validate(args, lambda message, _urn=None: reported.append(message))  # type: ignore[attr-defined]
    assert reported == [f"rule {RULE} failed on orphan-key: ValueError: cannot read keyRotationEnabled"]
