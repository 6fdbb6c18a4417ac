"""Opt-in (`aws.model_bucket_replication_region`): S3 cross-region replication of the model bucket to a
replica bucket in another region, encrypted with a CMK of that region.

Off by default: it doubles the bucket's storage, adds inter-region transfer for every write, and needs a
second key. What S3 requires (S3 user guide, "Replicating objects" and "Replicating encrypted objects"):
versioning on both buckets before the replication configuration; a role S3 assumes
(`s3.amazonaws.com`, here only for this account) that reads the source's versions for replication,
replicates to the replica, decrypts with the source key only through S3 in the source region and
encrypts with the replica key only through S3 in the replica region; SSE-KMS objects are replicated only
when the rule selects them (`sse_kms_encrypted_objects`) and names the replica key. With an S3 Bucket
Key the KMS encryption context is the bucket ARN, otherwise the object ARN: both are allowed. The
replica's resources carry `region=` (pulumi-aws 7 resources take one), so no second provider is needed;
the replica's access logs go to a log bucket in its own region (a log target must share its source's
region).
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from lepton_infra.aws.access_logs import access_log_bucket, tls_only_statement
from lepton_infra.aws.iam import allow, document, service_trust
from lepton_infra.core.naming import child_name, physical_name

REPLICA_LOG_PREFIX = "models-replica/"


def replication_policy(
    source_arn: pulumi.Input[str],
    replica_arn: pulumi.Input[str],
    source_key: pulumi.Input[str],
    replica_key: pulumi.Input[str],
    source_region: str,
    replica_region: str,
) -> pulumi.Output[str]:
    def via_s3(region: str, bucket_arn: pulumi.Input[str]) -> dict:
        return {
            "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
            "StringLike": {
                "kms:EncryptionContext:aws:s3:arn": [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")]
            },
        }

    return pulumi.Output.json_dumps(
        document(
            [
                allow(
                    ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                    [source_arn],
                    sid="ReadSourceConfiguration",
                ),
                allow(
                    [
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionTagging",
                    ],
                    [pulumi.Output.concat(source_arn, "/*")],
                    sid="ReadSourceVersions",
                ),
                allow(
                    ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"],
                    [pulumi.Output.concat(replica_arn, "/*")],
                    sid="WriteReplica",
                ),
                allow(
                    ["kms:Decrypt"],
                    [source_key],
                    sid="DecryptSourceThroughS3",
                    condition=via_s3(source_region, source_arn),
                ),
                allow(
                    ["kms:Encrypt", "kms:GenerateDataKey"],
                    [replica_key],
                    sid="EncryptReplicaThroughS3",
                    condition=via_s3(replica_region, replica_arn),
                ),
            ]
        )
    )


class ModelReplica:
    """The replica key, bucket (hardened like the source), its access logs, the role and the replication
    configuration. Children of `owner`'s options (`opts`), named after `parent`."""

    def __init__(
        self,
        parent: str,
        *,
        platform: str,
        environment: str,
        account_id: pulumi.Output[str],
        partition: pulumi.Output[str],
        region: str,
        replica_region: str,
        source: aws.s3.Bucket,
        source_versioning: pulumi.Resource,
        source_key: pulumi.Input[str],
        noncurrent_days: int,
        log_retention_days: int,
        protect: bool,
        opts: pulumi.ResourceOptions,
        protect_opts: pulumi.ResourceOptions,
    ) -> None:
        r = replica_region
        self.key = aws.kms.Key(
            child_name(parent, "replica-key"),
            region=r,
            description=f"lepton-infra model replica ({platform}-{environment}, {r})",
            enable_key_rotation=True,
            deletion_window_in_days=30 if protect else 7,
            # The account administers it through IAM; the replication role uses it through its own policy.
            policy=pulumi.Output.json_dumps(
                document(
                    [
                        {
                            "Sid": "AccountAdministersThroughIam",
                            "Effect": "Allow",
                            "Principal": {
                                "AWS": pulumi.Output.concat("arn:", partition, ":iam::", account_id, ":root")
                            },
                            "Action": "kms:*",
                            "Resource": "*",
                        }
                    ]
                )
            ),
            opts=protect_opts,
        )
        name = account_id.apply(
            lambda a: physical_name(platform, environment, "models-replica", a, limit="aws:s3-bucket")
        )
        self.bucket = aws.s3.Bucket(
            child_name(parent, "models-replica"),
            bucket=name,
            region=r,
            force_destroy=not protect,
            opts=protect_opts,
        )
        b = self.bucket.id
        aws.s3.BucketOwnershipControls(
            child_name(parent, "models-replica-ownership"),
            bucket=b,
            region=r,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=opts,
        )
        aws.s3.BucketPublicAccessBlock(
            child_name(parent, "models-replica-public-access"),
            bucket=b,
            region=r,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=opts,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            child_name(parent, "models-replica-sse"),
            bucket=b,
            region=r,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=(
                        aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                            sse_algorithm="aws:kms", kms_master_key_id=self.key.arn
                        )
                    ),
                    bucket_key_enabled=True,
                )
            ],
            opts=opts,
        )
        versioning = aws.s3.BucketVersioning(
            child_name(parent, "models-replica-versioning"),
            bucket=b,
            region=r,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=opts,
        )
        aws.s3.BucketLifecycleConfiguration(
            child_name(parent, "models-replica-lifecycle"),
            bucket=b,
            region=r,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-noncurrent",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=noncurrent_days
                    ),
                    abort_incomplete_multipart_upload=(
                        aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                            days_after_initiation=7
                        )
                    ),
                )
            ],
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[versioning])),
        )
        aws.s3.BucketPolicy(
            child_name(parent, "models-replica-tls-only"),
            bucket=b,
            region=r,
            policy=pulumi.Output.json_dumps(document([tls_only_statement(self.bucket.arn)])),
            opts=opts,
        )
        log_name = account_id.apply(
            lambda a: physical_name(platform, environment, "access-logs", r, a, limit="aws:s3-bucket")
        )
        logs, delivery_ready = access_log_bucket(
            parent,
            bucket_name=log_name,
            sources=[(self.bucket.arn, REPLICA_LOG_PREFIX)],
            account_id=account_id,
            retention_days=log_retention_days,
            protect=protect,
            opts=opts,
            protect_opts=protect_opts,
            region=r,
            suffix="-replica",
        )
        aws.s3.BucketLogging(
            child_name(parent, "models-replica-access-logging"),
            bucket=b,
            region=r,
            target_bucket=logs.id,
            target_prefix=REPLICA_LOG_PREFIX,
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=delivery_ready)),
        )
        role = aws.iam.Role(
            child_name(parent, "replication-role"),
            name=physical_name(platform, environment, "model-replication", limit="aws:iam-role"),
            assume_role_policy=service_trust(["s3.amazonaws.com"], source_account=account_id),
            opts=opts,
        )
        role_policy = aws.iam.RolePolicy(
            child_name(parent, "replication-policy"),
            role=role.id,
            policy=replication_policy(source.arn, self.bucket.arn, source_key, self.key.arn, region, r),
            opts=opts,
        )
        self.configuration = aws.s3.BucketReplicationConfig(
            child_name(parent, "models-replication"),
            bucket=source.id,
            role=role.arn,
            rules=[
                aws.s3.BucketReplicationConfigRuleArgs(
                    id="models-to-replica",
                    status="Enabled",
                    filter=aws.s3.BucketReplicationConfigRuleFilterArgs(prefix=""),
                    delete_marker_replication=aws.s3.BucketReplicationConfigRuleDeleteMarkerReplicationArgs(
                        status="Enabled"
                    ),
                    source_selection_criteria=aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaArgs(
                        sse_kms_encrypted_objects=(
                            aws.s3.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs(
                                status="Enabled"
                            )
                        )
                    ),
                    destination=aws.s3.BucketReplicationConfigRuleDestinationArgs(
                        bucket=self.bucket.arn,
                        encryption_configuration=(
                            aws.s3.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs(
                                replica_kms_key_id=self.key.arn
                            )
                        ),
                    ),
                )
            ],
            # S3 refuses a replication configuration before versioning is on at both ends.
            opts=pulumi.ResourceOptions.merge(
                opts, pulumi.ResourceOptions(depends_on=[source_versioning, versioning, role_policy])
            ),
        )
