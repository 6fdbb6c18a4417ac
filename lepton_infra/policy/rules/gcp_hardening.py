"""GKE and GCS hardening rules a security scanner would raise on a prod stack: a release channel, node
auto-repair and auto-upgrade, Container-Optimized OS, Binary Authorization (the cluster and the project
policy), intranode visibility, bucket access logs and retention. Over `gcp:*` type tokens and the inputs
pulumi-gcp 8 sends the engine."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import Enforcement, Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import UNKNOWN, as_bool, as_list, as_mapping, is_set, is_unknown, shown
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules._shared import require_prod
from lepton_infra.policy.rules.common import ENVIRONMENT_SCHEMA
from lepton_infra.policy.rules.gcp import BUCKET, CLUSTER, GCP, NODE_POOL

RELEASE_CHANNELS = frozenset({"RAPID", "REGULAR", "STABLE", "EXTENDED"})
BINAUTHZ_ENFORCING = "PROJECT_SINGLETON_POLICY_ENFORCE"
BINAUTHZ_POLICY = "gcp:binaryauthorization/policy:Policy"
AUDIT_CONFIG = "gcp:projects/iAMAuditConfig:IAMAuditConfig"
DATA_ACCESS = frozenset({"DATA_READ", "DATA_WRITE"})


def _standard_cluster(r: ResourceView) -> None:
    if as_bool(r.get("enableAutopilot")) is True:
        raise NotApplicable("Autopilot: Google manages channels, nodes and images")


@resource_rule(
    id="lepton-gcp-gke-release-channel",
    title="GKE clusters are enrolled in a release channel",
    severity=Severity.MEDIUM,
    types=(CLUSTER,),
    clouds=GCP,
    description="`releaseChannel.channel` is RAPID, REGULAR, STABLE or EXTENDED: GKE then patches the "
    "control plane and nodes within the channel. UNSPECIFIED (or unset on older providers) leaves "
    "security patches to manual upgrades.",
    remediation="Set `release_channel=gcp.container.ClusterReleaseChannelArgs(channel='REGULAR')` "
    "(`gcp.release_channel` in the spec).",
    anchors=("checkov:CKV_GCP_70",),
)
def gke_release_channel(r: ResourceView) -> Iterator[str]:
    channel = r.get("releaseChannel.channel")
    if not is_unknown(channel) and channel not in RELEASE_CHANNELS:
        yield f"releaseChannel.channel is {shown(channel)}: no release channel"


@resource_rule(
    id="lepton-gcp-node-auto-repair-upgrade",
    title="GKE node pools auto-repair and auto-upgrade",
    severity=Severity.MEDIUM,
    types=(NODE_POOL,),
    clouds=GCP,
    description="`management.autoRepair` and `management.autoUpgrade` are true, so unhealthy nodes are "
    "recreated and node images follow the control plane's patches (a release channel requires auto-upgrade). "
    "Queued-provisioning pools (`queuedProvisioning.enabled`) are exempt from auto-repair: GKE requires it "
    "off.",
    remediation="Set `management=gcp.container.NodePoolManagementArgs(auto_repair=True, auto_upgrade=True)`.",
    anchors=("checkov:CKV_GCP_9", "checkov:CKV_GCP_10"),
)
def node_auto_repair_upgrade(r: ResourceView) -> Iterator[str]:
    queued = as_bool(r.get("queuedProvisioning.enabled")) is True
    for field in ("autoUpgrade",) if queued else ("autoRepair", "autoUpgrade"):
        value = r.get(f"management.{field}")
        if not is_unknown(value) and as_bool(value) is not True:
            yield f"management.{field} is {shown(value)}, not true"


@resource_rule(
    id="lepton-gcp-node-image-cos",
    title="GKE nodes run Container-Optimized OS with containerd",
    severity=Severity.MEDIUM,
    types=(NODE_POOL, CLUSTER),
    clouds=GCP,
    description="`nodeConfig.imageType` is COS_CONTAINERD: a read-only root, verified boot and Google's "
    "patch stream. Ubuntu and Windows images widen the node's attack surface.",
    remediation="Set `node_config=...(image_type='COS_CONTAINERD')` on every node pool.",
    anchors=("checkov:CKV_GCP_22",),
)
def node_image_cos(r: ResourceView) -> Iterator[str]:
    if r.type == CLUSTER:
        _standard_cluster(r)
        if as_bool(r.get("removeDefaultNodePool")) is True:
            raise NotApplicable("the default node pool is removed; node pools are checked on their own")
    image = r.get("nodeConfig.imageType")
    if not is_unknown(image) and str(image).upper() != "COS_CONTAINERD":
        yield f"nodeConfig.imageType is {shown(image)}, not COS_CONTAINERD"


@resource_rule(
    id="lepton-gcp-gke-binary-authorization",
    title="GKE enforces Binary Authorization",
    severity=Severity.MEDIUM,
    types=(CLUSTER,),
    clouds=GCP,
    description=f"`binaryAuthorization.evaluationMode` is {BINAUTHZ_ENFORCING}, so the project's policy "
    "decides which images run (the platform ships that policy: "
    "lepton-gcp-binary-authorization-deny-by-default).",
    remediation="Set `binary_authorization=...(evaluation_mode="
    f"'{BINAUTHZ_ENFORCING}')` (`gcp.binary_authorization` enforce or dryrun in the spec).",
    anchors=("checkov:CKV_GCP_66",),
)
def gke_binary_authorization(r: ResourceView) -> Iterator[str]:
    _standard_cluster(r)
    mode = r.get("binaryAuthorization.evaluationMode")
    if not is_unknown(mode) and mode != BINAUTHZ_ENFORCING:
        yield f"binaryAuthorization.evaluationMode is {shown(mode)}"


@resource_rule(
    id="lepton-gcp-binary-authorization-deny-by-default",
    title="Prod Binary Authorization policies deny unlisted images",
    severity=Severity.MEDIUM,
    types=(BINAUTHZ_POLICY,),
    clouds=GCP,
    description="In prod, the project policy's `defaultAdmissionRule` denies (ALWAYS_DENY) or requires "
    "attestations (REQUIRE_ATTESTATION) with `ENFORCED_BLOCK_AND_AUDIT_LOG`, and no allowlist pattern admits "
    "a "
    "whole registry host or everything (`*`, `**`, `<host>/**`). Dry-run or ALWAYS_ALLOW only log. Not "
    "applicable outside prod, where the platform runs the same policy in dry-run.",
    remediation="`gcp.binary_authorization: enforce` in the prod stack; list repositories, not registries, "
    "in "
    "`gcp.binary_authorization_allowlist`.",
    config_schema=ENVIRONMENT_SCHEMA,
)
def binary_authorization_deny_by_default(r: ResourceView) -> Iterator[str]:
    require_prod(r)
    evaluation = r.get("defaultAdmissionRule.evaluationMode")
    enforcement = r.get("defaultAdmissionRule.enforcementMode")
    if not is_unknown(evaluation) and evaluation not in ("ALWAYS_DENY", "REQUIRE_ATTESTATION"):
        yield f"defaultAdmissionRule.evaluationMode is {shown(evaluation)}: unlisted images are admitted"
    if not is_unknown(enforcement) and enforcement != "ENFORCED_BLOCK_AND_AUDIT_LOG":
        yield f"defaultAdmissionRule.enforcementMode is {shown(enforcement)}: denials are only logged"
    for pattern in as_list(r.get("admissionWhitelistPatterns")):
        name = as_mapping(pattern).get("namePattern")
        head = name.rstrip("*") if isinstance(name, str) else None
        if (
            head is not None
            and head != name
            and (head == "" or (head.endswith("/") and head.count("/") == 1))
        ):
            yield f"allowlist pattern {name} admits a whole registry"


@resource_rule(
    id="lepton-gcp-gke-intranode-visibility",
    title="Prod GKE clusters have intranode visibility",
    severity=Severity.LOW,
    types=(CLUSTER,),
    clouds=GCP,
    description="In prod, `enableIntranodeVisibility` routes pod-to-pod traffic on one node through the VPC, "
    "so VPC flow logs and firewall rules see it. Not applicable in dev, where the platform leaves it off "
    "(it raises flow-log volume, and switching it later restarts the nodes).",
    remediation="Set `enable_intranode_visibility=True` (the platform does in prod).",
    anchors=("checkov:CKV_GCP_61",),
    config_schema=ENVIRONMENT_SCHEMA,
)
def gke_intranode_visibility(r: ResourceView) -> Iterator[str]:
    require_prod(r)
    value = r.get("enableIntranodeVisibility")
    if not is_unknown(value) and as_bool(value) is not True:
        yield f"enableIntranodeVisibility is {shown(value)} in prod"


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
    description="In prod, every bucket either writes usage logs (`logging.logBucket`) or the stack enables "
    "Cloud Audit Logs Data Access (DATA_READ and DATA_WRITE, nobody exempted) for storage.googleapis.com or "
    "allServices: Google recommends the audit logs over usage logs. checkov's CKV_GCP_62 reads only the "
    "bucket's `logging` block (docs/security.md). Not applicable outside prod.",
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
