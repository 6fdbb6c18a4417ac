"""Alert rules for the job queues, on the metrics Kueue's controller exports (`kueue_*`, scraped through
the chart's ServiceMonitor). Per ClusterQueue, i.e. per tenant: the `cluster_queue` label is its name."""

from __future__ import annotations

from typing import Any

from lepton_infra.kubernetes.observability.alerts import AlertRule, prometheus_rule_spec

RULE_GROUP = "lepton-jobs"


def job_alert_rules() -> list[AlertRule]:
    return [
        AlertRule(
            name="JobsInadmissible",
            expr='sum by (cluster_queue) (kueue_pending_workloads{status="inadmissible"}) > 0',
            for_="30m",
            severity="warning",
            summary="Queued jobs cannot be admitted",
            description="{{ $value }} workloads in queue {{ $labels.cluster_queue }} failed admission and "
            "wait "
            "for the cluster to change: they ask for more than the queue's quota plus what it may "
            "borrow, or for a resource no flavor offers.",
        ),
        AlertRule(
            name="JobsPendingTooLong",
            expr='(sum by (cluster_queue) (kueue_pending_workloads{status="active"}) > 0) unless on '
            "(cluster_queue) (sum by (cluster_queue) (increase(kueue_admitted_workloads_total[1h])) > 0)",
            for_="1h",
            severity="warning",
            summary="Queued jobs waiting with no admission",
            description="Queue {{ $labels.cluster_queue }} has had jobs waiting for over an hour with none "
            "admitted: its quota is used up and the cohort has nothing idle to lend.",
        ),
        AlertRule(
            name="JobsAdmissionCheckRejected",
            expr="sum by (cluster_queue) "
            '(increase(kueue_evicted_workloads_total{reason="AdmissionCheck"}[30m]) '
            'or increase(kueue_evicted_workloads_total{underlying_cause="AdmissionCheck"}[30m])) > 0',
            for_="0m",
            severity="warning",
            summary="Jobs evicted by a failing admission check",
            description="Workloads of queue {{ $labels.cluster_queue }} were evicted because an admission "
            "check turned False (e.g. capacity provisioning failed).",
        ),
        AlertRule(
            name="JobsQueueAtQuota",
            # Followers may export the same gauges: only the leader's (or a lone replica's) count.
            expr='(sum by (cluster_queue) (kueue_cluster_queue_resource_usage{resource="nvidia.com/gpu",'
            'replica_role!="follower"}) >= on (cluster_queue) sum by (cluster_queue) '
            '(kueue_cluster_queue_nominal_quota{resource="nvidia.com/gpu",replica_role!="follower"})) '
            "and on (cluster_queue) (sum by (cluster_queue) (kueue_cluster_queue_nominal_quota"
            '{resource="nvidia.com/gpu",replica_role!="follower"}) > 0) and on (cluster_queue) '
            '(sum by (cluster_queue) (kueue_pending_workloads{replica_role!="follower"}) > 0)',
            for_="6h",
            severity="warning",
            summary="A tenant's queue has used all its GPU quota for 6 hours with jobs waiting",
            description="Queue {{ $labels.cluster_queue }} has used at least its guaranteed GPUs for 6 hours "
            "while jobs wait: the tenant needs more quota (tenants[].jobs.gpu_quota) or fewer jobs.",
        ),
        AlertRule(
            name="KueueMetricsMissing",
            expr="absent(kueue_build_info)",
            for_="15m",
            severity="critical",
            summary="Kueue is not running or not scraped",
            description="No Kueue metrics for 15m. With the controller down its webhook refuses every Job "
            "in tenant namespaces and nothing queued is admitted. Check the pods in kueue-system.",
        ),
    ]


def job_rule_spec() -> dict[str, Any]:
    return prometheus_rule_spec(job_alert_rules(), RULE_GROUP)
