"""Opt-in (`aws.cloudtrail_data_events`): a CloudTrail trail recording the S3 data events (object reads and
writes) of the model bucket, into its own bucket encrypted with the platform CMK.

Usually an organisation trail owns data events, so this is off by default. What CloudTrail checks when the
trail is created (CloudTrail user guide, "Amazon S3 bucket policy for CloudTrail" and "Configure AWS KMS
key policies for CloudTrail"): the bucket policy lets `cloudtrail.amazonaws.com` read the bucket ACL and
put objects under `AWSLogs/<account>/` with `bucket-owner-full-control`, both limited by `aws:SourceArn`
(InsufficientS3BucketPolicyException otherwise), and the key policy lets it generate data keys for this
trail (InsufficientEncryptionPolicyException otherwise; aws/encryption.py adds that statement). The trail
bucket has no S3 Bucket Key, which would also need kms:Decrypt for CloudTrail. Advanced event selectors
record only Data events of objects under the model bucket: no management events (the account's own trail
has them) and no second copy of other buckets' events.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from lepton_infra.aws.access_logs import expiring_log_bucket_controls, tls_only_statement
from lepton_infra.aws.iam import document
from lepton_infra.core.naming import child_name

CLOUDTRAIL_SERVICE = "cloudtrail.amazonaws.com"


def trail_name(platform: str, environment: str) -> str:
    return f"{platform}-{environment}-model-data-events"


def trail_arn(partition: str, region: str, account_id: str, name: str) -> str:
    return f"arn:{partition}:cloudtrail:{region}:{account_id}:trail/{name}"


def trail_bucket_policy(
    bucket_arn: pulumi.Input[str], account_id: pulumi.Input[str], source_trail_arn: pulumi.Input[str]
) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps(
        document(
            [
                {
                    "Sid": "CloudTrailAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": CLOUDTRAIL_SERVICE},
                    "Action": "s3:GetBucketAcl",
                    "Resource": bucket_arn,
                    "Condition": {"StringEquals": {"aws:SourceArn": source_trail_arn}},
                },
                {
                    "Sid": "CloudTrailWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": CLOUDTRAIL_SERVICE},
                    "Action": "s3:PutObject",
                    "Resource": pulumi.Output.concat(bucket_arn, "/AWSLogs/", account_id, "/*"),
                    "Condition": {
                        "StringEquals": {
                            "s3:x-amz-acl": "bucket-owner-full-control",
                            "aws:SourceArn": source_trail_arn,
                        }
                    },
                },
                tls_only_statement(bucket_arn),
            ]
        )
    )


class DataEventsTrail:
    """The trail bucket (hardened like the model bucket) and the trail. Its resources are children of
    `owner` (the ArtifactStore), named after `parent`."""

    def __init__(
        self,
        parent: str,
        *,
        name: str,
        bucket_name: pulumi.Input[str],
        account_id: pulumi.Input[str],
        source_trail_arn: pulumi.Input[str],
        model_bucket_arn: pulumi.Input[str],
        key_id: pulumi.Input[str],
        retention_days: int,
        protect: bool,
        opts: pulumi.ResourceOptions,
        protect_opts: pulumi.ResourceOptions,
    ) -> None:
        self.bucket = aws.s3.Bucket(
            child_name(parent, "trail"), bucket=bucket_name, force_destroy=not protect, opts=protect_opts
        )
        b = self.bucket.id
        expiring_log_bucket_controls(
            child_name(parent, "trail"),
            b,
            retention_days=retention_days,
            expire_rule_id="expire-trail-logs",
            opts=opts,
            encryption=aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                apply_server_side_encryption_by_default=(
                    aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                        sse_algorithm="aws:kms", kms_master_key_id=key_id
                    )
                ),
                bucket_key_enabled=False,  # a Bucket Key would need kms:Decrypt for CloudTrail too
            ),
        )
        policy = aws.s3.BucketPolicy(
            child_name(parent, "trail-policy"),
            bucket=b,
            policy=trail_bucket_policy(self.bucket.arn, account_id, source_trail_arn),
            opts=opts,
        )
        self.trail = aws.cloudtrail.Trail(
            child_name(parent, "data-events"),
            name=name,
            s3_bucket_name=b,
            kms_key_id=key_id,
            enable_log_file_validation=True,
            include_global_service_events=False,
            is_multi_region_trail=False,
            advanced_event_selectors=[
                aws.cloudtrail.TrailAdvancedEventSelectorArgs(
                    name="model bucket object events",
                    field_selectors=[
                        aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(
                            field="eventCategory", equals=["Data"]
                        ),
                        aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(
                            field="resources.type", equals=["AWS::S3::Object"]
                        ),
                        aws.cloudtrail.TrailAdvancedEventSelectorFieldSelectorArgs(
                            field="resources.ARN", starts_withs=[pulumi.Output.concat(model_bucket_arn, "/")]
                        ),
                    ],
                )
            ],
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[policy])),
        )
