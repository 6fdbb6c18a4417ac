"""The platform's GPU alert rules (PromQL), as plain data for a PrometheusRule. Node health is
kube-prometheus-stack's own (`KubeNodeNotReady` and the other kubernetes-system rules).

Metric names are those of NVIDIA's DCGM exporter (`DCGM_FI_*`) and kube-state-metrics (`kube_*`). The
DCGM exporter is this layer's or the cloud's; a cloud exporter exports a fixed field list (GKE's has no
XID field), so rules on a field it lacks are left out rather than never firing.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

# What to do about each alert: a section of the in-cluster layer's docs (the repository has no fixed URL).
RUNBOOK_BASE = "lepton-infra docs/kubernetes.md#alert-"


@dataclass(frozen=True)
class AlertRule:
    name: str
    expr: str
    for_: str
    severity: str
    summary: str
    description: str

    def render(self) -> dict[str, Any]:
        return {
            "alert": self.name,
            "expr": self.expr,
            "for": self.for_,
            "labels": {"severity": self.severity, "platform": "lepton"},
            "annotations": {
                "summary": self.summary,
                "description": self.description,
                "runbook": RUNBOOK_BASE + self.name.lower(),
            },
        }


DCGM_FIELD = re.compile(r"\bDCGM_FI_[A-Z0-9_]+")


def dcgm_fields(rule: AlertRule) -> set[str]:
    """The DCGM exporter fields a rule's expression reads."""
    return set(DCGM_FIELD.findall(rule.expr))


def gpu_alert_rules(
    gpu_idle_percent: int, memory_full_ratio: float = 0.95, exported: Collection[str] = ()
) -> list[AlertRule]:
    """The alert rules; with `exported` (the DCGM fields the cluster's exporter serves), only those
    whose fields are all served."""
    rules = _all_rules(gpu_idle_percent, memory_full_ratio)
    if not exported:
        return rules
    return [r for r in rules if dcgm_fields(r) <= set(exported)]


def _all_rules(gpu_idle_percent: int, memory_full_ratio: float) -> list[AlertRule]:
    return [
        AlertRule(
            name="GpuIdle",
            # DCGM only reports GPUs on running nodes, so a series here is a GPU we are paying for.
            expr=f"avg by (node, gpu) (DCGM_FI_DEV_GPU_UTIL) < {gpu_idle_percent}",
            for_="1h",
            severity="warning",
            summary="GPU idle for an hour",
            description=f"GPU {{{{ $labels.gpu }}}} on {{{{ $labels.node }}}} has been below "
            f"{gpu_idle_percent}% utilisation for 1h: it costs money and does no work.",
        ),
        AlertRule(
            name="GpuMemoryNearFull",
            expr="max by (node, gpu) (DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)) "
            f"> {memory_full_ratio}",
            for_="15m",
            severity="warning",
            summary="GPU memory nearly full",
            description=f"GPU {{{{ $labels.gpu }}}} on {{{{ $labels.node }}}} uses more than "
            f"{int(memory_full_ratio * 100)}% of its memory: out-of-memory errors are near.",
        ),
        AlertRule(
            name="GpuXidError",
            # The gauge holds the last XID code seen; any non-zero value is a driver-reported fault.
            expr="max by (node, gpu) (DCGM_FI_DEV_XID_ERRORS) > 0",
            for_="0m",
            severity="critical",
            summary="GPU XID error",
            description="GPU {{ $labels.gpu }} on {{ $labels.node }} reported XID {{ $value }}: check the "
            "node and drain it if the error is fatal (XID 48, 79, 94, 95).",
        ),
        AlertRule(
            name="GpuPodPending",
            expr='(max by (namespace, pod) (kube_pod_status_phase{phase="Pending"}) == 1) and on '
            "(namespace, pod) (sum by (namespace, pod) "
            '(kube_pod_container_resource_requests{resource="nvidia_com_gpu"}) > 0)',
            for_="10m",
            severity="warning",
            summary="GPU pod pending for 10 minutes",
            description="Pod {{ $labels.namespace }}/{{ $labels.pod }} asks for GPUs and has been "
            "pending for 10m: the GPU pool is at max, the tenant quota is used up, or "
            "capacity is unavailable in the zone.",
        ),
        AlertRule(
            name="GpuMetricsMissing",
            # GPUs are schedulable but no exporter series reaches Prometheus: the scrape is broken (a cloud
            # exporter moved, a NetworkPolicy, a missing monitor) and every GPU alert above is blind.
            expr='(sum(kube_node_status_allocatable{resource="nvidia_com_gpu"}) > 0) '
            "unless on() (count(DCGM_FI_DEV_GPU_UTIL) > 0)",
            for_="15m",
            severity="warning",
            summary="No GPU metrics",
            description="Nodes offer GPUs but Prometheus has no DCGM series for 15m: the GPU alerts and "
            "dashboard see nothing. Check the DCGM exporter pods and their PodMonitor or "
            "ServiceMonitor targets.",
        ),
    ]


def prometheus_rule_spec(rules: list[AlertRule], group: str = "lepton-gpu") -> dict[str, Any]:
    """A PrometheusRule's spec: the rules as one group."""
    return {"groups": [{"name": group, "rules": [r.render() for r in rules]}]}
