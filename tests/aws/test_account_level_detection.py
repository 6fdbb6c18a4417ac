"""The opt-in account-level detection knobs (`aws.cloudtrail_data_events`, `aws.guardduty_eks_protection`):
off in the shipped stacks, with the prerequisite logged; on, a trail CloudTrail accepts (bucket and key
policies limited to that trail) and the GuardDuty features in a created or adopted detector."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any
from unittest import mock

import pulumi
import pytest

from lepton_infra.aws.platform import Platform
from lepton_infra.core.errors import SpecError
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from lepton_infra.policy.evaluate import evaluate_graph
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.harness import raw_spec

TRAIL = "aws:cloudtrail/trail:Trail"
DETECTOR = "aws:guardduty/detector:Detector"
FEATURE = "aws:guardduty/detectorFeature:DetectorFeature"
ACCOUNT = "123456789012"  # the mocks' caller identity
TRAIL_ARN = f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/acme-ai-prod-model-data-events"


def _plan(plan_program: Callable[..., PlannedGraph], **knobs: Any) -> PlannedGraph:
    raw = copy.deepcopy(raw_spec("aws-prod"))
    raw["aws"] = {**raw["aws"], **knobs}
    spec = PlatformSpec.from_dict(raw)
    return plan_program(
        lambda: Platform(spec.name, spec), {"pulumi:disable-default-providers": ["*"], "lepton:platform": raw}
    )


def _doc(resource: RecordedResource) -> list[dict[str, Any]]:
    return json.loads(resource.get("policy"))["Statement"]


def _bucket_named(graph: PlannedGraph, fragment: str) -> RecordedResource:
    (bucket,) = [b for b in graph.of_type("aws:s3/bucket:Bucket") if fragment in b.get("bucket")]
    return bucket


def _of_bucket(graph: PlannedGraph, type_: str, bucket: RecordedResource) -> list[RecordedResource]:
    return [r for r in graph.of_type(type_) if bucket.urn in r.property_dependencies.get("bucket", [])]


@pytest.fixture(scope="module")
def trail_plan() -> PlannedGraph:
    from lepton_infra.plan.engine import plan_program

    return _plan(plan_program, cloudtrail_data_events=True)


def test_off_by_default_and_the_plan_names_the_prerequisites(plan_program) -> None:
    with mock.patch.object(pulumi.log, "info", wraps=pulumi.log.info) as info:
        graph = _plan(plan_program)
    assert graph.of_type(TRAIL) == [] and graph.of_type(DETECTOR) == [] and graph.of_type(FEATURE) == []
    messages = " ".join(str(c.args[0]) for c in info.call_args_list)
    assert "GuardDuty EKS Protection and Runtime Monitoring: off (aws.guardduty_eks_protection)" in messages
    assert "CloudTrail S3 data events of the model bucket: off (aws.cloudtrail_data_events)" in messages


def test_trail_records_only_the_model_buckets_object_events(trail_plan: PlannedGraph) -> None:
    trail = trail_plan.one(TRAIL)
    models = _bucket_named(trail_plan, "-models-")
    (key,) = trail_plan.of_type("aws:kms/key:Key")
    assert trail.get("name") == TRAIL_ARN.rsplit("/", 1)[1]
    assert key.urn in trail.property_dependencies["kmsKeyId"]
    assert trail.get("enableLogFileValidation") is True and trail.get("isMultiRegionTrail") is False
    (selector,) = trail.get("advancedEventSelectors")
    fields = {f["field"]: f for f in selector["fieldSelectors"]}
    assert fields["eventCategory"]["equals"] == ["Data"]
    assert fields["resources.type"]["equals"] == ["AWS::S3::Object"]
    assert fields["resources.ARN"]["startsWiths"] == [f"arn:aws:s3:::{models.get('bucket')}/"]


def test_cloudtrail_may_write_the_trail_bucket_only_for_this_trail(trail_plan: PlannedGraph) -> None:
    bucket = _bucket_named(trail_plan, "-trail-")
    (policy,) = _of_bucket(trail_plan, "aws:s3/bucketPolicy:BucketPolicy", bucket)
    grants = {
        s["Action"]: s for s in _doc(policy) if s.get("Principal") == {"Service": "cloudtrail.amazonaws.com"}
    }
    assert set(grants) == {"s3:GetBucketAcl", "s3:PutObject"}
    assert all(g["Condition"]["StringEquals"]["aws:SourceArn"] == TRAIL_ARN for g in grants.values())
    assert grants["s3:PutObject"]["Resource"] == f"arn:aws:s3:::{bucket.get('bucket')}/AWSLogs/{ACCOUNT}/*"
    assert grants["s3:PutObject"]["Condition"]["StringEquals"]["s3:x-amz-acl"] == "bucket-owner-full-control"
    # CreateTrail checks the bucket policy: the trail waits for it.
    assert policy.urn in trail_plan.one(TRAIL).dependencies
    (sse,) = _of_bucket(
        trail_plan,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        bucket,
    )
    (rule,) = sse.get("rules")
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "aws:kms"
    assert rule.get("bucketKeyEnabled") is False
    assert bucket.protect


def test_key_policy_lets_cloudtrail_encrypt_for_this_trail_only(trail_plan: PlannedGraph) -> None:
    (key,) = trail_plan.of_type("aws:kms/key:Key")
    statements = [s for s in _doc(key) if s.get("Principal") == {"Service": "cloudtrail.amazonaws.com"}]
    assert {s["Action"] for s in statements} == {"kms:GenerateDataKey*", "kms:DescribeKey"}
    assert all(s["Condition"]["StringEquals"]["aws:SourceArn"] == TRAIL_ARN for s in statements)
    (encrypt,) = [s for s in statements if s["Action"] == "kms:GenerateDataKey*"]
    assert encrypt["Condition"]["StringLike"]["kms:EncryptionContext:aws:cloudtrail:arn"] == (
        f"arn:aws:cloudtrail:*:{ACCOUNT}:trail/*"
    )


def test_trail_bucket_logs_access_like_the_model_bucket(trail_plan: PlannedGraph) -> None:
    trail_bucket, logs = _bucket_named(trail_plan, "-trail-"), _bucket_named(trail_plan, "-access-logs-")
    (logging,) = _of_bucket(trail_plan, "aws:s3/bucketLogging:BucketLogging", trail_bucket)
    assert logs.urn in logging.property_dependencies["targetBucket"]
    (policy,) = _of_bucket(trail_plan, "aws:s3/bucketPolicy:BucketPolicy", logs)
    (grant,) = [s for s in _doc(policy) if s["Effect"] == "Allow"]
    assert f"arn:aws:s3:::{trail_bucket.get('bucket')}" in grant["Condition"]["ArnLike"]["aws:SourceArn"]
    assert f"arn:aws:s3:::{logs.get('bucket')}/{logging.get('targetPrefix')}*" in grant["Resource"]


def test_trail_plan_has_no_mandatory_violation(trail_plan: PlannedGraph) -> None:
    assert [(v.policy, v.message) for v in evaluate_graph(trail_plan).mandatory] == []


def test_guardduty_creates_a_protected_detector_with_both_eks_features(plan_program) -> None:
    graph = _plan(plan_program, guardduty_eks_protection=True)
    detector = graph.one(DETECTOR)
    assert detector.protect and detector.get("enable") is True
    features = {f.get("name"): f for f in graph.of_type(FEATURE)}
    assert set(features) == {"EKS_AUDIT_LOGS", "RUNTIME_MONITORING"}
    assert all(
        detector.urn in f.property_dependencies["detectorId"] and f.get("status") == "ENABLED"
        for f in features.values()
    )
    assert features["RUNTIME_MONITORING"].get("additionalConfigurations") == [
        {"name": "EKS_ADDON_MANAGEMENT", "status": "ENABLED"}
    ]


def test_guardduty_adopts_an_existing_detector(plan_program) -> None:
    graph = _plan(
        plan_program, guardduty_eks_protection=True, guardduty_detector_id="12abc34d567e8fa901bc2d34e56789f0"
    )
    assert graph.of_type(DETECTOR) == []
    assert {f.get("detectorId") for f in graph.of_type(FEATURE)} == {"12abc34d567e8fa901bc2d34e56789f0"}


def test_a_detector_id_without_the_knob_is_refused() -> None:
    raw = copy.deepcopy(raw_spec("aws-prod"))
    raw["aws"] = {**raw["aws"], "guardduty_detector_id": "12abc34d567e8fa901bc2d34e56789f0"}
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    (problem,) = [p for p in err.value.problems if p.path == "aws.guardduty_detector_id"]
    assert "guardduty_eks_protection" in problem.fix
