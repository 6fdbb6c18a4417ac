"""Fill a plan report's analysis sections (policy, cost, deploy).

Kept out of `plan/`, which knows nothing of lepton's own rules and prices. The rich renderers are
attached as `__render__` callables, which the JSON writer leaves out.
"""

from __future__ import annotations

from functools import partial

from lepton_infra.cost import estimate_cost
from lepton_infra.cost.render import render_cost
from lepton_infra.deploy import estimate_deploy
from lepton_infra.deploy.render import render_deploy
from lepton_infra.plan.report import Report


def fill(report: Report) -> None:
    cost = estimate_cost(report.graph).to_json()
    report.cost = {**cost, "__render__": partial(render_cost, cost)}
    deploy = estimate_deploy(report.graph).to_json(report.graph)
    report.deploy = {**deploy, "__render__": partial(render_deploy, deploy)}
