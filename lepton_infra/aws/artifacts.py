"""`ArtifactStore`: the model bucket (with server access logs to its own log bucket) and the image
registry, both encrypted with the platform CMK; `prefix_reader` makes the IRSA binder (aws/identity.py) that
gives one Kubernetes service account read-only access to one bucket prefix."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from lepton_infra.aws.access_logs import access_log_bucket, tls_only_statement
from lepton_infra.aws.account import AwsAccount, lookup_account
from lepton_infra.aws.data_events import DataEventsTrail, trail_arn, trail_name
from lepton_infra.aws.iam import document
from lepton_infra.aws.identity import WorkloadIdentityBinder
from lepton_infra.aws.replication import ModelReplica
from lepton_infra.core.args import at_least, renamed_names
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.profiles.aws.knobs import AwsKnobs
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.problems import like_spec_field

ACCESS_LOG_PREFIX = "models/"
TRAIL_ACCESS_LOG_PREFIX = "trail/"
# Untagged images are build leftovers; tagged ones are immutable releases and kept.
ECR_LIFECYCLE = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "expire untagged images after 14 days",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countUnit": "days",
                "countNumber": 14,
            },
            "action": {"type": "expire"},
        }
    ]
}


@dataclass
class ArtifactStoreArgs(ComponentArgs):
    platform: str
    """The platform's name: the bucket and repository names start with it."""
    environment: str
    """dev | staging | prod: part of the bucket and repository names."""
    key_id: pulumi.Input[str]
    """ARN of the KMS key the model bucket and the ECR repository are encrypted with."""
    noncurrent_version_days: int = 30
    """Days an overwritten or deleted model file's old version is kept before it expires. Default: 30."""
    protect: bool = False
    """Pulumi `protect` on the bucket and registry, and no force-destroy: a deleted stack keeps its models.
    Default: off (the platform sets it in prod)."""
    access_log_retention_days: int = 90
    """The model bucket's S3 server access logs go to a dedicated log bucket (aws/access_logs.py) and expire
    after this many days. Default: 90."""
    data_events_trail: bool = False
    """A CloudTrail trail of the model bucket's S3 data events (aws/data_events.py); the key's policy must let
    CloudTrail use it for that trail (`EncryptionKeyArgs.cloudtrail_trail_name`). Default: off."""
    replication_region: str | None = None
    """Replicate the model bucket to a replica bucket (with its own KMS key) in this other region
    (aws/replication.py). Default: none, no replica."""
    region: str | None = None
    """The bucket's region: the trail's ARN names it (`data_events_trail`) and the replica needs it. Default:
    none (required with either)."""
    account: AwsAccount | None = None
    """The partition and account id every ARN here names (`aws.Platform` passes its one lookup). Default:
    looked up here with the provider's credentials (`aws.get_caller_identity`, `aws.get_partition`)."""

    def problems(self) -> Iterator[Problem]:
        yield from like_spec_field("platform", self.platform, PlatformSpec, "name")
        yield from like_spec_field("environment", self.environment, PlatformSpec, "environment")
        yield from at_least("noncurrent_version_days", self.noncurrent_version_days, 1)
        yield from like_spec_field(
            "access_log_retention_days", self.access_log_retention_days, AwsKnobs, "access_log_retention_days"
        )
        if self.replication_region and self.replication_region == self.region:
            yield Problem(
                "replication_region",
                self.replication_region,
                "the replica must be in another region than the model bucket",
                "name another region, or None for no replica",
            )
        if (self.data_events_trail or self.replication_region) and not self.region:
            yield Problem(
                "region",
                self.region,
                "the data-events trail's ARN (in its bucket and key policies) names the region",
                "pass region=<the provider's region>",
            )


def tls_only_bucket_policy(bucket_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps(document([tls_only_statement(bucket_arn)]))


class ArtifactStore(Component):
    TOKEN = "lepton:aws:ArtifactStore"

    def __init__(
        self, name: str, args: ArtifactStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        self._kms_key_arn = args.key_id
        facts = args.account or lookup_account(self)
        account = pulumi.Output.from_input(facts.account_id)
        partition = pulumi.Output.from_input(facts.partition)
        # Bucket names are global: the account id keeps two accounts' platforms of the same name apart.
        bucket_name = account.apply(
            lambda a: physical_name(args.platform, args.environment, "models", a, limit="aws:s3-bucket")
        )
        self.bucket = aws.s3.Bucket(
            child_name(name, "models"),
            bucket=bucket_name,
            force_destroy=not args.protect,  # prod keeps its models even if someone deletes the stack
            opts=self.child_opts(protect=args.protect),
        )
        bucket_opts = self.child_opts()
        aws.s3.BucketOwnershipControls(
            child_name(name, "models-ownership"),
            bucket=self.bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership="BucketOwnerEnforced"),
            opts=bucket_opts,
        )
        aws.s3.BucketPublicAccessBlock(
            child_name(name, "models-public-access"),
            bucket=self.bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=bucket_opts,
        )
        aws.s3.BucketServerSideEncryptionConfiguration(
            child_name(name, "models-sse"),
            bucket=self.bucket.id,
            rules=[
                aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
                    apply_server_side_encryption_by_default=(
                        aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
                            sse_algorithm="aws:kms", kms_master_key_id=args.key_id
                        )
                    ),
                    bucket_key_enabled=True,  # one data key per bucket period: far fewer (billed) KMS calls
                )
            ],
            opts=bucket_opts,
        )
        versioning = aws.s3.BucketVersioning(
            child_name(name, "models-versioning"),
            bucket=self.bucket.id,
            versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
            opts=bucket_opts,
        )
        aws.s3.BucketLifecycleConfiguration(
            child_name(name, "models-lifecycle"),
            bucket=self.bucket.id,
            rules=[
                aws.s3.BucketLifecycleConfigurationRuleArgs(
                    id="expire-noncurrent",
                    status="Enabled",
                    filter=aws.s3.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
                    noncurrent_version_expiration=aws.s3.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(
                        noncurrent_days=args.noncurrent_version_days
                    ),
                    abort_incomplete_multipart_upload=(
                        aws.s3.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
                            days_after_initiation=7
                        )
                    ),
                )
            ],
            opts=bucket_opts,
        )
        aws.s3.BucketPolicy(
            child_name(name, "models-tls-only"),
            bucket=self.bucket.id,
            policy=tls_only_bucket_policy(self.bucket.arn),
            opts=bucket_opts,
        )
        logged: list[tuple[aws.s3.Bucket, str]] = [(self.bucket, ACCESS_LOG_PREFIX)]
        if args.data_events_trail:
            logged.append((self._data_events_trail(name, args, account, partition), TRAIL_ACCESS_LOG_PREFIX))
        self._access_logs(name, args, account, logged)
        if args.replication_region:
            assert args.region is not None  # artifact_store_problems refuses replication without a region
            self.replica = ModelReplica(
                name,
                platform=args.platform,
                environment=args.environment,
                account_id=account,
                partition=partition,
                region=args.region,
                replica_region=args.replication_region,
                source=self.bucket,
                source_versioning=versioning,
                source_key=args.key_id,
                noncurrent_days=args.noncurrent_version_days,
                log_retention_days=args.access_log_retention_days,
                protect=args.protect,
                opts=self.child_opts(),
                protect_opts=self.child_opts(protect=args.protect),
            )

        self.repository = aws.ecr.Repository(
            child_name(name, "images"),
            name=f"{args.platform}-{args.environment}",
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
            encryption_configurations=[
                aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=args.key_id)
            ],
            force_delete=not args.protect,
            opts=self.child_opts(protect=args.protect),
        )
        aws.ecr.LifecyclePolicy(
            child_name(name, "images-lifecycle"),
            repository=self.repository.name,
            policy=json.dumps(ECR_LIFECYCLE),
            opts=self.child_opts(),
        )
        self.bucket_name: pulumi.Output[str] = self.bucket.bucket
        self.bucket_arn: pulumi.Output[str] = self.bucket.arn
        self.registry_url: pulumi.Output[str] = self.repository.repository_url
        self.finish({"bucket": self.bucket_name, "registry_url": self.registry_url})

    def _data_events_trail(
        self, name: str, args: ArtifactStoreArgs, account: pulumi.Output[str], partition: pulumi.Output[str]
    ) -> aws.s3.Bucket:
        assert args.region is not None  # artifact_store_problems refuses the trail without a region
        region = args.region
        trail = trail_name(args.platform, args.environment)
        source_arn = pulumi.Output.all(partition, account).apply(
            lambda pa: trail_arn(pa[0], region, pa[1], trail)
        )
        bucket_name = account.apply(
            lambda a: physical_name(args.platform, args.environment, "trail", a, limit="aws:s3-bucket")
        )
        self.data_events = DataEventsTrail(
            name,
            name=trail,
            bucket_name=bucket_name,
            account_id=account,
            source_trail_arn=source_arn,
            model_bucket_arn=self.bucket.arn,
            key_id=args.key_id,
            retention_days=args.access_log_retention_days,
            protect=args.protect,
            opts=self.child_opts(),
            protect_opts=self.child_opts(protect=args.protect),
        )
        return self.data_events.bucket

    def _access_logs(
        self,
        name: str,
        args: ArtifactStoreArgs,
        account: pulumi.Output[str],
        logged: list[tuple[aws.s3.Bucket, str]],
    ) -> None:
        log_bucket_name = account.apply(
            lambda a: physical_name(args.platform, args.environment, "access-logs", a, limit="aws:s3-bucket")
        )
        self.access_log_bucket, delivery_ready = access_log_bucket(
            name,
            bucket_name=log_bucket_name,
            sources=[(b.arn, prefix) for b, prefix in logged],
            account_id=account,
            retention_days=args.access_log_retention_days,
            protect=args.protect,
            opts=self.child_opts(),
            protect_opts=self.child_opts(protect=args.protect),
        )
        for bucket, prefix in logged:
            # The model bucket's resource name stays `models-access-logging` (the first source).
            slug = "models" if bucket is self.bucket else prefix.strip("/")
            aws.s3.BucketLogging(
                child_name(name, f"{slug}-access-logging"),
                bucket=bucket.id,
                target_bucket=self.access_log_bucket.id,
                target_prefix=prefix,
                opts=self.child_opts(depends_on=delivery_ready),
            )

    def prefix_reader(
        self,
        *,
        region: str,
        oidc_provider_arn: pulumi.Input[str],
        oidc_issuer: pulumi.Input[str],
        provider: pulumi.ProviderResource,
        platform: str,
        writes: bool = False,
    ) -> WorkloadIdentityBinder:
        return WorkloadIdentityBinder(
            platform=platform,
            region=region,
            bucket_arn=self.bucket_arn,
            key_id=self._kms_key_arn,
            oidc_provider_arn=oidc_provider_arn,
            oidc_issuer=oidc_issuer,
            provider=provider,
            writes=writes,
        )


__getattr__ = renamed_names(__name__, {"PrefixReaderBinder": "WorkloadIdentityBinder"}, globals())
