"""`gcp.ArtifactStore`: the model bucket (GCS) and the image registry (Artifact Registry), both CMEK."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.args import check_args
from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.gcp.arg_checks import artifact_store_problems

READER_ROLE = "roles/artifactregistry.reader"


@dataclass
class ArtifactStoreArgs:
    project: pulumi.Input[str]
    location: str  # the region; CMEK keys are regional, so bucket and registry are too
    name_prefix: str
    key_id: pulumi.Input[str]  # the platform's Cloud KMS key (bucket and registry)
    # Identities that pull images (the node service account), granted on this repository only.
    reader_members: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    noncurrent_version_days: int = 30
    keep_versions: int = 3
    untagged_image_days: int = 30
    # A bucket retention policy in days (never locked here); GCS refuses it with Object Versioning, so the
    # bucket is unversioned when it is set. None: versioned, no retention policy.
    retention_days: int | None = None
    soft_delete_days: int = 7  # 0 (off) or 7 to 90: deleted objects stay restorable that long
    # Cloud Audit Logs Data Access for storage.googleapis.com on the project (authoritative for that
    # service on the project: replaces its existing config, logs every bucket in it, removed on destroy).
    data_access_logs: bool = False
    protect: bool = False
    labels: Mapping[str, str] = field(default_factory=dict)


class ArtifactStore(Component):
    TOKEN = "lepton:gcp:ArtifactStore"

    def __init__(
        self, name: str, args: ArtifactStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        check_args(self.TOKEN, name, artifact_store_problems(args))  # before anything is registered
        super().__init__(name, opts)
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
            labels=dict(args.labels),
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
            labels=dict(args.labels),
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
