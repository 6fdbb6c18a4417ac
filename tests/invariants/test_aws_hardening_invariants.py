"""Production hardening over the recorded plans of the shipped AWS stacks (issue 13): log retention on
every CloudWatch log group the platform's services write to, the model bucket's access logs reaching a
bucket that accepts them, and the cluster-autoscaler's writes limited to this cluster's Auto Scaling
groups. Facts across resources, which no single component's inputs show."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
from parliament import expand_action, iam_definition

from lepton_infra.plan.record import PlannedGraph, RecordedResource

AWS_STACKS = ["aws-dev", "aws-prod"]
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
IDENTITY_POLICIES = ("aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy")
# CloudWatch Logs PutRetentionPolicy accepts only these (AWS API reference), written out here on purpose:
# the test must not trust the module's own table.
ACCEPTED = {
    1,
    3,
    5,
    7,
    14,
    30,
    60,
    90,
    120,
    150,
    180,
    365,
    400,
    545,
    731,
    1096,
    1827,
    2192,
    2557,
    2922,
    3288,
    3653,
}
# Where each AWS service writes the logs the platform turns on (EKS user guide "Send control plane logs
# to CloudWatch Logs"; Container Insights "Setting up Container Insights on Amazon EKS": four groups).
INSIGHTS_KINDS = ("application", "dataplane", "host", "performance")


@pytest.fixture(scope="module", params=AWS_STACKS)
def graph(request, plan_stack, platform_dir: Path) -> PlannedGraph:
    return plan_stack(platform_dir, request.param)


@pytest.fixture(scope="module")
def prod(plan_stack, platform_dir: Path) -> PlannedGraph:
    return plan_stack(platform_dir, "aws-prod")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(resource: RecordedResource) -> list[dict[str, Any]]:
    return _list(json.loads(resource.get("policy"))["Statement"])


# --- CloudWatch log retention ------------------------------------------------------------------------


def _written_log_groups(graph: PlannedGraph) -> set[str]:
    """The log groups AWS services will write to, from the resources that turn the logs on."""
    names = {
        f"/aws/eks/{c.get('name')}/cluster"
        for c in graph.of_type("aws:eks/cluster:Cluster")
        if c.get("enabledClusterLogTypes")
    }
    for addon in graph.of_type("aws:eks/addon:Addon"):
        if addon.get("addonName") == "amazon-cloudwatch-observability":
            names |= {f"/aws/containerinsights/{addon.get('clusterName')}/{k}" for k in INSIGHTS_KINDS}
    arns = {g.urn: g for g in graph.of_type(LOG_GROUP)}
    for flow_log in graph.of_type("aws:ec2/flowLog:FlowLog"):
        assert flow_log.get("logDestinationType") == "cloud-watch-logs"
        (group,) = [arns[u] for u in flow_log.property_dependencies.get("logDestination", []) if u in arns]
        names.add(group.get("name"))
    return names


def test_every_log_group_a_service_writes_is_planned(graph: PlannedGraph) -> None:
    """Otherwise the service creates it itself: unencrypted and kept forever (or, for Container
    Insights, with the agent's own retention), and no retention below applies."""
    planned = {g.get("name") for g in graph.of_type(LOG_GROUP)}
    written = _written_log_groups(graph)
    assert len(written) == 6 and written <= planned


def test_every_log_group_has_an_accepted_retention_and_the_cmk(graph: PlannedGraph) -> None:
    (key,) = graph.of_type("aws:kms/key:Key")
    for group in graph.of_type(LOG_GROUP):
        assert int(group.get("retentionInDays")) in ACCEPTED, (
            group.get("name"),
            group.get("retentionInDays"),
        )
        assert key.urn in group.property_dependencies.get("kmsKeyId", []), group.get("name")


def test_prod_keeps_a_year_of_logs_and_dev_less(prod: PlannedGraph, plan_stack, platform_dir: Path) -> None:
    dev = plan_stack(platform_dir, "aws-dev")
    assert {g.get("name"): int(g.get("retentionInDays")) >= 365 for g in prod.of_type(LOG_GROUP)} == {
        name: True for name in _written_log_groups(prod)
    }
    assert all(int(g.get("retentionInDays")) < 365 for g in dev.of_type(LOG_GROUP))


# --- model bucket access logs ------------------------------------------------------------------------


def _model_bucket(graph: PlannedGraph) -> RecordedResource:
    (bucket,) = [b for b in graph.of_type(BUCKET) if b.get("bucket") == graph.outputs["model_bucket"]]
    return bucket


def _companions(graph: PlannedGraph, type_: str, bucket: RecordedResource) -> list[RecordedResource]:
    return [r for r in graph.of_type(type_) if bucket.urn in r.property_dependencies.get("bucket", [])]


def _log_target(graph: PlannedGraph) -> RecordedResource:
    models = _model_bucket(graph)
    (logging,) = _companions(graph, BUCKET_LOGGING, models)
    (target,) = [graph.by_urn(u) for u in logging.property_dependencies["targetBucket"]]
    assert target.type == BUCKET and target.urn != models.urn
    return target


def test_model_bucket_logs_to_a_bucket_that_lets_s3_deliver(graph: PlannedGraph) -> None:
    """With ACLs disabled (bucket owner enforced) only a bucket policy for `logging.s3.amazonaws.com` lets
    S3 deliver, limited to this account and the model bucket (S3 user guide, "Enabling Amazon S3 server
    access logging", Permissions for log delivery)."""
    models, target = _model_bucket(graph), _log_target(graph)
    (ownership,) = _companions(graph, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", target)
    assert ownership.get("rule.objectOwnership") == "BucketOwnerEnforced"
    (logging,) = _companions(graph, BUCKET_LOGGING, models)
    prefix = logging.get("targetPrefix")
    account = graph.outputs["kms_key_arn"].split(":")[4]
    grants = [
        s
        for p in _companions(graph, BUCKET_POLICY, target)
        for s in _statements(p)
        if s.get("Principal") == {"Service": "logging.s3.amazonaws.com"} and s["Effect"] == "Allow"
    ]
    assert len(grants) == 1
    (grant,) = grants
    assert grant["Action"] == "s3:PutObject"
    assert _list(grant["Resource"]) == [f"arn:aws:s3:::{target.get('bucket')}/{prefix}*"]
    assert grant["Condition"]["StringEquals"]["aws:SourceAccount"] == account
    assert _list(grant["Condition"]["ArnLike"]["aws:SourceArn"]) == [f"arn:aws:s3:::{models.get('bucket')}"]
    # The logging configuration waits for the grant: delivery starts against a bucket that accepts it.
    assert {ownership.urn, *(p.urn for p in _companions(graph, BUCKET_POLICY, target))} <= set(
        logging.dependencies
    )


def test_log_bucket_is_hardened_as_s3_allows(graph: PlannedGraph) -> None:
    """SSE-S3, because S3 delivers no server access logs to a bucket with default SSE-KMS; public access
    blocked; TLS only; versioned; its logs expire; and it does not log to itself."""
    target = _log_target(graph)
    (sse,) = _companions(graph, SSE, target)
    assert [r["applyServerSideEncryptionByDefault"]["sseAlgorithm"] for r in sse.get("rules")] == ["AES256"]
    (pab,) = _companions(graph, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", target)
    assert all(
        pab.get(k) is True
        for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )
    denies = [
        s for p in _companions(graph, BUCKET_POLICY, target) for s in _statements(p) if s["Effect"] == "Deny"
    ]
    assert any(
        s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}} and s["Principal"] == "*" for s in denies
    )
    (versioning,) = _companions(graph, "aws:s3/bucketVersioning:BucketVersioning", target)
    assert versioning.get("versioningConfiguration.status") == "Enabled"
    (lifecycle,) = _companions(graph, LIFECYCLE, target)
    expiring = [
        r for r in lifecycle.get("rules") if r["status"] == "Enabled" and r.get("expiration", {}).get("days")
    ]
    assert len(expiring) == 1 and expiring[0].get("noncurrentVersionExpiration", {}).get("noncurrentDays")
    assert _companions(graph, BUCKET_LOGGING, target) == []
    assert not any(
        lg.get("targetBucket") == target.get("bucket") and lg.get("bucket") == target.get("bucket")
        for lg in graph.of_type(BUCKET_LOGGING)
    )


def test_log_bucket_is_protected_and_keeps_a_year_in_prod(
    prod: PlannedGraph, plan_stack, platform_dir: Path
) -> None:
    target = _log_target(prod)
    assert target.protect and target.get("forceDestroy") is False
    (lifecycle,) = _companions(prod, LIFECYCLE, target)
    assert [
        r["expiration"]["days"] for r in lifecycle.get("rules") if r.get("expiration", {}).get("days")
    ] == [365]
    dev = plan_stack(platform_dir, "aws-dev")
    (dev_lifecycle,) = _companions(dev, LIFECYCLE, _log_target(dev))
    assert [
        r["expiration"]["days"] for r in dev_lifecycle.get("rules") if r.get("expiration", {}).get("days")
    ] == [30]


# --- cluster-autoscaler IAM --------------------------------------------------------------------------

_RESOURCE_TYPES = {
    (s["prefix"], p["privilege"].lower()): [r["resource_type"] for r in p["resource_types"]]
    for s in iam_definition
    for p in s["privileges"]
}


def _restrictable(action: str) -> list[str]:
    """The actions `action` expands to that support resource-level permissions (parliament's copy of the
    Service Authorization Reference: a resource type other than the empty one)."""
    return [
        f"{e['service']}:{e['action']}"
        for e in expand_action(action)
        if any(_RESOURCE_TYPES[(e["service"], e["action"].lower())])
    ]


def test_no_identity_policy_allows_a_restrictable_action_on_star(graph: PlannedGraph) -> None:
    found = {}
    for policy in (r for t in IDENTITY_POLICIES for r in graph.of_type(t)):
        for st in _statements(policy):
            bad = [x for a in _list(st["Action"]) for x in _restrictable(a)]
            if st["Effect"] == "Allow" and "*" in _list(st["Resource"]) and bad:
                found[policy.name] = bad
    assert found == {}


def test_autoscaler_writes_only_to_this_clusters_node_group_asgs(graph: PlannedGraph) -> None:
    """EKS names a managed node group's ASG `eks-<node group name>-<uuid>`; the node groups are named from
    a prefix. Every group the autoscaler may scale matches exactly one planned node group's prefix, every
    planned node group is covered, and the cluster tag condition stays."""
    (policy,) = [p for p in graph.of_type("aws:iam/rolePolicy:RolePolicy") if "autoscaler" in p.name]
    writes = [s for s in _statements(policy) if "autoscaling:SetDesiredCapacity" in _list(s["Action"])]
    assert len(writes) == 1
    (write,) = writes
    assert set(_list(write["Action"])) == {
        "autoscaling:SetDesiredCapacity",
        "autoscaling:TerminateInstanceInAutoScalingGroup",
    }
    (cluster,) = graph.of_type("aws:eks/cluster:Cluster")
    assert write["Condition"] == {
        "StringEquals": {f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster.get('name')}": "owned"}
    }
    prefixes = {g.get("nodeGroupNamePrefix") for g in graph.of_type("aws:eks/nodeGroup:NodeGroup")}
    region = graph.one("pulumi:providers:aws").get("region")
    account = graph.outputs["kms_key_arn"].split(":")[4]
    expected = {
        f"arn:aws:autoscaling:{region}:{account}:autoScalingGroup:*:autoScalingGroupName/eks-{p}*"
        for p in prefixes
    }
    assert set(_list(write["Resource"])) == expected
    # Another cluster's pool named differently never matches; the name patterns do not hide a wildcard.
    other = f"arn:aws:autoscaling:{region}:{account}:autoScalingGroup:1:autoScalingGroupName/eks-other-x-1"
    assert not any(fnmatchcase(other, r) for r in expected)
