"""AWS hardening rules a security scanner would raise on a prod stack: a supported EKS version,
access-entry hygiene, enforced NetworkPolicy in the VPC CNI, TLS-only buckets, bucket access logs and
log retention. Over `aws:*` type tokens and the inputs pulumi-aws 7 sends the engine."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.core.conventions import CLOUDWATCH_RETENTION_DAYS
from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import UNKNOWN, as_bool, as_int, as_list, as_mapping, is_unknown, shown
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules._shared import require_prod
from lepton_infra.policy.rules.aws_data import BUCKET, log_target_buckets
from lepton_infra.policy.rules.common import ENVIRONMENT_SCHEMA

AWS = ("aws",)
EKS_CLUSTER = "aws:eks/cluster:Cluster"
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
ACCESS_POLICY_ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"
ADDON = "aws:eks/addon:Addon"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
# The oldest EKS minor still served at all. EKS's calendar (user guide "Kubernetes version lifecycle":
# 14 months standard support, then 12 months extended at extra cost): 1.31 left extended support on
# 2026-11-26, 1.32 leaves it on 2027-03-23, 1.33 on 2027-07-29. Past that EKS upgrades the cluster itself.
EKS_OLDEST_SUPPORTED = (1, 32)
CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
ADMIN_POLICIES = {CLUSTER_ADMIN_POLICY, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy"}
# An account root (`arn:aws:iam::<acct>:root`) stands for every principal of the account its policies allow.
BROAD_PRINCIPAL = re.compile(r"^\*$|:root$|\*")
PROD_LOG_RETENTION_DAYS = 365
LOG_DELIVERY_SERVICE = "logging.s3.amazonaws.com"


def _minor(version: Any) -> tuple[int, int] | None:
    match = re.match(r"^v?(\d+)\.(\d+)", str(version))
    return (int(match.group(1)), int(match.group(2))) if match else None


@resource_rule(
    id="lepton-aws-eks-supported-version",
    title="EKS runs a Kubernetes version EKS still supports",
    severity=Severity.HIGH,
    types=(EKS_CLUSTER,),
    clouds=AWS,
    description="`version` is set (unset, EKS picks its default and the cluster drifts from the add-on and "
    "chart pins) and is at least the oldest minor EKS still serves ("
    f"{EKS_OLDEST_SUPPORTED[0]}.{EKS_OLDEST_SUPPORTED[1]}; 1.31 left extended support on 2026-11-26). "
    "Versions past standard support bill extended support per cluster hour.",
    remediation="Set `cluster.version` to a minor in EKS standard support (docs/aws.md lists the tested "
    "ones).",
    anchors=("checkov:CKV_AWS_339",),
    config_schema={"oldestSupported": {"type": "string", "pattern": r"^\d+\.\d+$"}},
)
def eks_supported_version(r: ResourceView) -> Iterator[str]:
    version = r.get("version")
    if is_unknown(version):
        return
    if version is None:
        yield "version is not set: EKS picks its default and upgrades it under the add-on and chart pins"
        return
    oldest = _minor(r.config.get("oldestSupported")) or EKS_OLDEST_SUPPORTED
    minor = _minor(version)
    if minor is None:
        yield f"version {shown(version)} is not a Kubernetes minor version"
    elif minor < oldest:
        yield f"version {version} is older than {oldest[0]}.{oldest[1]}, the oldest EKS still supports"


@resource_rule(
    id="lepton-aws-eks-access-entry-hygiene",
    title="No cluster-admin for broad principals, no system:masters",
    severity=Severity.HIGH,
    types=(ACCESS_ENTRY, ACCESS_POLICY_ASSOCIATION),
    clouds=AWS,
    description="Access entries never put a principal in `system:masters` (a group RBAC cannot restrict), "
    "and the cluster-admin access policies (AmazonEKSClusterAdminPolicy, AmazonEKSAdminPolicy) are "
    "associated only with named roles, never an account root or a wildcard.",
    remediation="Name the admin roles in `aws.admin_role_arns`; give tenants Kubernetes groups bound by "
    "RoleBindings, not `system:masters`.",
)
def eks_access_entry_hygiene(r: ResourceView) -> Iterator[str]:
    principal = r.get("principalArn")
    if r.type == ACCESS_ENTRY:
        groups = r.get("kubernetesGroups")
        if not is_unknown(groups) and "system:masters" in as_list(groups):
            yield f"access entry for {shown(principal)} puts it in system:masters"
        return
    if (
        r.get("policyArn") in ADMIN_POLICIES
        and isinstance(principal, str)
        and BROAD_PRINCIPAL.search(principal)
    ):
        yield f"{r.get('policyArn').rsplit('/', 1)[-1]} is associated with the broad principal {principal}"


@stack_rule(
    id="lepton-aws-vpc-cni-network-policy",
    title="The VPC CNI enforces NetworkPolicy",
    severity=Severity.HIGH,
    clouds=AWS,
    description="A stack with an EKS cluster manages the `vpc-cni` add-on with `enableNetworkPolicy: "
    '"true"` in its configuration values. Without it the CNI accepts NetworkPolicy objects and enforces '
    "none, so tenant isolation exists only on paper.",
    remediation="`aws.eks.Addon(addon_name='vpc-cni', "
    "configuration_values=json.dumps({'enableNetworkPolicy': "
    "'true'}))` (version v1.14.0 or later).",
)
def vpc_cni_network_policy(stack: StackView) -> Iterator[Finding]:
    clusters = stack.of_type(EKS_CLUSTER)
    if not clusters:
        raise NotApplicable("no EKS cluster in the stack")
    cnis = [a for a in stack.of_type(ADDON) if a.get("addonName") == "vpc-cni"]
    if not cnis:
        yield Finding(
            "no managed vpc-cni add-on: the self-managed CNI enforces no NetworkPolicy", clusters[0].urn
        )
    for addon in cnis:
        values = addon.get("configurationValues")
        if is_unknown(values):
            continue
        try:
            parsed = json.loads(values) if isinstance(values, str) else as_mapping(values)
        except ValueError:
            parsed = {}
        if as_bool(as_mapping(parsed).get("enableNetworkPolicy")) is not True:
            yield Finding(f"vpc-cni add-on {addon.name} does not set enableNetworkPolicy", addon.urn)


def _statements(policy: Any) -> list[Mapping[str, Any]]:
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return []
    return [as_mapping(s) for s in as_list(as_mapping(policy).get("Statement"))]


def _denies_plain_http(policy: Any) -> bool:
    for s in _statements(policy):
        condition = as_mapping(as_mapping(s.get("Condition")).get("Bool"))
        principal = s.get("Principal")
        everyone = principal == "*" or as_mapping(principal).get("AWS") == "*"
        if (
            s.get("Effect") == "Deny"
            and everyone
            and str(condition.get("aws:SecureTransport")).lower() == "false"
        ):
            return True
    return False


def _by_dependency(stack: StackView, type_: str) -> dict[str, list[ResourceView]]:
    out: dict[str, list[ResourceView]] = {}
    for r in stack.of_type(type_):
        for dep in r.dependencies:
            out.setdefault(dep, []).append(r)
    return out


@stack_rule(
    id="lepton-aws-s3-tls-only",
    title="S3 buckets refuse plain HTTP",
    severity=Severity.HIGH,
    clouds=AWS,
    description="Each bucket has a `BucketPolicy` with a Deny statement for every principal when "
    "`aws:SecureTransport` is false (S3 otherwise serves HTTP requests too).",
    remediation="`aws.s3.BucketPolicy(bucket=b.id, policy=<Deny s3:* for Principal '*' on the bucket and its "
    "objects with Condition Bool aws:SecureTransport false>)`.",
    anchors=("aws-foundational:S3.5",),
)
def s3_tls_only(stack: StackView) -> Iterator[Finding]:
    buckets = stack.of_type(BUCKET)
    if not buckets:
        raise NotApplicable("no S3 bucket in the stack")
    policies = _by_dependency(stack, BUCKET_POLICY)
    for bucket in buckets:
        attached = policies.get(bucket.urn, [])
        if not any(p.get("policy") is UNKNOWN or _denies_plain_http(p.get("policy")) for p in attached):
            yield Finding(f"bucket {bucket.name} has no policy denying requests without TLS", bucket.urn)


def _grants_log_delivery(policy: Any) -> bool:
    """An Allow for `logging.s3.amazonaws.com` to s3:PutObject, limited by aws:SourceAccount (the
    documented grant when ACLs are off; without the condition any account's bucket could log into it)."""
    for s in _statements(policy):
        principal = as_mapping(s.get("Principal")).get("Service")
        actions = as_list(s.get("Action"))
        conditions = [as_mapping(v) for v in as_mapping(s.get("Condition")).values()]
        if (
            s.get("Effect") == "Allow"
            and LOG_DELIVERY_SERVICE in as_list(principal)
            and any(a in ("s3:PutObject", "s3:*") for a in actions)
            and any("aws:SourceAccount" in c for c in conditions)
        ):
            return True
    return False


@stack_rule(
    id="lepton-aws-s3-access-logs",
    title="S3 buckets log access to a log bucket that accepts the logs",
    severity=Severity.MEDIUM,
    clouds=AWS,
    description="Each bucket that is not itself a log target has a `BucketLogging` (server access logs) to "
    "another bucket, and each log target in the stack has a bucket policy that lets "
    f"`{LOG_DELIVERY_SERVICE}` put objects, limited by `aws:SourceAccount`: with ACLs disabled (bucket owner "
    "enforced) that policy is the only way S3 may deliver, and without it logging is configured and nothing "
    "arrives. A log target does not log to itself (each delivery would log a delivery).",
    remediation="`aws.s3.BucketLogging(bucket=b.id, target_bucket=logs.id, target_prefix='s3/')` and on the "
    "log "
    f"bucket a policy allowing `{LOG_DELIVERY_SERVICE}` s3:PutObject with conditions aws:SourceArn (the "
    f"source "
    "buckets) and aws:SourceAccount (lepton_infra/aws/access_logs.py).",
    anchors=("checkov:CKV_AWS_18",),
)
def s3_access_logs(stack: StackView) -> Iterator[Finding]:
    buckets = stack.of_type(BUCKET)
    if not buckets:
        raise NotApplicable("no S3 bucket in the stack")
    loggings = stack.of_type(BUCKET_LOGGING)
    targets = log_target_buckets(stack)
    sources = {str(lg.get("bucket")) for lg in loggings}
    unknown_source_deps = {d for lg in loggings if is_unknown(lg.get("bucket")) for d in lg.dependencies}
    policies = _by_dependency(stack, BUCKET_POLICY)
    for bucket in buckets:
        name = bucket.get("bucket")
        if bucket.urn in targets:
            if name in sources:
                yield Finding(f"log bucket {bucket.name} logs to itself", bucket.urn)
            attached = policies.get(bucket.urn, [])
            if not any(p.get("policy") is UNKNOWN or _grants_log_delivery(p.get("policy")) for p in attached):
                yield Finding(
                    f"log bucket {bucket.name} has no policy letting {LOG_DELIVERY_SERVICE} deliver "
                    "(with aws:SourceAccount): S3 would deliver no logs",
                    bucket.urn,
                )
        elif str(name) not in sources and bucket.urn not in unknown_source_deps:
            yield Finding(f"bucket {bucket.name} has no server access logging", bucket.urn)


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


FLOW_LOG = "aws:ec2/flowLog:FlowLog"
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
