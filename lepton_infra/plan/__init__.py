"""The offline plan engine: run any Pulumi program under mocks, record its resource graph, report."""

from lepton_infra.plan.engine import PlanFailed, plan_program, plan_stack
from lepton_infra.plan.record import SECRET, PlannedGraph, RecordedResource

__all__ = ["SECRET", "PlanFailed", "PlannedGraph", "RecordedResource", "plan_program", "plan_stack"]
