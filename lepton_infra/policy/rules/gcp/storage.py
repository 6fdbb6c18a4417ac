"""Cloud Storage rules: customer-managed keys, protection, access logs, retention."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import Enforcement, Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import (
    UNKNOWN,
    as_bool,
    as_list,
    as_mapping,
    is_set,
    is_unknown,
    shown,
)
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules._shared import require_prod
from lepton_infra.policy.rules.common import ENVIRONMENT_SCHEMA
from lepton_infra.policy.rules.gcp.tokens import AUDIT_CONFIG, BUCKET, GCP


@resource_rule(
    id="lepton-gcp-bucket-cmk",
    title="GCS buckets use our KMS key by default",
    severity=Severity.HIGH,
    types=(BUCKET,),
    clouds=GCP,
    description="`encryption.defaultKmsKeyName` is set.",
    remediation="Set `encryption=...(default_kms_key_name=key.id)`.",
)
def bucket_cmk(r: ResourceView) -> Iterator[str]:
    if not is_set(r.get("encryption.defaultKmsKeyName")):
        yield "encryption.defaultKmsKeyName is not set"


@resource_rule(
    id="lepton-gcp-bucket-protection",
    title="GCS buckets are versioned, uniform and never public",
    severity=Severity.HIGH,
    types=(BUCKET,),
    clouds=GCP,
    description="`versioning.enabled` (or, as GCS refuses the two together, a retention policy "
    "`retentionPolicy.retentionPeriod`), `uniformBucketLevelAccess` and `publicAccessPrevention` enforced.",
    remediation="Set `versioning=...(enabled=True)` or `retention_policy=...(retention_period=...)`, "
    "`uniform_bucket_level_access=True`, `public_access_prevention='enforced'`.",
    anchors=("checkov:CKV_GCP_78", "checkov:CKV_GCP_29", "checkov:CKV_GCP_114"),
)
def bucket_protection(r: ResourceView) -> Iterator[str]:
    versioned = r.get("versioning.enabled")
    if (
        as_bool(versioned) is not True
        and not is_unknown(versioned)
        and not is_set(r.get("retentionPolicy.retentionPeriod"))
    ):
        yield "versioning.enabled is not true and no retention policy keeps objects"
    if as_bool(r.get("uniformBucketLevelAccess")) is not True and not is_unknown(
        r.get("uniformBucketLevelAccess")
    ):
        yield "uniformBucketLevelAccess is not true: object ACLs can make objects public"
    if r.get("publicAccessPrevention") not in ("enforced", UNKNOWN):
        yield f"publicAccessPrevention is {shown(r.get('publicAccessPrevention'))}, not 'enforced'"


DATA_ACCESS = frozenset({"DATA_READ", "DATA_WRITE"})


def _logs_data_access(config: ResourceView) -> bool:
    """An audit config that records every read and write of storage.googleapis.com, for everyone."""
    if config.get("service") not in ("storage.googleapis.com", "allServices"):
        return False
    entries = [as_mapping(e) for e in as_list(config.get("auditLogConfigs"))]
    logged = {e.get("logType") for e in entries if not as_list(e.get("exemptedMembers"))}
    return config.get("auditLogConfigs") is UNKNOWN or logged >= DATA_ACCESS


@stack_rule(
    id="lepton-gcp-bucket-access-logs",
    title="Prod GCS buckets log object access",
    severity=Severity.LOW,
    clouds=GCP,
    # Advisory: the audit config is one per service for the whole project, so enabling it from a stack
    # takes that singleton over from whoever owns it; the project's owner decides (issue 24 item 5).
    enforcement=Enforcement.ADVISORY,
    description="In prod, every bucket either writes usage logs (`logging.logBucket`) or the stack enables "
    "Cloud Audit Logs Data Access (DATA_READ and DATA_WRITE, nobody exempted) for storage.googleapis.com or "
    "allServices: Google recommends the audit logs over usage logs. Advisory: that audit config is "
    "authoritative for the whole project, so where another owner manages it the stack leaves it alone. "
    "checkov's CKV_GCP_62 reads only the bucket's `logging` block (docs/security.md). Not applicable "
    "outside prod.",
    remediation="`gcp.projects.IAMAuditConfig(service='storage.googleapis.com', "
    "audit_log_configs=[DATA_READ, "
    "DATA_WRITE])` (`gcp.storage_data_access_logs: true`), or `logging=...(log_bucket=logs.name)`.",
    anchors=("checkov:CKV_GCP_62", "checkov:CKV2_GCP_5"),
    config_schema=ENVIRONMENT_SCHEMA,
)
def bucket_access_logs(stack: StackView) -> Iterator[Finding]:
    require_prod(stack)
    buckets = stack.of_type(BUCKET)
    if not buckets:
        raise NotApplicable("no GCS bucket in the stack")
    if any(_logs_data_access(c) for c in stack.of_type(AUDIT_CONFIG)):
        return
    for bucket in buckets:
        if not is_set(bucket.get("logging.logBucket")):
            yield Finding(
                f"bucket {bucket.name} has no usage logs and the stack no Data Access audit logs "
                "for storage.googleapis.com",
                bucket.urn,
            )


@resource_rule(
    id="lepton-gcp-bucket-retention",
    title="Unversioned GCS buckets have a retention policy",
    severity=Severity.LOW,
    types=(BUCKET,),
    clouds=GCP,
    enforcement=Enforcement.ADVISORY,
    description="A bucket without Object Versioning sets `retentionPolicy.retentionPeriod`, so objects "
    "cannot be deleted or overwritten before it ends. Versioned buckets are not applicable: GCS refuses "
    "Object Versioning on a bucket with a retention policy, and versioning (required by "
    "lepton-gcp-bucket-protection) already keeps every overwritten or deleted object (docs/security.md).",
    remediation="Enable versioning, or set `retention_policy=gcp.storage.BucketRetentionPolicyArgs("
    "retention_period=<seconds>)`.",
)
def bucket_retention(r: ResourceView) -> Iterator[str]:
    if as_bool(r.get("versioning.enabled")) is True:
        raise NotApplicable("versioned: GCS allows no retention policy with Object Versioning")
    if not is_set(r.get("retentionPolicy.retentionPeriod")):
        yield "retentionPolicy.retentionPeriod is not set and versioning is off"
