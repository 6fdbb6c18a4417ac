"""`Monitoring`: Container Insights with GPU metrics, an encrypted alert topic, GPU-aware alarms and the
monthly budget."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from lepton_infra.aws.account import AwsAccount, lookup_account, make_arn
from lepton_infra.aws.addons import RESOLVE_CONFLICTS
from lepton_infra.aws.iam import allow, document, irsa_role
from lepton_infra.core.args import known
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.eks_addons import OBSERVABILITY_ADDON, addon_versions, unpinned_problems
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.core.tagging import COST_ALLOCATION_TAG
from lepton_infra.profiles.aws.rules import cloudwatch_retention_problem
from lepton_infra.spec import BudgetSpec, MonitoringSpec
from lepton_infra.spec.problems import like_spec_field

ADDON = OBSERVABILITY_ADDON
AGENT_SERVICE_ACCOUNT = ("amazon-cloudwatch", "cloudwatch-agent")
INSIGHTS_NAMESPACE = "ContainerInsights"
INSIGHTS_LOG_KINDS = ("application", "dataplane", "host", "performance")
ADDON_CONFIGURATION = {  # enhanced observability plus NVIDIA GPU metrics (DCGM) on GPU nodes
    "agent": {
        "config": {
            "logs": {
                "metrics_collected": {
                    "kubernetes": {"enhanced_container_insights": True, "accelerated_compute_metrics": True}
                }
            }
        }
    },
    "containerLogs": {"enabled": True},
}
FIVE_MINUTES = 300


@dataclass
class MonitoringArgs(ComponentArgs):
    cluster_name: str
    """The EKS cluster watched: the Container Insights log groups and alarms name it."""
    region: str
    """The cluster's region (the agent's IAM policy names it)."""
    key_id: pulumi.Input[str]
    """ARN of the KMS key the log groups and the alert topic are encrypted with."""
    oidc_provider_arn: pulumi.Input[str]
    """ARN of the cluster's IAM OIDC provider (`Cluster.oidc_provider_arn`): IRSA roles trust it."""
    oidc_issuer: pulumi.Input[str]
    """The cluster's OIDC issuer URL (`Cluster.oidc_issuer`): each IRSA role trusts one service account of
    it."""
    platform: str
    """Prefix of cloud-side names (`<name>-<environment>`): the alert topic, alarms and budget."""
    alert_emails: Sequence[str] = field(default_factory=list)
    """Addresses subscribed to the alert topic and the budget's notices (each confirms by e-mail). Default:
    none."""
    gpu_idle_percent: int = 10
    """A GPU node under this utilisation for an hour raises the idle-GPU alarm. Default: 10."""
    log_retention_days: int = 90
    """CloudWatch retention of the Container Insights groups: a value CloudWatch accepts (not Prometheus's).
    Default: 90 days."""
    budget_usd: float | None = None
    """Monthly AWS Budget in USD on the platform's tag. Default: none, no budget."""
    budget_thresholds: Sequence[int] = (80, 100)
    """Percentages of `budget_usd` that send a notice. Default: 80 and 100."""
    budget_tag: tuple[str, str] | None = None
    """(key, value) of the tag the budget counts. The key must be an active cost allocation tag, and every
    costly resource must carry it (instances through their launch template: provider default tags do not reach
    instances an Auto Scaling group launches). Default: (`deployment`, `platform`)."""
    activate_cost_allocation_tag: bool = False
    """Activate the budget's tag key as a cost allocation tag (payer account only; the key must already appear
    in billing data). Default: off."""
    addon_version: str | None = None
    """The amazon-cloudwatch-observability add-on version. Default: the one pinned for `kubernetes_version` in
    core/data/eks_addons.yaml (one of the two is needed: `up` never asks EKS for the latest)."""
    kubernetes_version: str | None = None
    """The cluster's minor, to pick the pinned add-on version. Default: none (then `addon_version` is
    required)."""
    wait_for: Sequence[pulumi.Resource] = ()
    """Resources the in-cluster pieces wait for (the node pools), passed to the children themselves: a
    component's `depends_on` does not reach the children it creates. Default: none."""
    account: AwsAccount | None = None
    """The partition and account id every ARN here names (`aws.Platform` passes its one lookup). Default:
    looked up here with the provider's credentials (`aws.get_caller_identity`, `aws.get_partition`)."""

    def problems(self) -> Iterator[Problem]:
        yield from like_spec_field("alert_emails", list(self.alert_emails), MonitoringSpec, "alert_emails")
        yield from like_spec_field(
            "gpu_idle_percent", self.gpu_idle_percent, MonitoringSpec, "gpu_idle_percent"
        )
        if known(self.log_retention_days):
            yield from cloudwatch_retention_problem("log_retention_days", self.log_retention_days)
        yield from like_spec_field("budget_usd", self.budget_usd, BudgetSpec, "monthly_usd")
        if not self.addon_version:
            yield from unpinned_problems(
                "addon_version", [OBSERVABILITY_ADDON], self.kubernetes_version, {}, "pass addon_version"
            )


def agent_policy(
    region: str, account_id: pulumi.Input[str], cluster_name: str, partition: pulumi.Input[str]
) -> pulumi.Output[str]:
    groups = make_arn(
        partition, "logs", region, account_id, f"log-group:/aws/containerinsights/{cluster_name}/*"
    )
    return pulumi.Output.json_dumps(
        document(
            [
                allow(
                    ["cloudwatch:PutMetricData"],
                    "*",
                    sid="MetricsOnlyToInsightsNamespaces",
                    condition={"StringEquals": {"cloudwatch:namespace": [INSIGHTS_NAMESPACE, "CWAgent"]}},
                ),
                allow(
                    [
                        "logs:CreateLogGroup",
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "logs:DescribeLogStreams",
                        "logs:PutRetentionPolicy",
                    ],
                    [groups, pulumi.Output.concat(groups, ":*")],
                    sid="OwnLogGroups",
                ),
                allow(
                    [
                        "logs:DescribeLogGroups",
                        "ec2:DescribeVolumes",
                        "ec2:DescribeTags",
                        "ec2:DescribeInstances",
                    ],
                    "*",
                    sid="DescribeOnlyIsUnscoped",
                ),
            ]
        )
    )


def insights_addon_version(args: MonitoringArgs) -> str:
    """The pinned version (monitoring_problems refuses args that have none, before anything registers)."""
    if args.addon_version:
        return args.addon_version
    return addon_versions(args.kubernetes_version or "")[ADDON]


def gpu_idle_expression(threshold_percent: int) -> str:
    """1 while GPU nodes run (GPU capacity > 0) yet average GPU use stays under the threshold."""
    return f"IF(FILL(gpus, 0) > 0 AND FILL(util, 100) < {threshold_percent}, 1, 0)"


# GPUs asked for by pods not running: GPU pods' requests less what running ones hold (insights_metrics.py).
# CPU pods never count; a pending pod has no pool dimension: one cluster alarm (GpuPodPending names pods).
GPU_PENDING_EXPRESSION = "FILL(requested, 0) - FILL(running, 0)"


def budget_tracking(key: str, value: str, activated: bool) -> str:
    """The plan's own statement of what the budget measures. AWS Budgets sees a user-defined tag only once
    it is an active cost allocation tag; only the organization's management (payer) account, or an account
    in no organization, can activate one; a key appears for activation up to 24 hours after the first
    resource carrying it (AWS Billing user guide, "Using user-defined cost allocation tags" and
    "Activating user-defined cost allocation tags", docs.aws.amazon.com/awsaccountbilling/latest/aboutv2/
    custom-tags.html, read 2026-12-07)."""
    counts = f"the budget counts spend tagged {key}={value}"
    if activated:
        return (
            f"{counts}; this stack activates `{key}` as a cost allocation tag "
            "(aws.activate_cost_allocation_tag: the deploying account must be the organization's "
            "management account, and the key must already "
            "be in billing data, up to 24 hours after the first tagged resource)"
        )
    return (
        f"{counts}, and measures $0 (never alerting) until `{key}` is an active cost allocation tag. This "
        "stack does not activate it: only the organization's management (payer) account can, a member "
        "account cannot, and only once the key is in billing data (up to 24 hours after the first tagged "
        f"resource). A day after the first deploy, from the payer account: `aws ce "
        f"update-cost-allocation-tags-status --cost-allocation-tags-status TagKey={key},Status=Active`, or "
        "set aws.activate_cost_allocation_tag: true on a stack deployed in it (docs/aws.md, Deploy readiness)"
    )


class Monitoring(Component):
    TOKEN = "lepton:aws:Monitoring"

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        facts = args.account or lookup_account(self)
        account = pulumi.Output.from_input(facts.account_id)
        self._container_insights(name, args, account, facts.partition)
        self.topic = aws.sns.Topic(
            child_name(name, "alerts"),
            name=physical_name(args.platform, "alerts"),
            kms_master_key_id=args.key_id,
            opts=self.child_opts(),
        )
        aws.sns.TopicPolicy(
            child_name(name, "alerts-policy"),
            arn=self.topic.arn,
            policy=pulumi.Output.json_dumps(
                document(
                    [
                        {
                            "Sid": "AlarmsAndBudgetsOfThisAccountPublish",
                            "Effect": "Allow",
                            "Principal": {"Service": ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]},
                            "Action": "sns:Publish",
                            "Resource": self.topic.arn,
                            "Condition": {"StringEquals": {"aws:SourceAccount": account}},
                        }
                    ]
                )
            ),
            opts=self.child_opts(),
        )
        for i, email in enumerate(args.alert_emails):
            aws.sns.TopicSubscription(
                child_name(name, f"alerts-email-{i}"),
                topic=self.topic.arn,
                protocol="email",
                endpoint=email,
                opts=self.child_opts(),
            )
        self._alarms(name, args)
        # What the budget counts and when it starts to (the `budget_tracking` stack output); None: no budget.
        self.budget_tracking: str | None = None
        if args.budget_usd is not None:
            self._budget(name, args)
        self.topic_arn: pulumi.Output[str] = self.topic.arn
        self.finish({"topic_arn": self.topic_arn})

    def _container_insights(
        self, name: str, args: MonitoringArgs, account: pulumi.Output[str], partition: pulumi.Input[str]
    ) -> None:
        # Pre-created so they carry the CMK and a retention instead of the agent's unencrypted defaults.
        groups = [
            aws.cloudwatch.LogGroup(
                child_name(name, f"insights-{kind}"),
                name=f"/aws/containerinsights/{args.cluster_name}/{kind}",
                retention_in_days=args.log_retention_days,
                kms_key_id=args.key_id,
                opts=self.child_opts(),
            )
            for kind in INSIGHTS_LOG_KINDS
        ]
        namespace, service_account = AGENT_SERVICE_ACCOUNT
        role = irsa_role(
            child_name(name, "agent"),
            platform=args.platform,
            oidc_provider_arn=args.oidc_provider_arn,
            oidc_issuer=args.oidc_issuer,
            namespace=namespace,
            service_account=service_account,
            policy=agent_policy(args.region, account, args.cluster_name, partition),
            opts=self.child_opts(),
            description="CloudWatch agent (Container Insights) for this cluster",
        )
        self.addon = aws.eks.Addon(
            child_name(name, "insights"),
            cluster_name=args.cluster_name,
            addon_name=ADDON,
            addon_version=insights_addon_version(args),
            service_account_role_arn=role.arn,
            configuration_values=json.dumps(ADDON_CONFIGURATION),
            resolve_conflicts_on_create=RESOLVE_CONFLICTS,
            resolve_conflicts_on_update=RESOLVE_CONFLICTS,
            opts=self.child_opts(depends_on=[*groups, *args.wait_for]),
        )

    def _metric(
        self, qid: str, metric: str, stat: str, cluster: str
    ) -> aws.cloudwatch.MetricAlarmMetricQueryArgs:
        return aws.cloudwatch.MetricAlarmMetricQueryArgs(
            id=qid,
            return_data=False,
            metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                namespace=INSIGHTS_NAMESPACE,
                metric_name=metric,
                stat=stat,
                period=FIVE_MINUTES,
                dimensions={"ClusterName": cluster},
            ),
        )

    def _alarms(self, name: str, args: MonitoringArgs) -> None:
        actions = [self.topic.arn]
        cluster = args.cluster_name
        aws.cloudwatch.MetricAlarm(
            child_name(name, "failed-nodes"),
            name=f"{cluster}-failed-nodes",
            alarm_description="Worker nodes report a failing node condition for 15 minutes.",
            namespace=INSIGHTS_NAMESPACE,
            metric_name="cluster_failed_node_count",
            dimensions={"ClusterName": cluster},
            statistic="Maximum",
            period=FIVE_MINUTES,
            evaluation_periods=3,
            threshold=0,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=actions,
            ok_actions=actions,
            opts=self.child_opts(),
        )
        aws.cloudwatch.MetricAlarm(
            child_name(name, "gpu-idle"),
            name=f"{cluster}-gpu-idle",
            alarm_description=f"GPU nodes run but GPU use stays under {args.gpu_idle_percent}% for an hour: "
            "money is burning (check min sizes and stuck pods).",
            metric_queries=[
                self._metric("util", "node_gpu_utilization", "Average", cluster),
                self._metric("gpus", "node_gpu_limit", "Sum", cluster),
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="idle",
                    expression=gpu_idle_expression(args.gpu_idle_percent),
                    label="GPU nodes idle",
                    return_data=True,
                ),
            ],
            evaluation_periods=12,
            datapoints_to_alarm=12,
            threshold=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=actions,
            ok_actions=actions,
            opts=self.child_opts(),
        )
        aws.cloudwatch.MetricAlarm(
            child_name(name, "gpu-pending"),
            name=f"{cluster}-gpu-pods-pending",
            alarm_description="Pods that request GPUs have been pending for 15 minutes: a GPU pool at max, "
            "no capacity (or quota) for its instance type, or the autoscaler failing. `kubectl get pods -A "
            "--field-selector=status.phase=Pending` and the autoscaler's events name the pool.",
            metric_queries=[
                self._metric("requested", "pod_gpu_request", "Sum", cluster),
                self._metric("running", "pod_gpu_usage_total", "Sum", cluster),
                aws.cloudwatch.MetricAlarmMetricQueryArgs(
                    id="starved",
                    expression=GPU_PENDING_EXPRESSION,
                    label="GPUs requested by pending pods",
                    return_data=True,
                ),
            ],
            evaluation_periods=3,
            datapoints_to_alarm=3,
            threshold=0,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data="notBreaching",
            alarm_actions=actions,
            ok_actions=actions,
            opts=self.child_opts(),
        )

    def _budget(self, name: str, args: MonitoringArgs) -> None:
        assert args.budget_usd is not None
        key, value = args.budget_tag or (COST_ALLOCATION_TAG, args.platform)
        if args.activate_cost_allocation_tag:
            # Cost Explorer refuses a key not yet seen in billing data, and member accounts cannot
            # activate tags at all (AWS Billing "Activating user-defined cost allocation tags").
            # The key is the payer's, shared with every stack: destroying this one leaves it active.
            aws.costexplorer.CostAllocationTag(
                child_name(name, "cost-tag"),
                tag_key=key,
                status="Active",
                opts=self.child_opts(retain_on_delete=True),
            )
        self.budget_tracking = budget_tracking(key, value, args.activate_cost_allocation_tag)
        pulumi.log.info(self.budget_tracking, self)
        aws.budgets.Budget(
            child_name(name, "budget"),
            name=physical_name(args.platform, "monthly"),
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=f"{args.budget_usd:.2f}",
            limit_unit="USD",
            # Counts only this deployment's spend: `user:<key>$<value>` is how Budgets names a
            # user-defined cost allocation tag's value.
            cost_filters=[
                aws.budgets.BudgetCostFilterArgs(name="TagKeyValue", values=[f"user:{key}${value}"])
            ],
            notifications=[
                aws.budgets.BudgetNotificationArgs(
                    comparison_operator="GREATER_THAN",
                    notification_type="ACTUAL",
                    threshold=float(t),
                    threshold_type="PERCENTAGE",
                    subscriber_email_addresses=list(args.alert_emails),
                    subscriber_sns_topic_arns=[self.topic.arn],
                )
                for t in args.budget_thresholds
            ],
            opts=self.child_opts(),
        )
