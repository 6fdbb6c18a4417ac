"""The S3 server access log bucket: where S3 delivers one record per request made to the model bucket.

What S3 requires of a target bucket (S3 user guide, "Enabling Amazon S3 server access logging"): the same
account and region as the source; no Object Lock, no default retention, no Requester Pays; and default
encryption only with SSE-S3 (AES256): default SSE-KMS is not supported there, so this bucket is the one
store of the platform not encrypted with its CMK (docs/security.md, checkov CKV_AWS_145). With the
bucket-owner-enforced Object Ownership, ACLs are off and delivery is granted by a bucket policy to the
logging service principal `logging.s3.amazonaws.com`, limited by `aws:SourceArn` (the source buckets) and
`aws:SourceAccount` (this account). The log bucket does not log to itself (S3 advises against it: every
delivery would log a delivery; CKV_AWS_18 exception).
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from lepton_infra.aws.iam import document
from lepton_infra.core.naming import child_name

LOGGING_SERVICE = "logging.s3.amazonaws.com"


def tls_only_statement(bucket_arn: pulumi.Input[str]) -> dict:
    """Deny every request to the bucket and its objects without TLS (S3 also serves plain HTTP)."""
    return {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def log_delivery_policy(
    log_bucket_arn: pulumi.Input[str],
    prefixes: Sequence[str],
    source_bucket_arns: Sequence[pulumi.Input[str]],
    account_id: pulumi.Input[str],
) -> pulumi.Output[str]:
    """S3 log delivery may write only under the sources' prefixes, only for the named source buckets of this
    account; every request without TLS is refused (the delivery service uses TLS)."""
    return pulumi.Output.json_dumps(
        document(
            [
                {
                    "Sid": "S3ServerAccessLogDelivery",
                    "Effect": "Allow",
                    "Principal": {"Service": LOGGING_SERVICE},
                    "Action": "s3:PutObject",
                    "Resource": [pulumi.Output.concat(log_bucket_arn, "/", p, "*") for p in prefixes],
                    "Condition": {
                        "ArnLike": {"aws:SourceArn": list(source_bucket_arns)},
                        "StringEquals": {"aws:SourceAccount": account_id},
                    },
                },
                tls_only_statement(log_bucket_arn),
            ]
        )
    )


def expiring_log_bucket_controls(
    prefix: str,
    bucket: pulumi.Input[str],
    *,
    encryption: aws.s3.BucketServerSideEncryptionConfigurationRuleArgs,
    retention_days: int,
    expire_rule_id: str,
    opts: pulumi.ResourceOptions,
    region: str | None = None,
) -> aws.s3.BucketOwnershipControls:
    """What every log bucket of the platform carries (the access-log and the trail buckets): owner-enforced
    ownership (no ACLs), all public access blocked, default encryption `encryption`, versioning (checkov
    CKV_AWS_21: an overwritten or deleted log stays recoverable for a day) and a lifecycle expiring logs
    after `retention_days`. `prefix` names the resources (`<prefix>-ownership`, ...). Returns the ownership
    controls, which log delivery must wait for."""
    ownership = aws.s3.BucketOwnershipControls(
        f"{prefix}-ownership",
        bucket=bucket,
        region=region,
        rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
        opts=opts,
    )
    aws.s3.BucketPublicAccessBlock(
        f"{prefix}-public-access",
        bucket=bucket,
        region=region,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
        opts=opts,
    )
    aws.s3.BucketServerSideEncryptionConfiguration(
        f"{prefix}-sse", bucket=bucket, region=region, rules=[encryption], opts=opts
    )
    versioning = aws.s3.BucketVersioning(
        f"{prefix}-versioning",
        bucket=bucket,
        region=region,
        versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
        opts=opts,
    )
    everything = aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix="")
    aws.s3.BucketLifecycleConfiguration(
        f"{prefix}-lifecycle",
        bucket=bucket,
        region=region,
        rules=[
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id=expire_rule_id,
                status="Enabled",
                filter=everything,
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(days=retention_days),
                noncurrent_version_expiration=(
                    aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(noncurrent_days=1)
                ),
                abort_incomplete_multipart_upload=(
                    aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                        days_after_initiation=1
                    )
                ),
            ),
            # S3 refuses ExpiredObjectDeleteMarker next to Days in one rule: the markers the expiry leaves go
            # here.
            aws.s3.BucketLifecycleConfigurationRuleArgs(
                id="remove-expired-delete-markers",
                status="Enabled",
                filter=everything,
                expiration=aws.s3.BucketLifecycleConfigurationRuleExpirationArgs(
                    expired_object_delete_marker=True
                ),
            ),
        ],
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[versioning])),
    )
    return ownership


def access_log_bucket(
    parent: str,
    *,
    bucket_name: pulumi.Input[str],
    sources: Sequence[tuple[pulumi.Input[str], str]],
    account_id: pulumi.Input[str],
    retention_days: int,
    protect: bool,
    opts: pulumi.ResourceOptions,
    protect_opts: pulumi.ResourceOptions,
    region: str | None = None,
    suffix: str = "",
) -> tuple[aws.s3.Bucket, list[pulumi.Resource]]:
    """The bucket and the settings delivery needs first (ownership, policy), which `BucketLogging` must
    wait for. `sources`: (source bucket ARN, its log prefix). `opts` are the children's options,
    `protect_opts` the stateful bucket's. `region`: another region than the provider's (a log target must
    be in its sources' region); `suffix` tells such a second log bucket's resource names apart."""
    bucket = aws.s3.Bucket(
        child_name(parent, f"access-logs{suffix}"),
        bucket=bucket_name,
        force_destroy=not protect,
        region=region,
        opts=protect_opts,
    )
    ownership = expiring_log_bucket_controls(
        child_name(parent, f"access-logs{suffix}"),
        bucket.id,
        region=region,
        retention_days=retention_days,
        expire_rule_id="expire-access-logs",
        opts=opts,
        encryption=aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
            apply_server_side_encryption_by_default=(
                aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                    sse_algorithm="AES256"
                )
            )
        ),
    )  # SSE-S3: the only default encryption a log target supports
    policy = aws.s3.BucketPolicy(
        child_name(parent, f"access-logs{suffix}-policy"),
        bucket=bucket.id,
        region=region,
        policy=log_delivery_policy(bucket.arn, [p for _, p in sources], [a for a, _ in sources], account_id),
        opts=opts,
    )
    return bucket, [ownership, policy]
