"""Fill a plan report's analysis sections (policy, cost, deploy) from the analyses that exist.

Kept out of `plan/`, which knows nothing of lepton's own rules and prices.
"""

from __future__ import annotations

from typing import Any

from lepton_infra.plan.report import Report

OUTCOME_KEY = "__outcome__"  # the full policy outcome, for SARIF/JUnit writers (not part of the JSON)


def fill(report: Report, *, policy_config: Any = None) -> None:
    """Each analysis module, when present, exposes `section(report) -> dict`.

    Policy runs last: its budget rule reads `report.cost["monthly_usd_max"]`. `policy_config` is a config
    document (see `lepton_infra.policy.config`); None reads `lepton:policy` from the stack's config.
    """
    fill_policy(report, policy_config)


def fill_policy(report: Report, policy_config: Any = None) -> None:
    from lepton_infra.policy.evaluate import evaluate_graph
    from lepton_infra.policy.reporting import section

    cost_max = report.cost.get("monthly_usd_max")
    outcome = evaluate_graph(report.graph, policy_config,
                             monthly_usd_max=float(cost_max) if isinstance(cost_max, int | float) else None)
    report.policy = {**section(outcome), OUTCOME_KEY: outcome}
