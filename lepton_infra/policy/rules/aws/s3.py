"""S3 rules: customer-managed keys, versioning, public access blocked, TLS only, access logs."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import UNKNOWN, as_bool, as_list, as_mapping, is_set, is_unknown
from lepton_infra.policy.registry import stack_rule
from lepton_infra.policy.rules.aws.tokens import (
    AWS,
    BUCKET,
    BUCKET_LOGGING,
    BUCKET_PAB,
    BUCKET_POLICY,
    BUCKET_SSE,
    BUCKET_VERSIONING,
)


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


LOG_DELIVERY_SERVICE = "logging.s3.amazonaws.com"


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
