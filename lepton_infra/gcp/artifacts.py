"""`gcp.ArtifactStore`: the model bucket (GCS) and the image registry (Artifact Registry), both CMEK."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.args import at_least, renamed_fields
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.profiles.gcp.rules import SOFT_DELETE_DAYS
from lepton_infra.profiles.gcp.tags import GCP_LABELS

READER_ROLE = "roles/artifactregistry.reader"


@renamed_fields(labels="tags")
@dataclass
class ArtifactStoreArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The GCP project (its id) the resources are created in."""
    location: str
    """The region: a CMEK key is regional, so the bucket and the registry are too."""
    name_prefix: str
    """Prefix of cloud-side names (`<platform>-<environment>`): the bucket (with the project id) and the
    repository."""
    key_id: pulumi.Input[str]
    """The platform's Cloud KMS key (its id): the bucket and the registry are encrypted with it."""
    reader_members: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Identities that pull images, by role name (the URN suffix): `roles/artifactregistry.reader` on this
    repository only (the platform passes the node service account). Default: none."""
    noncurrent_version_days: int = 30
    """Days an overwritten or deleted model file's old version is kept. Default: 30."""
    keep_versions: int = 3
    """Newer versions after which an old one is deleted. Default: 3."""
    untagged_image_days: int = 30
    """Days an untagged image (a build leftover) is kept in the registry. Default: 30."""
    retention_days: int | None = None
    """A bucket retention policy in days (never locked here); GCS refuses it with Object Versioning, so the
    bucket is unversioned when it is set. Default: none, versioned without a retention policy."""
    soft_delete_days: int = 7
    """Days a deleted object stays restorable (GCS soft delete): 0 (off) or 7 to 90. Default: 7."""
    data_access_logs: bool = False
    """Cloud Audit Logs Data Access for storage.googleapis.com on the project (authoritative for that service
    on the project: replaces its existing config, logs every bucket in it, removed on destroy). Default:
    off."""
    protect: bool = False
    """Pulumi `protect` on the stateful resources: `pulumi destroy` and replacements stop at them. Default:
    off (the platform sets it in prod)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """GCP resource labels (the platform's: `team`, `cost-center`, ...), checked against GCP's label rules.
    Default: none."""

    def problems(self) -> Iterator[Problem]:
        for arg in ("noncurrent_version_days", "keep_versions", "untagged_image_days"):
            yield from at_least(arg, getattr(self, arg), 1)
        if self.retention_days is not None:
            yield from at_least("retention_days", self.retention_days, 1)
        low, high = SOFT_DELETE_DAYS
        if self.soft_delete_days != 0 and not low <= self.soft_delete_days <= high:
            yield Problem(
                "soft_delete_days",
                self.soft_delete_days,
                f"GCS accepts a soft-delete retention of 0 (off) or {low} to {high} days",
                f"use 0, or a number of days from {low} to {high}",
            )
        yield from GCP_LABELS.problems(self.tags)


class ArtifactStore(Component):
    TOKEN = "lepton:gcp:ArtifactStore"

    def __init__(
        self, name: str, args: ArtifactStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        retained = args.retention_days is not None
        retention = (
            gcp.storage.BucketRetentionPolicyArgs(
                retention_period=str(args.retention_days * 86400), is_locked=False
            )
            if args.retention_days
            else None
        )
        self.bucket = gcp.storage.Bucket(
            child_name(name, "models"),
            # Bucket names are global: the project id keeps ours from colliding with the world's.
            name=pulumi.Output.from_input(args.project).apply(
                lambda p: physical_name(*_bucket_parts(p, args.name_prefix), "models", limit="gcp:bucket")
            ),
            project=args.project,
            location=args.location.upper(),
            storage_class="STANDARD",
            encryption=gcp.storage.BucketEncryptionArgs(default_kms_key_name=args.key_id),
            uniform_bucket_level_access=True,  # IAM only, no per-object ACLs
            public_access_prevention="enforced",
            versioning=gcp.storage.BucketVersioningArgs(enabled=not retained),
            retention_policy=retention,  # never locked: locking is irreversible, a person's decision
            soft_delete_policy=gcp.storage.BucketSoftDeletePolicyArgs(
                retention_duration_seconds=args.soft_delete_days * 86400
            ),
            lifecycle_rules=[
                *(
                    []
                    if retained
                    else [
                        gcp.storage.BucketLifecycleRuleArgs(
                            action=gcp.storage.BucketLifecycleRuleActionArgs(type="Delete"),
                            condition=gcp.storage.BucketLifecycleRuleConditionArgs(
                                days_since_noncurrent_time=args.noncurrent_version_days, with_state="ARCHIVED"
                            ),
                        ),
                        gcp.storage.BucketLifecycleRuleArgs(
                            action=gcp.storage.BucketLifecycleRuleActionArgs(type="Delete"),
                            condition=gcp.storage.BucketLifecycleRuleConditionArgs(
                                num_newer_versions=args.keep_versions, with_state="ARCHIVED"
                            ),
                        ),
                    ]
                ),
                gcp.storage.BucketLifecycleRuleArgs(
                    action=gcp.storage.BucketLifecycleRuleActionArgs(type="AbortIncompleteMultipartUpload"),
                    condition=gcp.storage.BucketLifecycleRuleConditionArgs(age=7),
                ),
            ],
            # Never delete model weights along with the stack.
            force_destroy=False,
            labels=dict(args.tags),
            opts=self.child_opts(protect=args.protect),
        )
        self.registry = gcp.artifactregistry.Repository(
            child_name(name, "registry"),
            repository_id=physical_name(args.name_prefix, "images", limit="gcp:generic"),
            project=args.project,
            location=args.location,
            format="DOCKER",
            description="Inference images (lepton-infra).",
            kms_key_name=args.key_id,
            # A deployed tag always means the same image (rollbacks and audits rely on it).
            docker_config=gcp.artifactregistry.RepositoryDockerConfigArgs(immutable_tags=True),
            # Scan on push as the project's Artifact Analysis setting says; never switched off here.
            vulnerability_scanning_config=gcp.artifactregistry.RepositoryVulnerabilityScanningConfigArgs(
                enablement_config="INHERITED"
            ),
            cleanup_policies=[
                gcp.artifactregistry.RepositoryCleanupPolicyArgs(
                    id="delete-untagged",
                    action="DELETE",
                    condition=gcp.artifactregistry.RepositoryCleanupPolicyConditionArgs(
                        tag_state="UNTAGGED", older_than=f"{args.untagged_image_days * 86400}s"
                    ),
                )
            ],
            cleanup_policy_dry_run=False,
            labels=dict(args.tags),
            opts=self.child_opts(protect=args.protect),
        )
        self.readers = [
            gcp.artifactregistry.RepositoryIamMember(
                child_name(name, f"reader-{role}"),
                project=args.project,
                location=args.location,
                repository=self.registry.repository_id,
                role=READER_ROLE,
                member=member,
                opts=self.child_opts(),
            )
            for role, member in sorted(args.reader_members.items())
        ]
        # Who read or wrote which object: Cloud Audit Logs Data Access, the record Google recommends over
        # usage logs (Cloud Storage docs, "Usage logs & storage logs": delivered in seconds, queryable).
        self.data_access_logs = (
            gcp.projects.IAMAuditConfig(
                child_name(name, "storage-data-access-logs"),
                project=args.project,
                service="storage.googleapis.com",
                audit_log_configs=[
                    gcp.projects.IAMAuditConfigAuditLogConfigArgs(log_type=t)
                    for t in ("DATA_READ", "DATA_WRITE")
                ],
                opts=self.child_opts(),
            )
            if args.data_access_logs
            else None
        )
        self.bucket_name = self.bucket.name
        self.registry_url = pulumi.Output.concat(
            args.location, "-docker.pkg.dev/", self.registry.project, "/", self.registry.repository_id
        )
        self.finish({"bucket_name": self.bucket_name, "registry_url": self.registry_url})


def _bucket_parts(project: str, prefix: str) -> tuple[str, ...]:
    """The project id first (bucket names are global); the platform prefix unless the id already has it."""
    return (project,) if prefix in project else (project, prefix)
