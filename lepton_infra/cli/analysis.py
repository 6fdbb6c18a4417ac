"""Fill a plan report's analysis sections (cost, deploy, kubernetes, cold_start, deployer, policy).

Kept out of `plan/`, which knows nothing of lepton's own rules and prices. The rich renderers are
attached as `__render__` callables, which the JSON writer leaves out.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from lepton_infra.cli.version_report import SECTION, kubernetes_section
from lepton_infra.coldstart.section import SECTION as COLD_START
from lepton_infra.coldstart.section import cold_start_section
from lepton_infra.cost import estimate_cost
from lepton_infra.cost.render import render_cost
from lepton_infra.deploy import estimate_deploy
from lepton_infra.deploy.render import render_deploy
from lepton_infra.deployer.section import SECTION as DEPLOYER
from lepton_infra.deployer.section import deployer_section
from lepton_infra.plan.report import Report

OUTCOME_KEY = "__outcome__"  # the full policy outcome, for SARIF/JUnit writers (not part of the JSON)


def fill(report: Report, *, policy_config: Any = None) -> None:
    """Cost and deploy first; policy last, since its budget rule reads `report.cost["monthly_usd_max"]`.
    `policy_config` is a config document (see `lepton_infra.policy.config`); None reads `lepton:policy`
    from the stack's config."""
    cost = estimate_cost(report.graph).to_json()
    report.cost = {**cost, "__render__": partial(render_cost, cost)}
    deploy = estimate_deploy(report.graph).to_json(report.graph)
    report.deploy = {**deploy, "__render__": partial(render_deploy, deploy)}
    kubernetes = kubernetes_section(report.graph)
    if kubernetes is not None:
        report.sections[SECTION] = kubernetes
    cold_start = cold_start_section(report.graph)
    if cold_start is not None:
        report.sections[COLD_START] = cold_start
    deployer = deployer_section(report.graph, report.cloud)
    if deployer is not None:
        report.sections[DEPLOYER] = deployer
    fill_policy(report, policy_config)


def fill_policy(report: Report, policy_config: Any = None) -> None:
    from lepton_infra.policy.evaluate import evaluate_graph
    from lepton_infra.policy.reporting import section

    cost_max = report.cost.get("monthly_usd_max")
    outcome = evaluate_graph(
        report.graph,
        policy_config,
        monthly_usd_max=float(cost_max) if isinstance(cost_max, int | float) else None,
    )
    report.policy = {**section(outcome), OUTCOME_KEY: outcome}
