"""Per rule: a compliant fixture, and one test per way to violate it (one field changed), through the
CrossGuard adapter (pulumi_policy's own argument classes) and through the offline runner."""

from __future__ import annotations

import pytest

from lepton_infra.policy.rules import all_rules
from tests.policies import cases_aws, cases_azure, cases_gcp, cases_hardening, cases_k8s, cases_traffic
from tests.policies.harness import RUNNERS, Case

CASES: list[Case] = [
    *cases_aws.cases(),
    *cases_gcp.cases(),
    *cases_azure.cases(),
    *cases_k8s.cases(),
    *cases_hardening.cases(),
    *cases_traffic.cases(),
]
# Tested on its own (tests/policies/test_offline.py): it needs the cost model's number.
NEEDS_COST = {"lepton-cost-within-budget"}

COMPLIANT = [
    pytest.param(case, runner, id=f"{case.rule}-{i}-{runner}")
    for i, case in enumerate(CASES)
    for runner in RUNNERS
]
VIOLATIONS = [
    pytest.param(case, why, runner, id=f"{case.rule}-{why}-{runner}")
    for case in CASES
    for why in case.violations
    for runner in RUNNERS
]


def test_every_rule_has_a_compliant_fixture_and_a_violation() -> None:
    covered = {c.rule for c in CASES if c.violations}
    missing = {r.id for r in all_rules()} - covered - NEEDS_COST
    assert not missing, f"rules without test cases: {sorted(missing)}"


@pytest.mark.parametrize(("case", "runner"), COMPLIANT)
def test_compliant(case: Case, runner: str) -> None:
    assert RUNNERS[runner](case) == []


@pytest.mark.parametrize(("case", "why", "runner"), VIOLATIONS)
def test_noncompliant(case: Case, why: str, runner: str) -> None:
    found = RUNNERS[runner](case.changed(why))
    assert found, f"{case.rule} did not catch {why}"


@pytest.mark.parametrize(
    ("case", "why"), [pytest.param(c, w, id=f"{c.rule}-{w}") for c in CASES for w in c.violations]
)
def test_both_runners_report_the_same(case: Case, why: str) -> None:
    changed = case.changed(why)
    assert sorted(RUNNERS["pack"](changed)) == sorted(RUNNERS["offline"](changed))
