"""`gcp.Monitoring`: email channels, GPU/node alert policies and the billing budget."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.profiles.gcp.knobs import GcpKnobs
from lepton_infra.spec import BudgetSpec, MonitoringSpec
from lepton_infra.spec.problems import like_spec_field


@dataclass
class MonitoringArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The GCP project (its id) the resources are created in."""
    cluster_name: pulumi.Input[str]
    """The GKE cluster's name: the alert policies' filters select its nodes."""
    display_prefix: str
    """Prefix of the alert policies' and channels' display names (`<platform>-<environment>`)."""
    alert_emails: Sequence[str] = field(default_factory=list)
    """An e-mail notification channel each, on every alert policy. Default: none."""
    gpu_idle_percent: int = 10
    """A GPU node whose accelerator duty cycle stays under this for an hour raises the idle-GPU alert.
    Default: 10."""
    billing_account: str | None = None
    """Billing account the budget lives on (a budget needs `billing_account`, `budget_usd` and
    `project_number`). Default: none, no budget."""
    budget_usd: float | None = None
    """Monthly budget in USD on this project's spend. Default: none, no budget."""
    budget_thresholds_percent: Sequence[int] = (80, 100)
    """Percentages of `budget_usd` that notify. Default: 80 and 100."""
    project_number: pulumi.Input[str] | None = None
    """The project's number: scopes the budget to this project's spend. Default: none, no budget."""

    def problems(self) -> Iterator[Problem]:
        yield from like_spec_field("alert_emails", list(self.alert_emails), MonitoringSpec, "alert_emails")
        yield from like_spec_field(
            "gpu_idle_percent", self.gpu_idle_percent, MonitoringSpec, "gpu_idle_percent"
        )
        yield from like_spec_field("budget_usd", self.budget_usd, BudgetSpec, "monthly_usd")
        yield from like_spec_field("billing_account", self.billing_account, GcpKnobs, "billing_account")
        if self.budget_usd is not None and self.billing_account is None:
            yield Problem(
                "billing_account",
                None,
                "a GCP budget lives on a billing account",
                "give billing_account, or drop budget_usd",
            )


@dataclass(frozen=True)
class MetricDescriptor:
    kind: str  # GAUGE, DELTA, CUMULATIVE
    value_type: str  # BOOL, INT64, DOUBLE, DISTRIBUTION
    labels: tuple[str, ...]  # metric labels (resource labels are the monitored resource's)
    resource: str


# Google's descriptors of the GKE system metrics the policies read: an aligner the value type does not
# take is refused when the policy is created (ALIGN_COUNT_TRUE / ALIGN_FRACTION_TRUE need BOOL, ALIGN_MEAN
# a number), and a label the metric lacks matches nothing, silently. Source: Cloud Monitoring's Kubernetes
# metrics list (cloud.google.com/monitoring/api/metrics_kubernetes, a copy generated 2025-03-06, read
# 2026-12-07). node/status_condition: BETA, `status` is True, False or Unknown (Unknown when the node
# controller has not heard from the node within node-monitor-grace-period), sampled every 60 s; GKE
# 1.32.1-gke.1357001 or later (GKE GPU docs, "Node health metrics"), below every minor the GCP profile
# allows (1.33+).
GKE_METRICS: dict[str, MetricDescriptor] = {
    "kubernetes.io/node/status_condition": MetricDescriptor(
        "GAUGE", "BOOL", ("condition", "status"), "k8s_node"
    ),
    "kubernetes.io/node/accelerator/duty_cycle": MetricDescriptor(
        "GAUGE", "DOUBLE", ("make", "accelerator_id", "model"), "k8s_node"
    ),
}


def _threshold(
    filter_: pulumi.Input[str],
    comparison: str,
    value: float,
    duration_s: int,
    aligner: str,
    reducer: str | None = None,
    group_by: Sequence[str] = (),
) -> gcp.monitoring.AlertPolicyConditionConditionThresholdArgs:
    return gcp.monitoring.AlertPolicyConditionConditionThresholdArgs(
        filter=filter_,
        comparison=comparison,
        threshold_value=value,
        duration=f"{duration_s}s",
        aggregations=[
            gcp.monitoring.AlertPolicyConditionConditionThresholdAggregationArgs(
                alignment_period="300s",
                per_series_aligner=aligner,
                cross_series_reducer=reducer,
                group_by_fields=list(group_by) or None,
            )
        ],
        trigger=gcp.monitoring.AlertPolicyConditionConditionThresholdTriggerArgs(count=1),
    )


class Monitoring(Component):
    TOKEN = "lepton:gcp:Monitoring"

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        self.channels = [
            gcp.monitoring.NotificationChannel(
                child_name(name, f"email-{i}"),
                project=args.project,
                display_name=f"{args.display_prefix} {email}",
                type="email",
                labels={"email_address": email},
                opts=self.child_opts(),
            )
            for i, email in enumerate(args.alert_emails)
        ]
        channel_ids = [c.name for c in self.channels]
        cluster = pulumi.Output.from_input(args.cluster_name)
        node_filter = cluster.apply(
            lambda c: (
                'resource.type = "k8s_node" AND resource.labels.cluster_name = "' + c + '" AND '
                'metric.type = "kubernetes.io/node/status_condition" AND metric.labels.condition = "Ready" '
                'AND metric.labels.status != "True"'
            )
        )
        gpu_filter = cluster.apply(
            lambda c: (
                'resource.type = "k8s_node" AND resource.labels.cluster_name = "' + c + '" AND '
                'metric.type = "kubernetes.io/node/accelerator/duty_cycle"'
            )
        )
        pending_query = cluster.apply(
            lambda c: (
                f'sum(kube_pod_status_phase{{cluster="{c}", phase="Pending"}} * on (namespace, pod) '
                f"group_left() "
                f'(sum by (namespace, pod) (kube_pod_container_resource_requests{{cluster="{c}", '
                f'resource="nvidia_com_gpu"}}) > bool 0)) > 0'
            )
        )
        policies = {
            "node-not-ready": (
                f"{args.display_prefix}: node not ready",
                "CRITICAL",
                "A node has reported NotReady for 10 minutes. Check `kubectl describe node`.",
                gcp.monitoring.AlertPolicyConditionArgs(
                    display_name="node Ready condition is not True",
                    condition_threshold=_threshold(node_filter, "COMPARISON_GT", 0, 600, "ALIGN_COUNT_TRUE"),
                ),
            ),
            "gpu-idle": (
                f"{args.display_prefix}: GPUs idle",
                "WARNING",
                f"A GPU node's accelerator duty cycle stayed below {args.gpu_idle_percent}% for an "
                "hour: it costs money and does nothing. Scale the workload or the pool down.",
                gcp.monitoring.AlertPolicyConditionArgs(
                    display_name=f"GPU duty cycle < {args.gpu_idle_percent}% for 1h",
                    condition_threshold=_threshold(
                        gpu_filter,
                        "COMPARISON_LT",
                        args.gpu_idle_percent,
                        3600,
                        "ALIGN_MEAN",
                        "REDUCE_MEAN",
                        ["resource.labels.node_name"],
                    ),
                ),
            ),
            "gpu-pods-pending": (
                f"{args.display_prefix}: GPU pods pending",
                "WARNING",
                "Pods requesting GPUs have been Pending for 15 minutes: no capacity, quota "
                "or a pool at max. Check the autoscaler events and GPU quota.",
                gcp.monitoring.AlertPolicyConditionArgs(
                    display_name="GPU pods Pending for 15m",
                    condition_prometheus_query_language=gcp.monitoring.AlertPolicyConditionConditionPrometheusQueryLanguageArgs(
                        query=pending_query, duration="900s", evaluation_interval="60s"
                    ),
                ),
            ),
        }
        self.policies = [
            gcp.monitoring.AlertPolicy(
                child_name(name, key),
                project=args.project,
                display_name=title,
                severity=severity,
                combiner="OR",
                conditions=[condition],
                documentation=gcp.monitoring.AlertPolicyDocumentationArgs(
                    content=doc, mime_type="text/markdown"
                ),
                notification_channels=channel_ids,
                alert_strategy=gcp.monitoring.AlertPolicyAlertStrategyArgs(auto_close="86400s"),
                opts=self.child_opts(),
            )
            for key, (title, severity, doc, condition) in policies.items()
        ]
        self.budget: gcp.billing.Budget | None = None
        if args.budget_usd is not None:
            if args.billing_account is None or args.project_number is None:
                raise ValueError("a budget needs billing_account and project_number")
            self.budget = gcp.billing.Budget(
                child_name(name, "budget"),
                billing_account=args.billing_account,
                display_name=f"{args.display_prefix} monthly",
                amount=gcp.billing.BudgetAmountArgs(
                    specified_amount=gcp.billing.BudgetAmountSpecifiedAmountArgs(
                        currency_code="USD", units=str(round(args.budget_usd))
                    )
                ),
                budget_filter=gcp.billing.BudgetBudgetFilterArgs(
                    projects=[pulumi.Output.concat("projects/", args.project_number)], calendar_period="MONTH"
                ),
                threshold_rules=[
                    gcp.billing.BudgetThresholdRuleArgs(
                        threshold_percent=p / 100, spend_basis="CURRENT_SPEND"
                    )
                    for p in args.budget_thresholds_percent
                ],
                all_updates_rule=gcp.billing.BudgetAllUpdatesRuleArgs(
                    # The Budget API takes at most five channels; the billing admins get mail as well.
                    monitoring_notification_channels=channel_ids[:5],
                    disable_default_iam_recipients=False,
                ),
                opts=self.child_opts(),
            )
        self.finish({"channels": channel_ids})
