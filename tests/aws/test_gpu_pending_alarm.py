"""The CloudWatch alarm for starved GPU work fires on pending pods that request GPUs, and only on them: a CPU
pod pending while the GPU pools sit at zero is not a GPU problem, and an H100 job starving beside an idle L4
node is one. Every metric an alarm reads is one Container Insights really publishes, by that dimension set
(lepton_infra/aws/insights_metrics.py, from the CloudWatch agent's and its receiver's source)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.aws.insights_metrics import INSIGHTS_METRICS
from lepton_infra.plan.record import PlannedGraph, RecordedResource

AWS_STACKS = ["aws-dev", "aws-prod"]
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"


def _alarm(graph: PlannedGraph, suffix: str) -> RecordedResource:
    (alarm,) = [a for a in graph.of_type(ALARM) if str(a.get("name")).endswith(suffix)]
    return alarm


def _evaluate(expression: str, values: dict[str, float | None]) -> float:
    """The CloudWatch metric-math subset the alarms use (FILL, IF, AND, OR, comparisons, + and -), one
    datapoint; a metric with no datapoint is None, as CloudWatch gives FILL nothing to read."""
    python = re.sub(r"\bAND\b", " and ", re.sub(r"\bOR\b", " or ", expression))
    functions = {
        "FILL": lambda value, default: default if value is None else value,
        "IF": lambda cond, yes, no: yes if cond else no,
    }
    return float(eval(python, {"__builtins__": {}}, {**functions, **values}))


def _fires(alarm: RecordedResource, metrics: dict[str, float | None]) -> bool:
    """Whether one datapoint of the alarm's expression breaches, given what Container Insights reports per
    metric name in the scenario."""
    queries = alarm.get("metricQueries")
    values = {q["id"]: metrics.get(q["metric"]["metricName"]) for q in queries if q.get("metric")}
    (expression,) = [q["expression"] for q in queries if q.get("returnData")]
    value = _evaluate(expression, values)
    threshold = float(alarm.get("threshold"))
    return {
        "GreaterThanThreshold": value > threshold,
        "GreaterThanOrEqualToThreshold": value >= threshold,
    }[alarm.get("comparisonOperator")]


# What Container Insights reports in each scenario, per metric (5-minute sums; None: no datapoint).
CPU_POD_PENDING_GPU_POOLS_AT_ZERO = {
    "pod_status_pending": 1,
    "node_gpu_limit": None,
    "node_gpu_reserved_capacity": None,
    "pod_gpu_request": None,  # no pod asks for a GPU
    "pod_gpu_usage_total": None,
}
H100_JOB_PENDING_BESIDE_AN_IDLE_L4_NODE = {
    "pod_status_pending": 1,
    "node_gpu_limit": 1,  # the L4 node's one GPU
    "node_gpu_reserved_capacity": 0,
    "pod_gpu_request": 8,  # the job's pod asks for 8 GPUs
    "pod_gpu_usage_total": 0,  # it is not running
}
EVERY_GPU_POD_RUNNING = {
    "pod_status_pending": 0,
    "node_gpu_limit": 9,
    "node_gpu_reserved_capacity": 100,
    "pod_gpu_request": 9,
    "pod_gpu_usage_total": 9,
}


@pytest.mark.parametrize("stack", AWS_STACKS)
def test_the_alarm_fires_on_pending_gpu_pods_and_only_on_them(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    alarm = _alarm(plan_stack(platform_dir, stack), "-gpu-pods-pending")
    assert _fires(alarm, H100_JOB_PENDING_BESIDE_AN_IDLE_L4_NODE)
    assert not _fires(alarm, CPU_POD_PENDING_GPU_POOLS_AT_ZERO)
    assert not _fires(alarm, EVERY_GPU_POD_RUNNING)
    # Pending for 15 minutes: three 5-minute periods in a row.
    assert (alarm.get("evaluationPeriods"), alarm.get("datapointsToAlarm")) == (3, 3)


@pytest.mark.parametrize("stack", AWS_STACKS)
def test_every_alarm_reads_a_metric_container_insights_publishes(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    graph = plan_stack(platform_dir, stack)
    read = []
    for alarm in graph.of_type(ALARM):
        if alarm.get("namespace") == "ContainerInsights":
            read.append((alarm.get("metricName"), tuple(sorted(alarm.get("dimensions")))))
        for query in alarm.get("metricQueries") or []:
            metric = query.get("metric")
            if metric and metric.get("namespace") == "ContainerInsights":
                read.append((metric["metricName"], tuple(sorted(metric["dimensions"]))))
    assert read, "no Container Insights alarm"
    for name, dimensions in read:
        assert name in INSIGHTS_METRICS, name
        assert dimensions in {tuple(sorted(d)) for d in INSIGHTS_METRICS[name]}, (name, dimensions)
