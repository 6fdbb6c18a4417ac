"""Pack config (enforcement, waivers with reasons), environment and budget inputs, unknown values during
preview, and the report outputs (JSON section, text table, SARIF, JUnit)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE
from rich.console import Console

from lepton_infra.cli.analysis import OUTCOME_KEY, fill
from lepton_infra.core.errors import SpecError
from lepton_infra.plan.report import Report
from lepton_infra.policy.evaluate import evaluate_graph
from lepton_infra.policy.reporting import to_junit, to_sarif
from tests.conftest import shipped_spec
from tests.policies.cases_aws import EKS, KEY_ARN
from tests.policies.harness import Case, Res, graph_of, run_offline, run_pack

TAGS = {"environment": "dev", "team": "ml", "cost-center": "1"}
OPEN_SG = Res(
    "aws:ec2/securityGroup:SecurityGroup",
    "public-alb",
    {
        "tags": TAGS,
        "ingress": [{"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["0.0.0.0/0"]}],
    },
)
RULE = "lepton-aws-no-world-ingress"
WAIVER = {"resource": "public-alb", "reason": "bastion for the migration, SEC-142, until 2027-01"}


def _outcome(config: object, resources: list[Res] | None = None, spec: dict | None = None):
    graph = graph_of(resources or [OPEN_SG], {"lepton:platform": spec} if spec else None)
    return evaluate_graph(graph, config)


def test_default_is_mandatory() -> None:
    assert [v.enforcement for v in _outcome(None).violations] == ["mandatory"]


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({RULE: "advisory"}, "advisory"),
        ({RULE: {"enforcementLevel": "advisory"}}, "advisory"),
        ({"all": "advisory"}, "advisory"),
        ({"all": "advisory", RULE: "mandatory"}, "mandatory"),
    ],
)
def test_config_changes_enforcement(config: dict, expected: str) -> None:
    assert [v.enforcement for v in _outcome(config).violations] == [expected]


def test_disabled_rule_is_not_evaluated() -> None:
    outcome = _outcome({RULE: "disabled"})
    assert outcome.violations == [] and outcome.tally[RULE].checked == 0


def test_waiver_moves_the_finding_with_its_reason() -> None:
    outcome = _outcome({RULE: {"waivers": [WAIVER]}})
    assert outcome.violations == []
    assert [(w.policy, w.reason) for w in outcome.waived] == [(RULE, WAIVER["reason"])]


def test_waiver_by_pattern_and_only_for_its_resource() -> None:
    other = Res(OPEN_SG.type, "workers", OPEN_SG.props)
    outcome = _outcome({RULE: {"waivers": [{"resource": "public-*", "reason": "r"}]}}, [OPEN_SG, other])
    assert [v.urn for v in outcome.violations] == [other.urn]
    assert len(outcome.waived) == 1


def test_pack_honours_the_same_waiver() -> None:
    case = Case(RULE, [OPEN_SG], {}, config={RULE: {"waivers": [WAIVER]}})
    assert run_pack(case) == [] and run_offline(case) == []
    assert run_pack(Case(RULE, [OPEN_SG], {})) != []


@pytest.mark.parametrize(
    ("config", "path"),
    [
        ({RULE: {"waivers": [{"resource": "public-alb"}]}}, f"lepton:policy.{RULE}.waivers[0].reason"),
        (
            {RULE: {"waivers": [{"resource": "public-alb", "reason": "  "}]}},
            f"lepton:policy.{RULE}.waivers[0].reason",
        ),
        ({RULE: {"waivers": [{"reason": "x"}]}}, f"lepton:policy.{RULE}.waivers[0].resource"),
        ({"lepton-no-such-rule": "advisory"}, "lepton:policy.lepton-no-such-rule"),
        ({RULE: "sometimes"}, f"lepton:policy.{RULE}"),
    ],
)
def test_bad_config_is_a_spec_error(config: dict, path: str) -> None:
    with pytest.raises(SpecError) as err:
        _outcome(config)
    assert path in err.value.paths


def test_config_from_stack_config_lepton_policy() -> None:
    graph = graph_of([OPEN_SG], {"lepton:policy": {RULE: "advisory"}})
    assert [v.enforcement for v in evaluate_graph(graph).violations] == ["advisory"]


def test_environment_from_the_spec() -> None:
    unprotected = Res("aws:kms/key:Key", "key", {"enableKeyRotation": True, "tags": TAGS})
    prod = _outcome(None, [unprotected], spec=shipped_spec("aws-prod"))
    dev = _outcome(None, [unprotected], spec=shipped_spec("aws-dev"))
    assert [v.policy for v in prod.violations] == ["lepton-stateful-protected-in-prod"]
    assert dev.violations == []


def test_a_config_no_platform_could_be_built_from_is_not_read() -> None:
    """The offline runner reads `lepton:platform` as the typed spec the program validated: a mapping that is
    not one (here an environment alone) says nothing, and the environment comes from the tags (dev)."""
    unprotected = Res("aws:kms/key:Key", "key", {"enableKeyRotation": True, "tags": TAGS})
    assert _outcome(None, [unprotected], spec={"environment": "prod"}).violations == []


def test_default_provider_tags_from_stack_config() -> None:
    """Resources without an explicit provider get the default provider's `aws:defaultTags`."""
    vpc = Res("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.0.0.0/16"})
    tags = {"tags": {"environment": "dev", "team": "ml", "cost-center": "1"}}
    tagged = evaluate_graph(graph_of([vpc], {"aws:defaultTags": tags}))
    untagged = evaluate_graph(graph_of([vpc]))
    assert tagged.by_policy("lepton-aws-required-tags") == []
    assert len(untagged.by_policy("lepton-aws-required-tags")) == 1


@pytest.mark.parametrize(
    ("cost", "budget", "violations"),
    [(60000.0, 50000, 1), (40000.0, 50000, 0), (None, 50000, 0), (60000.0, None, 0)],
)
def test_budget_rule_compares_max_cost_with_the_spec(
    cost: float | None, budget: int | None, violations: int
) -> None:
    spec = shipped_spec("aws-dev")
    spec["budget"] = {"monthly_usd": budget} if budget else None
    graph = graph_of([], {"lepton:platform": spec})
    found = evaluate_graph(graph, monthly_usd_max=cost).by_policy("lepton-cost-within-budget")
    assert len(found) == violations
    assert all(v.enforcement == "advisory" for v in found)


def test_unknown_values_during_preview_count_as_set() -> None:
    """In `pulumi preview` a key created in the same run is unknown: the rule must not fail on it."""
    eks = {
        **EKS,
        "encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": UNKNOWN_STRING_VALUE}},
    }
    case = Case("lepton-aws-eks-secrets-encryption", [Res("aws:eks/cluster:Cluster", "eks", eks)], {})
    assert run_pack(case) == []
    missing = {**EKS, "encryptionConfig": {"resources": ["secrets"], "provider": {}}}
    assert run_pack(Case(case.rule, [Res("aws:eks/cluster:Cluster", "eks", missing)], {})) != []


def _report(config: dict | None = None) -> Report:
    report = Report(
        graph=graph_of(
            [OPEN_SG, Res("aws:kms/key:Key", "key", {"enableKeyRotation": True, "tags": {"x": KEY_ARN}})]
        ),
        cloud="aws",
    )
    fill(report, policy_config=config)
    return report


def test_fill_sets_the_json_contract() -> None:
    section = _report().to_json()["policy"]
    assert section["status"] == "evaluated"
    assert {
        "policy": RULE,
        "severity": "critical",
        "enforcement": "mandatory",
        "urn": OPEN_SG.urn,
        "message": "ingress from the internet on tcp ports 22",
    } in section["violations"]
    assert all(
        set(v) == {"policy", "severity", "enforcement", "urn", "message"} for v in section["violations"]
    )
    assert not [k for k in section if k.startswith("__")]
    json.dumps(section)


def test_text_rendering_shows_violations_and_waivers() -> None:
    console = Console(record=True, width=200)
    report = _report({RULE: {"waivers": [WAIVER]}})
    report.policy["__render__"](console)
    text = console.export_text()
    assert "lepton-aws-required-tags" in text and "Waived" in text and WAIVER["reason"] in text


def test_sarif() -> None:
    outcome = _report({RULE: {"waivers": [WAIVER]}}).policy[OUTCOME_KEY]
    sarif = to_sarif(outcome, "stacks/platform/Pulumi.aws-dev.yaml")
    run = sarif["runs"][0]
    assert sarif["version"] == "2.1.0"
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert all(rule_ids[r["ruleIndex"]] == r["ruleId"] for r in run["results"])
    waived = [r for r in run["results"] if r["ruleId"] == RULE]
    assert waived[0]["suppressions"][0]["justification"] == WAIVER["reason"]
    errors = [r for r in run["results"] if r["level"] == "error"]
    assert errors and all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(".yaml") for r in errors
    )


def test_junit() -> None:
    suite = to_junit(_report().policy[OUTCOME_KEY], "policy test")
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert cases[RULE].find("failure") is not None
    assert cases["lepton-aws-kms-key-rotation"].find("failure") is None
    assert cases["lepton-gcp-gke-private-nodes"].find("skipped") is not None
    assert int(suite.get("failures", "0")) >= 2  # world ingress and the untagged resources
    ET.tostring(suite)


def test_cli_plan_exit_code_and_policy_report(tmp_path: Path) -> None:
    """An insecure stack directory: `plan` exits 1 and writes SARIF; advisory config makes it exit 0."""
    from typer.testing import CliRunner

    from lepton_infra.cli import app

    stack = tmp_path / "insecure"
    stack.mkdir()
    (stack / "Pulumi.yaml").write_text("name: insecure\nruntime: python\n")
    (stack / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (stack / "__main__.py").write_text(
        "import pulumi_aws as aws\naws.kms.Key('key', enable_key_rotation=False)\n"
    )
    sarif = tmp_path / "out.sarif"
    result = CliRunner().invoke(
        app, ["plan", str(stack), "--stack", "dev", "--policy-report", "sarif", str(sarif)]
    )
    assert result.exit_code == 1, result.output
    assert "lepton-aws-kms-key-rotation" in {
        r["ruleId"] for r in json.loads(sarif.read_text())["runs"][0]["results"]
    }
    config = tmp_path / "policy.yaml"
    config.write_text("all: advisory\n")
    relaxed = CliRunner().invoke(app, ["plan", str(stack), "--stack", "dev", "--policy-config", str(config)])
    assert relaxed.exit_code == 0, relaxed.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("lepton-aws-kms-key-rotation: {waivers: [{resource: key}]}\n")
    refused = CliRunner().invoke(app, ["plan", str(stack), "--stack", "dev", "--policy-config", str(bad)])
    assert refused.exit_code == 2
