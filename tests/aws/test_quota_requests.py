"""Quota requests (`aws.request_quota_increases`) never ask for less than the applied quota and never fight a
granted one. The bridged provider's ServiceQuota (terraform-provider-aws service_quota.go with PR #43545)
fails a create below the applied value and, on update, files a new request for whatever the program says:
so the stack asks for max(need, applied) and replaces rather than updates, and a create asks only when the
applied quota is lower."""

from __future__ import annotations

from typing import Any

import pytest

from lepton_infra.aws.quota_requests import requested_value
from lepton_infra.plan.mocks.registry import INVOKE_RULES
from tests.aws.aws_plan_support import plan_spec
from tests.kubernetes.harness import raw_spec

LOOKUP = "aws:servicequotas/getServiceQuota:getServiceQuota"
# What Service Quotas has applied in the account the variant deploys to: P granted above the request
# (someone asked for more earlier), Standard exactly at the need, G and VT (spot and on-demand) never
# raised (default 0).
APPLIED = {"L-417A185B": 768.0, "L-1216C47A": 40.0, "L-3819A6DF": 0.0, "L-DB2E81BA": 0.0}


@pytest.fixture
def granted(monkeypatch: pytest.MonkeyPatch) -> None:
    default = INVOKE_RULES[LOOKUP]

    def applied(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        return {**default(args, ctx), "value": APPLIED[args["quotaCode"]]}

    monkeypatch.setitem(INVOKE_RULES, LOOKUP, applied)


@pytest.mark.usefixtures("granted")
def test_a_granted_higher_quota_is_kept_and_only_lower_ones_are_asked_for(plan_program) -> None:
    raw = raw_spec("aws-prod")
    raw["aws"] = {**raw["aws"], "request_quota_increases": True}
    graph = plan_spec(plan_program, raw)
    values = {
        r.get("quotaCode"): r.get("value")
        for r in graph.of_type("aws:servicequotas/serviceQuota:ServiceQuota")
    }
    # P: 2 × p5.48xlarge need 384, 768 granted: ask for 768 (equal to the applied value: nothing is filed).
    # Standard: 4 × m6i.xlarge + 6 node-update instances need 40, 40 applied: nothing filed.
    # G and VT spot: 16 × g6.xlarge (4 vCPUs); G and VT on-demand: 4 × g6.xlarge (the l4 pool).
    assert values == {"L-417A185B": 768.0, "L-1216C47A": 40.0, "L-3819A6DF": 76.0, "L-DB2E81BA": 16.0}
    # Each request read the applied quota first, through the platform's (regional) provider.
    lookups = [i for i in graph.invokes if i.token == LOOKUP]
    assert sorted(i.args["quotaCode"] for i in lookups) == sorted(APPLIED)
    # A later change of the value replaces (a create: asks only when lower) instead of updating (which would
    # file a request for any value, including one below what was granted).
    assert {
        tuple(r.replace_on_changes) for r in graph.of_type("aws:servicequotas/serviceQuota:ServiceQuota")
    } == {("value",)}


def test_the_value_asked_for_never_drops_below_the_applied_one() -> None:
    assert requested_value(384, 768.0) == 768.0
    assert requested_value(384, 0.0) == 384.0
    assert requested_value(384, None) == 384.0
