"""CloudWatch Logs rules: customer-managed keys, retention, log groups created before their writers."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.core.conventions import CLOUDWATCH_RETENTION_DAYS
from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import as_int, as_list, is_set, is_unknown, shown
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules._shared import require_prod
from lepton_infra.policy.rules.aws.tokens import ADDON, AWS, EKS_CLUSTER, FLOW_LOG, LOG_GROUP
from lepton_infra.policy.rules.common import ENVIRONMENT_SCHEMA


@resource_rule(
    id="lepton-aws-log-group-cmk",
    title="CloudWatch log groups are encrypted with a KMS key",
    severity=Severity.MEDIUM,
    types=(LOG_GROUP,),
    clouds=AWS,
    description="Log groups (flow logs, control-plane logs) have `kmsKeyId` set.",
    remediation="Set `kms_key_id=key.arn` (the key policy must allow the logs service principal).",
    anchors=("checkov:CKV_AWS_158",),
)
def log_group_cmk(r: ResourceView) -> Iterator[str]:
    if not is_set(r.get("kmsKeyId")):
        yield "kmsKeyId is not set"


PROD_LOG_RETENTION_DAYS = 365


@resource_rule(
    id="lepton-aws-log-retention-prod",
    title="Prod CloudWatch log groups keep a year of logs",
    severity=Severity.MEDIUM,
    types=(LOG_GROUP,),
    clouds=AWS,
    description=f"In prod, `retentionInDays` is at least {PROD_LOG_RETENTION_DAYS} (0 or unset keeps logs "
    "forever and passes) on every log group: EKS control plane, Container Insights, VPC flow logs. The "
    "platform keeps a year in prod by default (`aws.log_retention_days`, `network.flow_log_retention_days`).",
    remediation="Set `aws.log_retention_days: 365` (control plane, Container Insights) and "
    "`network.flow_log_retention_days: 365` in the prod stack, or leave them unset (prod default).",
    anchors=("checkov:CKV_AWS_338",),
    config_schema=ENVIRONMENT_SCHEMA,
)
def log_retention_prod(r: ResourceView) -> Iterator[str]:
    require_prod(r)
    days = r.get("retentionInDays")
    if is_unknown(days) or days is None:
        return
    number = as_int(days)
    if number is not None and 0 < number < PROD_LOG_RETENTION_DAYS:
        yield f"retentionInDays is {number}, under {PROD_LOG_RETENTION_DAYS} in prod"


@resource_rule(
    id="lepton-aws-log-retention-accepted",
    title="CloudWatch log groups ask for a retention CloudWatch accepts",
    severity=Severity.HIGH,
    types=(LOG_GROUP,),
    clouds=AWS,
    description="`retentionInDays` is unset, 0 or one of the values CloudWatch Logs accepts ("
    + ", ".join(map(str, CLOUDWATCH_RETENTION_DAYS))
    + "); any other value is refused at apply time "
    "(PutRetentionPolicy InvalidParameterException), after the plan looked clean.",
    remediation="Use one of the accepted values, e.g. 14 instead of 15, 365 instead of 360.",
)
def log_retention_accepted(r: ResourceView) -> Iterator[str]:
    days = r.get("retentionInDays")
    if is_unknown(days) or days is None:
        return
    number = as_int(days)
    if number is None or (number != 0 and number not in CLOUDWATCH_RETENTION_DAYS):
        yield f"retentionInDays {shown(days)} is not a retention CloudWatch Logs accepts"


INSIGHTS_ADDON = "amazon-cloudwatch-observability"


INSIGHTS_KINDS = ("application", "dataplane", "host", "performance")


def _expected_log_groups(stack: StackView) -> Iterator[tuple[str, ResourceView]]:
    """(log group name, the resource that makes an AWS service write there): EKS control-plane logs
    (EKS user guide, "Send control plane logs to CloudWatch Logs") and Container Insights' four groups."""
    for cluster in stack.of_type(EKS_CLUSTER):
        if as_list(cluster.get("enabledClusterLogTypes")) and isinstance(cluster.get("name"), str):
            yield f"/aws/eks/{cluster.get('name')}/cluster", cluster
    for addon in stack.of_type(ADDON):
        if addon.get("addonName") == INSIGHTS_ADDON and isinstance(addon.get("clusterName"), str):
            for kind in INSIGHTS_KINDS:
                yield f"/aws/containerinsights/{addon.get('clusterName')}/{kind}", addon


@stack_rule(
    id="lepton-aws-log-groups-precreated",
    title="Every log group an AWS service writes is in the stack",
    severity=Severity.MEDIUM,
    clouds=AWS,
    description="The EKS control-plane group (`/aws/eks/<cluster>/cluster`), the four Container Insights "
    "groups (`/aws/containerinsights/<cluster>/{application,dataplane,host,performance}`) and each VPC flow "
    "log's CloudWatch destination are `LogGroup`s of the stack. Otherwise the service creates the group "
    "itself, unencrypted and with no (or its own) retention, and the retention and KMS rules never see it.",
    remediation="Declare `aws.cloudwatch.LogGroup(name=..., retention_in_days=..., kms_key_id=key.arn)` "
    "before "
    "the cluster, add-on or flow log (lepton_infra/aws/cluster.py, monitoring.py, network.py).",
)
def log_groups_precreated(stack: StackView) -> Iterator[Finding]:
    groups = stack.of_type(LOG_GROUP)
    names = {g.get("name") for g in groups}
    expected = list(_expected_log_groups(stack))
    flow_logs = [
        f for f in stack.of_type(FLOW_LOG) if f.get("logDestinationType") in (None, "cloud-watch-logs")
    ]
    if not expected and not flow_logs:
        raise NotApplicable("no EKS cluster logs, Container Insights or CloudWatch flow logs in the stack")
    if any(is_unknown(n) for n in names):
        return
    for name, writer in expected:
        if name not in names:
            yield Finding(
                f"{name} is not declared: {writer.name} makes AWS create it unencrypted, with no "
                "retention of the stack's",
                writer.urn,
            )
    group_urns = {g.urn for g in groups}
    for flow_log in flow_logs:
        if not group_urns & set(flow_log.dependencies):
            yield Finding(f"flow log {flow_log.name} writes to a log group outside the stack", flow_log.urn)
