"""The job-queue Grafana dashboard, built as data so a test can read its queries: per ClusterQueue (per
tenant) the workloads pending and admitted, and GPUs in use, guaranteed and borrowed, from the metrics
Kueue v0.19.2 exports (pkg/metrics/metrics.go). Every selector drops `replica_role="follower"`: with two
controller replicas the follower may export the same gauges, and sums would count them twice."""

from __future__ import annotations

import json
from typing import Any

from lepton_infra.kubernetes.observability.grafana import dashboard, query_variable, timeseries_panel

QUEUE_DASHBOARD_UID = "lepton-job-queues"
LEADER = 'replica_role!="follower",cluster_queue=~"$queue"'
GPU = f'{LEADER},resource="nvidia.com/gpu"'


def _panel(pid: int, title: str, targets: list[tuple[str, str]], x: int, y: int) -> dict[str, Any]:
    return timeseries_panel(pid, title, targets, x, y, {"unit": "none", "min": 0})


def queue_dashboard() -> dict[str, Any]:
    usage = f"kueue_cluster_queue_resource_usage{{{GPU}}}"
    nominal = f"kueue_cluster_queue_nominal_quota{{{GPU}}}"
    panels = [
        _panel(
            1,
            "Workloads pending",
            [
                (
                    f"sum by (cluster_queue, status) (kueue_pending_workloads{{{LEADER}}})",
                    "{{cluster_queue}} {{status}}",
                )
            ],
            0,
            0,
        ),
        _panel(
            2,
            "Workloads admitted (running)",
            [(f"sum by (cluster_queue) (kueue_admitted_active_workloads{{{LEADER}}})", "{{cluster_queue}}")],
            12,
            0,
        ),
        _panel(
            3,
            "GPUs in use and guaranteed",
            [
                (f"sum by (cluster_queue) ({usage})", "{{cluster_queue}} in use"),
                (f"sum by (cluster_queue) ({nominal})", "{{cluster_queue}} guaranteed"),
            ],
            0,
            8,
        ),
        # Borrowed: what a queue uses of a flavor beyond its own quota there (cohort quota lent to it).
        _panel(
            4,
            "GPUs borrowed from the cohort",
            [
                (
                    f"sum by (cluster_queue, flavor) (clamp_min({usage} - on (cluster_queue, flavor, "
                    f"resource) "
                    f"{nominal}, 0))",
                    "{{cluster_queue}} {{flavor}}",
                )
            ],
            12,
            8,
        ),
        _panel(
            5,
            "Admissions per hour",
            [
                (
                    f"sum by (cluster_queue) (increase(kueue_admitted_workloads_total{{{LEADER}}}[1h]))",
                    "{{cluster_queue}}",
                )
            ],
            0,
            16,
        ),
        _panel(
            6,
            "Evictions per hour, by reason",
            [
                (
                    f"sum by (cluster_queue, reason) "
                    f"(increase(kueue_evicted_workloads_total{{{LEADER}}}[1h]))",
                    "{{cluster_queue}} {{reason}}",
                )
            ],
            12,
            16,
        ),
    ]
    return dashboard(
        QUEUE_DASHBOARD_UID,
        "Lepton / Job queues",
        ["lepton", "jobs", "kueue"],
        [
            query_variable(
                "queue", "label_values(kueue_cluster_queue_nominal_quota, cluster_queue)", allValue=".*"
            ),
        ],
        panels,
    )


def queue_dashboard_json() -> str:
    return json.dumps(queue_dashboard(), sort_keys=True)
