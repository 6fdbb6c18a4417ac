"""Opt-in cross-region replication of the model bucket (`aws.model_bucket_replication_region`): off in the
shipped stacks; on, everything S3 needs for replicating SSE-KMS objects, in the other region."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from lepton_infra.aws.platform import Platform
from lepton_infra.core.errors import SpecError
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from lepton_infra.policy.evaluate import evaluate_graph
from lepton_infra.spec import PlatformSpec
from tests.aws.iam_lint import lint
from tests.kubernetes.harness import raw_spec

REPLICATION = "aws:s3/bucketReplicationConfig:BucketReplicationConfig"
BUCKET = "aws:s3/bucket:Bucket"
REPLICA_REGION = "us-west-2"


def _raw(**knobs: Any) -> dict[str, Any]:
    raw = copy.deepcopy(raw_spec("aws-prod"))
    raw["aws"] = {**raw["aws"], **knobs}
    return raw


@pytest.fixture(scope="module")
def graph() -> PlannedGraph:
    raw = _raw(model_bucket_replication_region=REPLICA_REGION)
    spec = PlatformSpec.from_dict(raw)
    return plan_program(
        lambda: Platform(spec.name, spec), {"pulumi:disable-default-providers": ["*"], "lepton:platform": raw}
    )


def _of(graph: PlannedGraph, type_: str, bucket: RecordedResource) -> list[RecordedResource]:
    return [r for r in graph.of_type(type_) if bucket.urn in r.property_dependencies.get("bucket", [])]


def _bucket(graph: PlannedGraph, fragment: str) -> RecordedResource:
    (bucket,) = [b for b in graph.of_type(BUCKET) if fragment in b.get("bucket")]
    return bucket


def test_shipped_stacks_do_not_replicate(plan_stack, platform_dir) -> None:
    for stack in ("aws-dev", "aws-prod"):
        assert plan_stack(platform_dir, stack).of_type(REPLICATION) == []


def test_replica_lives_in_the_other_region_with_its_own_key(graph: PlannedGraph) -> None:
    replica = _bucket(graph, "-models-replica-")
    assert replica.get("region") == REPLICA_REGION and replica.protect
    keys = {k.get("region"): k for k in graph.of_type("aws:kms/key:Key")}
    assert set(keys) == {None, REPLICA_REGION}  # the platform key (provider's region) and the replica's
    (sse,) = _of(
        graph,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        replica,
    )
    assert keys[REPLICA_REGION].urn in sse.property_dependencies["rules"]
    assert all(
        r.get("region") == REPLICA_REGION
        for t in (
            "aws:s3/bucketVersioning:BucketVersioning",
            "aws:s3/bucketPolicy:BucketPolicy",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        )
        for r in _of(graph, t, replica)
    )


def test_replication_selects_kms_objects_and_waits_for_versioning_at_both_ends(graph: PlannedGraph) -> None:
    config = graph.one(REPLICATION)
    models, replica = _bucket(graph, "-models-1"), _bucket(graph, "-models-replica-")
    assert models.urn in config.property_dependencies["bucket"]
    (rule,) = config.get("rules")
    assert rule["status"] == "Enabled"
    assert rule["sourceSelectionCriteria"]["sseKmsEncryptedObjects"]["status"] == "Enabled"
    assert rule["destination"]["bucket"] == f"arn:aws:s3:::{replica.get('bucket')}"
    assert rule["destination"]["encryptionConfiguration"]["replicaKmsKeyId"]
    versionings = [
        v.urn for b in (models, replica) for v in _of(graph, "aws:s3/bucketVersioning:BucketVersioning", b)
    ]
    assert len(versionings) == 2 and set(versionings) <= set(config.dependencies)


def test_replication_role_is_scoped_to_the_two_buckets_and_keys(graph: PlannedGraph) -> None:
    (role,) = [r for r in graph.of_type("aws:iam/role:Role") if "replication" in r.name]
    (trust,) = json.loads(role.get("assumeRolePolicy"))["Statement"]
    assert trust["Principal"] == {"Service": ["s3.amazonaws.com"]}
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == "123456789012"
    (policy,) = [p for p in graph.of_type("aws:iam/rolePolicy:RolePolicy") if "replication" in p.name]
    assert lint(policy.get("policy")) == []
    statements = {s["Sid"]: s for s in json.loads(policy.get("policy"))["Statement"]}
    assert statements["DecryptSourceThroughS3"]["Condition"]["StringEquals"]["kms:ViaService"] == (
        "s3.us-east-1.amazonaws.com"
    )
    assert statements["EncryptReplicaThroughS3"]["Condition"]["StringEquals"]["kms:ViaService"] == (
        f"s3.{REPLICA_REGION}.amazonaws.com"
    )
    assert "*" not in json.dumps([s["Resource"] for s in statements.values()]).replace("/*", "")


def test_replica_access_logs_stay_in_its_region(graph: PlannedGraph) -> None:
    replica = _bucket(graph, "-models-replica-")
    (logging,) = _of(graph, "aws:s3/bucketLogging:BucketLogging", replica)
    (target,) = [graph.by_urn(u) for u in logging.property_dependencies["targetBucket"]]
    assert target.get("region") == REPLICA_REGION and target.urn != replica.urn


def test_replication_plan_has_no_mandatory_violation(graph: PlannedGraph) -> None:
    assert [(v.policy, v.message) for v in evaluate_graph(graph).mandatory] == []


def test_replica_in_the_buckets_own_region_is_refused() -> None:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(_raw(model_bucket_replication_region="us-east-1"))
    assert [p.path for p in err.value.problems] == ["aws.model_bucket_replication_region"]
