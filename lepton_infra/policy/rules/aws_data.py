"""AWS rules for keys, stores and identity: KMS, S3, ECR, CloudWatch Logs, SNS, IAM."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import UNKNOWN, as_bool, as_list, as_mapping, is_set, is_unknown, shown
from lepton_infra.policy.registry import resource_rule, stack_rule

AWS = ("aws",)
BUCKET = "aws:s3/bucket:Bucket"
BUCKET_SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
BUCKET_PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
BUCKET_LOGGING = "aws:s3/bucketLogging:BucketLogging"
ECR_REPOSITORY = "aws:ecr/repository:Repository"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
SNS_TOPIC = "aws:sns/topic:Topic"
KMS_KEY = "aws:kms/key:Key"
POLICY_DOCUMENT_TYPES = (
    "aws:iam/policy:Policy",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
ATTACHMENT_TYPES = (
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
)
IAM_ROLE = "aws:iam/role:Role"
ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


# --- encryption at rest ---------------------------------------------------------------------------


@resource_rule(
    id="lepton-aws-kms-key-rotation",
    title="KMS keys rotate",
    severity=Severity.HIGH,
    types=(KMS_KEY,),
    clouds=AWS,
    description="Symmetric customer-managed KMS keys have automatic rotation on.",
    remediation="Set `enable_key_rotation=True`.",
    anchors=("checkov:CKV_AWS_7",),
)
def kms_rotation(r: ResourceView) -> Iterator[str]:
    spec = r.get("customerMasterKeySpec", "SYMMETRIC_DEFAULT")
    if isinstance(spec, str) and spec != "SYMMETRIC_DEFAULT":
        raise NotApplicable(f"{spec} keys cannot rotate automatically")
    value = r.get("enableKeyRotation")
    if not is_unknown(value) and as_bool(value) is not True:
        yield "enableKeyRotation is not true"


@resource_rule(
    id="lepton-aws-ecr-cmk",
    title="ECR repositories are encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    types=(ECR_REPOSITORY,),
    clouds=AWS,
    description="Images are encrypted with our KMS key (`encryptionConfigurations[].encryptionType` KMS "
    "with `kmsKey`).",
    remediation="Set `encryption_configurations=[...(encryption_type='KMS', kms_key=key.arn)]`.",
    anchors=("checkov:CKV_AWS_136",),
)
def ecr_cmk(r: ResourceView) -> Iterator[str]:
    configs = [as_mapping(c) for c in as_list(r.get("encryptionConfigurations"))]
    if not configs:
        yield "no encryptionConfigurations: images are encrypted with AES256, not our KMS key"
        return
    for c in configs:
        if c.get("encryptionType") not in ("KMS", "KMS_DSSE", UNKNOWN):
            yield f"encryptionType is {shown(c.get('encryptionType'))}, not KMS"
        elif not is_set(c.get("kmsKey")):
            yield "kmsKey is not set: KMS with the AWS-managed key"


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


@resource_rule(
    id="lepton-aws-sns-cmk",
    title="SNS topics are encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    types=(SNS_TOPIC,),
    clouds=AWS,
    description="Topics have `kmsMasterKeyId` set to a key of ours (not `alias/aws/sns`).",
    remediation="Set `kms_master_key_id=key.arn`.",
    anchors=("checkov:CKV_AWS_26",),
)
def sns_cmk(r: ResourceView) -> Iterator[str]:
    key = r.get("kmsMasterKeyId")
    if not is_set(key):
        yield "kmsMasterKeyId is not set"
    elif key == "alias/aws/sns":
        yield "kmsMasterKeyId is the AWS-managed alias/aws/sns, not a customer-managed key"


# --- identity -------------------------------------------------------------------------------------


@resource_rule(
    id="lepton-aws-iam-no-admin",
    title="No IAM policy allows * on *",
    severity=Severity.CRITICAL,
    types=(*POLICY_DOCUMENT_TYPES, *ATTACHMENT_TYPES, IAM_ROLE),
    clouds=AWS,
    description="No policy statement allows every action on every resource, and AdministratorAccess is "
    "not attached.",
    remediation="List the actions and resources the principal needs; scope by tag conditions.",
    anchors=("checkov:CKV_AWS_62", "checkov:CKV_AWS_1"),
)
def iam_no_admin(r: ResourceView) -> Iterator[str]:
    if r.type in ATTACHMENT_TYPES:
        if r.get("policyArn") == ADMIN_POLICY_ARN:
            yield "AdministratorAccess is attached"
        return
    if r.type == IAM_ROLE:
        if ADMIN_POLICY_ARN in as_list(r.get("managedPolicyArns")):
            yield "AdministratorAccess is in managedPolicyArns"
        for inline in as_list(r.get("inlinePolicies")):
            yield from _admin_statements(as_mapping(inline).get("policy"))
        return
    yield from _admin_statements(r.get("policy"))


def _admin_statements(document: Any) -> Iterator[str]:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError:
            return
    statements = as_list(as_mapping(document).get("Statement"))
    for s in (as_mapping(x) for x in statements):
        actions, resources = as_list(s.get("Action")), as_list(s.get("Resource"))
        if s.get("Effect") == "Allow" and {"*", "*:*"} & set(map(str, actions)) and "*" in resources:
            yield f"statement {s.get('Sid') or ''} allows Action * on Resource *".replace("  ", " ")


# --- data protection ------------------------------------------------------------------------------


@resource_rule(
    id="lepton-aws-ecr-scan-on-push",
    title="ECR repositories scan images on push",
    severity=Severity.MEDIUM,
    types=(ECR_REPOSITORY,),
    clouds=AWS,
    description="`imageScanningConfiguration.scanOnPush` is true.",
    remediation="Set `image_scanning_configuration=...(scan_on_push=True)`.",
    anchors=("checkov:CKV_AWS_163",),
)
def ecr_scan_on_push(r: ResourceView) -> Iterator[str]:
    value = r.get("imageScanningConfiguration.scanOnPush")
    if not is_unknown(value) and as_bool(value) is not True:
        yield "imageScanningConfiguration.scanOnPush is not true"


@resource_rule(
    id="lepton-aws-ecr-immutable-tags",
    title="ECR image tags are immutable",
    severity=Severity.MEDIUM,
    types=(ECR_REPOSITORY,),
    clouds=AWS,
    description="`imageTagMutability` is IMMUTABLE.",
    remediation="Set `image_tag_mutability='IMMUTABLE'`.",
    anchors=("checkov:CKV_AWS_51",),
)
def ecr_immutable(r: ResourceView) -> Iterator[str]:
    value = r.get("imageTagMutability", "MUTABLE")
    if value not in ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", UNKNOWN):
        yield f"imageTagMutability is {shown(value)}: a tag can be overwritten"


def _bucket_companions(stack: StackView, companion_type: str) -> dict[str, list[ResourceView]]:
    """Bucket URN -> the companion resources (versioning, encryption, ...) that refer to it."""
    by_bucket: dict[str, list[ResourceView]] = {}
    for companion in stack.of_type(companion_type):
        for dep in companion.dependencies:
            by_bucket.setdefault(dep, []).append(companion)
    return by_bucket


def _buckets(stack: StackView) -> list[ResourceView]:
    buckets = stack.of_type(BUCKET)
    if not buckets:
        raise NotApplicable("no S3 bucket in the stack")
    return buckets


def log_target_buckets(stack: StackView) -> set[str]:
    """URNs of the buckets some `BucketLogging` delivers server access logs to: by name (`targetBucket`),
    or, while names are unknown (preview), a bucket it depends on that is not its source."""
    buckets = stack.of_type(BUCKET)
    by_name = {str(b.get("bucket")): b.urn for b in buckets if isinstance(b.get("bucket"), str)}
    bucket_urns = {b.urn for b in buckets}
    targets: set[str] = set()
    for logging in stack.of_type(BUCKET_LOGGING):
        target, source = logging.get("targetBucket"), logging.get("bucket")
        if isinstance(target, str) and target in by_name:
            targets.add(by_name[target])
        elif is_unknown(target):
            source_urn = by_name.get(source) if isinstance(source, str) else None
            targets |= {d for d in logging.dependencies if d in bucket_urns and d != source_urn}
    return targets


@stack_rule(
    id="lepton-aws-s3-cmk",
    title="S3 buckets use SSE-KMS with a customer-managed key",
    severity=Severity.HIGH,
    clouds=AWS,
    description="Each bucket's default encryption (its `BucketServerSideEncryptionConfiguration`, or the "
    "inline block) is `aws:kms` with `kmsMasterKeyId` set. A server access log target (a `BucketLogging`'s "
    "`targetBucket`) needs SSE-S3 (`AES256`) instead: S3 delivers no access logs to a bucket whose default "
    'encryption is SSE-KMS (S3 user guide, "Enabling Amazon S3 server access logging").',
    remediation="Add `aws.s3.BucketServerSideEncryptionConfiguration(bucket=b.id, rules=[...("
    "apply_server_side_encryption_by_default=...(sse_algorithm='aws:kms', kms_master_key_id=key.arn), "
    "bucket_key_enabled=True)])` (`sse_algorithm='AES256'` on an access log bucket).",
    anchors=("checkov:CKV_AWS_145",),
)
def s3_cmk(stack: StackView) -> Iterator[Finding]:
    configs = _bucket_companions(stack, BUCKET_SSE)
    log_targets = log_target_buckets(stack)
    for bucket in _buckets(stack):
        defaults = [
            as_mapping(as_mapping(rule).get("applyServerSideEncryptionByDefault"))
            for c in configs.get(bucket.urn, [])
            for rule in as_list(c.get("rules"))
        ]
        inline = bucket.get("serverSideEncryptionConfiguration.rule.applyServerSideEncryptionByDefault")
        if inline:
            defaults.append(as_mapping(inline))
        if bucket.urn in log_targets:
            if not any(d.get("sseAlgorithm") in ("AES256", UNKNOWN) for d in defaults):
                yield Finding(
                    f"access log bucket {bucket.name} has no SSE-S3 (AES256) default encryption (the only "
                    "one S3 log delivery supports)",
                    bucket.urn,
                )
            continue
        if not any(
            d.get("sseAlgorithm") in ("aws:kms", "aws:kms:dsse", UNKNOWN) and is_set(d.get("kmsMasterKeyId"))
            for d in defaults
        ):
            yield Finding(f"bucket {bucket.name} has no SSE-KMS default encryption with our key", bucket.urn)


@stack_rule(
    id="lepton-aws-s3-versioning",
    title="S3 buckets are versioned",
    severity=Severity.MEDIUM,
    clouds=AWS,
    description="Each bucket has a `BucketVersioning` with status Enabled (or inline versioning on).",
    remediation="Add `aws.s3.BucketVersioning(bucket=b.id, versioning_configuration=...(status='Enabled'))`.",
    anchors=("checkov:CKV_AWS_21",),
)
def s3_versioning(stack: StackView) -> Iterator[Finding]:
    versionings = _bucket_companions(stack, BUCKET_VERSIONING)
    for bucket in _buckets(stack):
        statuses = [v.get("versioningConfiguration.status") for v in versionings.get(bucket.urn, [])]
        inline = as_bool(bucket.get("versioning.enabled")) is True
        if not inline and not any(s in ("Enabled", UNKNOWN) for s in statuses):
            yield Finding(f"bucket {bucket.name} is not versioned", bucket.urn)


@stack_rule(
    id="lepton-aws-s3-public-access-block",
    title="S3 buckets block public access",
    severity=Severity.HIGH,
    clouds=AWS,
    description="Each bucket has a `BucketPublicAccessBlock` with all four settings true.",
    remediation="Add `aws.s3.BucketPublicAccessBlock(bucket=b.id, block_public_acls=True, "
    "block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=True)`.",
    anchors=("checkov:CKV_AWS_53", "checkov:CKV_AWS_54", "checkov:CKV_AWS_55", "checkov:CKV_AWS_56"),
)
def s3_public_access_block(stack: StackView) -> Iterator[Finding]:
    blocks = _bucket_companions(stack, BUCKET_PAB)
    settings = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    for bucket in _buckets(stack):
        complete = [
            b
            for b in blocks.get(bucket.urn, [])
            if all(b.get(s) is UNKNOWN or as_bool(b.get(s)) is True for s in settings)
        ]
        if not complete:
            yield Finding(
                f"bucket {bucket.name} has no public access block with all four settings on", bucket.urn
            )
