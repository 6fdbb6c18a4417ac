"""The GCP alert policies' conditions against Google's own descriptors of the metrics they read (issue 24:
`kubernetes.io/node/status_condition`'s value type was unverified). A BOOL gauge takes only the
count/fraction-true aligners (a numeric aligner is refused when the policy is created, and ALIGN_COUNT_TRUE
on a number too); a label the metric lacks, or a status value it never reports, matches nothing and the
alert never fires.

Expected facts written out from Cloud Monitoring's Kubernetes metrics list
(cloud.google.com/monitoring/api/metrics_kubernetes, copy generated 2025-03-06, read 2026-12-07)."""

from __future__ import annotations

import re

import pytest

from lepton_infra.gcp.monitoring import GKE_METRICS, MetricDescriptor
from tests.conftest import PLATFORM_STACK_DIR

POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
# metric type -> (kind, value type, metric labels, monitored resource)
DESCRIPTORS = {
    "kubernetes.io/node/status_condition": ("GAUGE", "BOOL", {"condition", "status"}, "k8s_node"),
    "kubernetes.io/node/accelerator/duty_cycle": (
        "GAUGE",
        "DOUBLE",
        {"make", "accelerator_id", "model"},
        "k8s_node",
    ),
}
# Monitoring API Aligner: which value types each aligner the policies use accepts.
ALIGNER_TAKES = {
    "ALIGN_COUNT_TRUE": {"BOOL"},
    "ALIGN_FRACTION_TRUE": {"BOOL"},
    "ALIGN_MEAN": {"INT64", "DOUBLE", "DISTRIBUTION"},
}
NODE_CONDITION_STATUSES = {"True", "False", "Unknown"}


def _clauses(filter_: str) -> list[tuple[str, str, str]]:
    return re.findall(r'([a-z_.]+) (=|!=) "([^"]*)"', filter_)


@pytest.mark.parametrize("stack", ["gcp-dev", "gcp-prod"])
def test_metric_threshold_conditions_suit_the_metrics_they_read(stack: str, plan_stack) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    seen = set()
    for policy in graph.of_type(POLICY):
        for condition in policy.inputs["conditions"]:
            threshold = condition.get("conditionThreshold")
            if threshold is None:
                continue  # PromQL conditions: checked against the exporters' table in tests/journeys/
            clauses = _clauses(threshold["filter"])
            metric = next(v for k, _, v in clauses if k == "metric.type")
            kind, value_type, labels, resource = DESCRIPTORS[metric]
            seen.add(metric)
            assert ("resource.type", "=", resource) in clauses
            for key, _, value in clauses:
                if key.startswith("metric.labels."):
                    assert key.removeprefix("metric.labels.") in labels, (policy.name, key)
                    if metric.endswith("status_condition") and key.endswith(".status"):
                        assert value in NODE_CONDITION_STATUSES
            for aggregation in threshold["aggregations"]:
                assert value_type in ALIGNER_TAKES[aggregation["perSeriesAligner"]], policy.name
            assert kind == "GAUGE"
    assert seen == set(DESCRIPTORS)


def test_node_not_ready_counts_true_points_of_a_not_true_ready_condition(plan_stack) -> None:
    """Ready=False or Unknown reported true for 10 minutes, per node series (no cross-series reducer)."""
    graph = plan_stack(PLATFORM_STACK_DIR, "gcp-prod")
    policy = graph.one(POLICY, "acme-ai-monitoring-node-not-ready")
    threshold = policy.get("conditions.0.conditionThreshold")
    clauses = _clauses(threshold["filter"])
    assert ("metric.labels.condition", "=", "Ready") in clauses
    assert ("metric.labels.status", "!=", "True") in clauses
    assert threshold["aggregations"] == [{"perSeriesAligner": "ALIGN_COUNT_TRUE", "alignmentPeriod": "300s"}]
    assert (threshold["comparison"], threshold["thresholdValue"], threshold["duration"]) == (
        "COMPARISON_GT",
        0,
        "600s",
    )


def test_the_code_table_says_the_same() -> None:
    assert {
        metric: (d.kind, d.value_type, set(d.labels), d.resource) for metric, d in GKE_METRICS.items()
    } == DESCRIPTORS
    assert isinstance(GKE_METRICS["kubernetes.io/node/status_condition"], MetricDescriptor)
