"""GCP rules, over `gcp:*` type tokens and the inputs pulumi-gcp 10 sends the engine."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.policy.model import NotApplicable, ResourceView, Severity
from lepton_infra.policy.props import (
    UNKNOWN,
    any_world,
    as_bool,
    as_int,
    as_list,
    as_mapping,
    is_set,
    is_unknown,
    shown,
)
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules._shared import ceiling_problems, ports_only_web

GCP = ("gcp",)
CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"
FIREWALL = "gcp:compute/firewall:Firewall"
SUBNETWORK = "gcp:compute/subnetwork:Subnetwork"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
BUCKET = "gcp:storage/bucket:Bucket"
REPOSITORY = "gcp:artifactregistry/repository:Repository"
IAM_MEMBER_TYPES = (
    "gcp:projects/iAMMember:IAMMember",
    "gcp:organizations/iAMMember:IAMMember",
    "gcp:folder/iAMMember:IAMMember",
)
IAM_BINDING_TYPES = (
    "gcp:projects/iAMBinding:IAMBinding",
    "gcp:organizations/iAMBinding:IAMBinding",
    "gcp:folder/iAMBinding:IAMBinding",
)
IAM_POLICY_TYPES = (
    "gcp:projects/iAMPolicy:IAMPolicy",
    "gcp:organizations/iAMPolicy:IAMPolicy",
    "gcp:folder/iAMPolicy:IAMPolicy",
)
PRIMITIVE_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer"})
MAX_ROTATION_SECONDS = 90 * 24 * 3600
# Subnets for proxies and Private Service Connect cannot carry flow logs.
NO_FLOW_LOG_PURPOSES = frozenset(
    {
        "REGIONAL_MANAGED_PROXY",
        "GLOBAL_MANAGED_PROXY",
        "PRIVATE_SERVICE_CONNECT",
        "INTERNAL_HTTPS_LOAD_BALANCER",
    }
)
GPU_MACHINE = re.compile(r"^(a2|a3|a4|g2|g4)-", re.IGNORECASE)


def _node_configs(r: ResourceView) -> list[tuple[str, Mapping[str, Any]]]:
    """The node configs a resource declares: a node pool's, or a cluster's default pool unless removed."""
    if r.type == NODE_POOL:
        return [("nodeConfig", as_mapping(r.get("nodeConfig")))]
    if as_bool(r.get("enableAutopilot")) is True:
        raise NotApplicable("Autopilot: Google manages the nodes")
    if as_bool(r.get("removeDefaultNodePool")) is True:
        raise NotApplicable("the default node pool is removed; node pools are checked on their own")
    return [("nodeConfig", as_mapping(r.get("nodeConfig")))]


# --- encryption at rest ---------------------------------------------------------------------------


@resource_rule(
    id="lepton-gcp-gke-secrets-encryption",
    title="GKE application-layer secrets encryption is on",
    severity=Severity.HIGH,
    types=(CLUSTER,),
    clouds=GCP,
    description="Secrets in etcd are encrypted with our Cloud KMS key (`databaseEncryption.state` "
    "ENCRYPTED with `keyName`). GKE leaves it off by default.",
    remediation="Set `database_encryption=...(state='ENCRYPTED', key_name=key.id)`.",
)
def gke_secrets_encryption(r: ResourceView) -> Iterator[str]:
    state = r.get("databaseEncryption.state")
    if state not in ("ENCRYPTED", UNKNOWN):
        yield f"databaseEncryption.state is {shown(state)}, not ENCRYPTED"
    elif not is_set(r.get("databaseEncryption.keyName")):
        yield "databaseEncryption.keyName is not set"


@resource_rule(
    id="lepton-gcp-node-boot-disk-cmk",
    title="GKE node boot disks use our KMS key",
    severity=Severity.HIGH,
    types=(NODE_POOL, CLUSTER),
    clouds=GCP,
    description="`nodeConfig.bootDiskKmsKey` is set on every node pool (and on the cluster's default pool "
    "when it is kept).",
    remediation="Set `node_config=...(boot_disk_kms_key=key.id)`; grant the Compute Engine service agent "
    "encrypter/decrypter on the key.",
)
def node_boot_disk_cmk(r: ResourceView) -> Iterator[str]:
    for where, config in _node_configs(r):
        if not is_set(config.get("bootDiskKmsKey")):
            yield f"{where}.bootDiskKmsKey is not set: boot disks use a Google-managed key"


@resource_rule(
    id="lepton-gcp-kms-key-rotation",
    title="Cloud KMS keys rotate at least every 90 days",
    severity=Severity.HIGH,
    types=(CRYPTO_KEY,),
    clouds=GCP,
    description="Symmetric keys have `rotationPeriod` of at most 7776000s.",
    remediation="Set `rotation_period='7776000s'`.",
    anchors=("checkov:CKV_GCP_43",),
)
def kms_rotation(r: ResourceView) -> Iterator[str]:
    purpose = r.get("purpose", "ENCRYPT_DECRYPT")
    if purpose not in ("ENCRYPT_DECRYPT", UNKNOWN):
        raise NotApplicable(f"{purpose} keys do not rotate automatically")
    period = r.get("rotationPeriod")
    if is_unknown(period):
        return
    seconds = _seconds(period)
    if seconds is None:
        yield "rotationPeriod is not set: the key never rotates"
    elif seconds > MAX_ROTATION_SECONDS:
        yield f"rotationPeriod {period} is longer than 90 days (7776000s)"


def _seconds(period: Any) -> float | None:
    if not isinstance(period, str) or not period.endswith("s"):
        return None
    try:
        return float(period[:-1])
    except ValueError:
        return None


@resource_rule(
    id="lepton-gcp-artifact-registry-cmk",
    title="Artifact Registry repositories use our KMS key",
    severity=Severity.MEDIUM,
    types=(REPOSITORY,),
    clouds=GCP,
    description="`kmsKeyName` is set.",
    remediation="Set `kms_key_name=key.id` (the Artifact Registry service agent needs the key).",
)
def artifact_registry_cmk(r: ResourceView) -> Iterator[str]:
    if not is_set(r.get("kmsKeyName")):
        yield "kmsKeyName is not set"


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


# --- network exposure -----------------------------------------------------------------------------


@resource_rule(
    id="lepton-gcp-gke-private-nodes",
    title="GKE nodes have no public IPs",
    severity=Severity.HIGH,
    types=(CLUSTER,),
    clouds=GCP,
    description="`privateClusterConfig.enablePrivateNodes` is true.",
    remediation="Set `private_cluster_config=...(enable_private_nodes=True, master_ipv4_cidr_block=...)` "
    "and give the nodes Cloud NAT.",
    anchors=("checkov:CKV_GCP_25",),
)
def gke_private_nodes(r: ResourceView) -> Iterator[str]:
    value = r.get("privateClusterConfig.enablePrivateNodes")
    if not is_unknown(value) and as_bool(value) is not True:
        yield "privateClusterConfig.enablePrivateNodes is not true: nodes get public IPs"


@resource_rule(
    id="lepton-gcp-gke-endpoint-not-public",
    title="The GKE API is not open to the internet",
    severity=Severity.HIGH,
    types=(CLUSTER,),
    clouds=GCP,
    description="The control plane is private (`privateClusterConfig.enablePrivateEndpoint`), or its "
    "master authorized networks list ranges that are not 0.0.0.0/0 and do not admit all Google Cloud IPs.",
    remediation="Set `master_authorized_networks_config=...(cidr_blocks=[...])` with known ranges, or "
    "`private_cluster_config.enable_private_endpoint=True`.",
    anchors=("checkov:CKV_GCP_20",),
)
def gke_endpoint_not_public(r: ResourceView) -> Iterator[str]:
    private = r.get("privateClusterConfig.enablePrivateEndpoint")
    if is_unknown(private) or as_bool(private) is True:
        return
    networks = as_mapping(r.get("masterAuthorizedNetworksConfig"))
    blocks = [as_mapping(b).get("cidrBlock") for b in as_list(networks.get("cidrBlocks"))]
    if not networks:
        yield "public endpoint without masterAuthorizedNetworksConfig: open to the internet"
    elif any_world(blocks):
        yield "masterAuthorizedNetworksConfig admits 0.0.0.0/0"
    elif as_bool(networks.get("gcpPublicCidrsAccessEnabled")) is True:
        yield "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled admits every Google Cloud IP"
    elif not blocks:
        yield "public endpoint with an empty masterAuthorizedNetworksConfig"


@resource_rule(
    id="lepton-gcp-no-world-ingress",
    title="No firewall rule admits the internet except HTTP(S)",
    severity=Severity.CRITICAL,
    types=(FIREWALL,),
    clouds=GCP,
    description="An enabled INGRESS allow rule with 0.0.0.0/0 or ::/0 in `sourceRanges` (or no source at "
    "all, which GCP reads as 0.0.0.0/0) opens only TCP 80/443.",
    remediation="Narrow `source_ranges` (IAP: 35.235.240.0/20; health checks: Google's ranges).",
    anchors=("checkov:CKV_GCP_2", "checkov:CKV_GCP_3"),
)
def no_world_ingress(r: ResourceView) -> Iterator[str]:
    if r.get("direction", "INGRESS") != "INGRESS" or as_bool(r.get("disabled")) is True:
        raise NotApplicable("an egress or disabled rule")
    sources = as_list(r.get("sourceRanges"))
    # An ingress rule with no source at all admits 0.0.0.0/0 (GCP's default).
    unsourced = not sources and not r.get("sourceTags") and not r.get("sourceServiceAccounts")
    if not unsourced and not any_world(sources):
        return
    for allow in (as_mapping(a) for a in as_list(r.get("allows"))):
        protocol, ports = str(allow.get("protocol", "")), as_list(allow.get("ports"))
        if not ports or not all(_web_port(protocol, p) for p in ports):
            yield f"allows {protocol} {','.join(map(str, ports)) or 'all ports'} from the internet"


def _web_port(protocol: str, port: Any) -> bool:
    low, _, high = str(port).partition("-")
    return ports_only_web(low, high or low, protocol)


@resource_rule(
    id="lepton-gcp-gke-network-policy-enforced",
    title="GKE enforces NetworkPolicies",
    severity=Severity.HIGH,
    types=(CLUSTER,),
    clouds=GCP,
    description="Dataplane V2 (`datapathProvider` ADVANCED_DATAPATH) or `networkPolicy.enabled`: without an "
    "enforcer, the tenants' default-deny NetworkPolicies are silently ignored.",
    remediation="Set `datapath_provider='ADVANCED_DATAPATH'` (Dataplane V2 enforces NetworkPolicy).",
    anchors=("checkov:CKV_GCP_12",),
)
def gke_network_policy(r: ResourceView) -> Iterator[str]:
    if as_bool(r.get("enableAutopilot")) is True:
        raise NotApplicable("Autopilot always runs Dataplane V2")
    datapath = r.get("datapathProvider")
    if datapath in ("ADVANCED_DATAPATH", UNKNOWN) or as_bool(r.get("networkPolicy.enabled")) is True:
        return
    yield (
        f"datapathProvider is {shown(datapath)} and networkPolicy is not enabled: "
        "NetworkPolicies are not enforced"
    )


@resource_rule(
    id="lepton-gcp-gke-legacy-auth-off",
    title="GKE legacy authorization and client certificates are off",
    severity=Severity.HIGH,
    types=(CLUSTER,),
    clouds=GCP,
    description="`enableLegacyAbac` is not true and "
    "`masterAuth.clientCertificateConfig.issueClientCertificate` "
    "is not true (long-lived credentials that bypass IAM).",
    remediation="Leave `enable_legacy_abac` unset and do not issue client certificates.",
    anchors=("checkov:CKV_GCP_7", "checkov:CKV_GCP_13"),
)
def gke_legacy_auth(r: ResourceView) -> Iterator[str]:
    if as_bool(r.get("enableLegacyAbac")) is True:
        yield "enableLegacyAbac is true"
    if as_bool(r.get("masterAuth.clientCertificateConfig.issueClientCertificate")) is True:
        yield "masterAuth.clientCertificateConfig.issueClientCertificate is true"


@resource_rule(
    id="lepton-gcp-subnet-flow-logs",
    title="Subnets have flow logs",
    severity=Severity.MEDIUM,
    types=(SUBNETWORK,),
    clouds=GCP,
    description="`logConfig` is set on every subnet that supports it.",
    remediation="Set `log_config=...(aggregation_interval='INTERVAL_5_SEC', flow_sampling=0.5, "
    "metadata='INCLUDE_ALL_METADATA')`.",
    anchors=("checkov:CKV_GCP_26",),
)
def subnet_flow_logs(r: ResourceView) -> Iterator[str]:
    if r.get("purpose") in NO_FLOW_LOG_PURPOSES:
        raise NotApplicable(f"{r.get('purpose')} subnets carry no flow logs")
    if not r.get("logConfig"):
        yield "logConfig is not set: no VPC flow logs"


# --- compute hardening ----------------------------------------------------------------------------


@resource_rule(
    id="lepton-gcp-gke-metadata-server",
    title="GKE nodes hide the instance metadata (GKE metadata server)",
    severity=Severity.HIGH,
    types=(NODE_POOL, CLUSTER),
    clouds=GCP,
    description="`nodeConfig.workloadMetadataConfig.mode` is GKE_METADATA, and the cluster has "
    "Workload Identity (`workloadIdentityConfig.workloadPool`).",
    remediation="Set `workload_identity_config=...(workload_pool=f'{project}.svc.id.goog')` on the cluster "
    "and `node_config.workload_metadata_config=...(mode='GKE_METADATA')` on each pool.",
    anchors=("checkov:CKV_GCP_69",),
)
def gke_metadata_server(r: ResourceView) -> Iterator[str]:
    autopilot = as_bool(r.get("enableAutopilot")) is True
    if r.type == CLUSTER and not autopilot and not is_set(r.get("workloadIdentityConfig.workloadPool")):
        yield "workloadIdentityConfig.workloadPool is not set: no Workload Identity"
    try:
        configs = _node_configs(r)
    except NotApplicable:
        return
    for where, config in configs:
        mode = as_mapping(config.get("workloadMetadataConfig")).get("mode")
        if mode not in ("GKE_METADATA", UNKNOWN):
            yield f"{where}.workloadMetadataConfig.mode is {shown(mode)}, not GKE_METADATA"


@resource_rule(
    id="lepton-gcp-gke-shielded-nodes",
    title="GKE nodes are shielded (secure boot, integrity monitoring)",
    severity=Severity.MEDIUM,
    types=(NODE_POOL, CLUSTER),
    clouds=GCP,
    description="The cluster keeps `enableShieldedNodes`; every node config has "
    "`shieldedInstanceConfig.enableSecureBoot` true and does not turn integrity monitoring off. "
    "GKE-installed GPU drivers are signed, so secure boot holds on GPU pools.",
    remediation="Set `node_config.shielded_instance_config=...(enable_secure_boot=True, "
    "enable_integrity_monitoring=True)`.",
    anchors=("checkov:CKV_GCP_68", "checkov:CKV_GCP_72"),
)
def gke_shielded_nodes(r: ResourceView) -> Iterator[str]:
    if r.type == CLUSTER and as_bool(r.get("enableShieldedNodes")) is False:
        yield "enableShieldedNodes is false"
    try:
        configs = _node_configs(r)
    except NotApplicable:
        return
    for where, config in configs:
        shielded = as_mapping(config.get("shieldedInstanceConfig"))
        boot = shielded.get("enableSecureBoot")
        if not is_unknown(boot) and as_bool(boot) is not True:
            yield f"{where}.shieldedInstanceConfig.enableSecureBoot is not true"
        if as_bool(shielded.get("enableIntegrityMonitoring")) is False:
            yield f"{where}.shieldedInstanceConfig.enableIntegrityMonitoring is false"


@resource_rule(
    id="lepton-gcp-node-service-account",
    title="GKE nodes run as a dedicated service account",
    severity=Severity.HIGH,
    types=(NODE_POOL, CLUSTER),
    clouds=GCP,
    description="`nodeConfig.serviceAccount` is set and is not the Compute Engine default service account "
    "(which holds Editor on the project).",
    remediation="Create a node service account with roles/container.defaultNodeServiceAccount (plus "
    "roles/artifactregistry.reader on the image repository), and set `node_config.service_account=sa.email`.",
)
def node_service_account(r: ResourceView) -> Iterator[str]:
    for where, config in _node_configs(r):
        account = config.get("serviceAccount")
        if not is_set(account) or account == "default":
            yield f"{where}.serviceAccount is not set: nodes run as the Compute Engine default account"
        elif isinstance(account, str) and account.endswith("-compute@developer.gserviceaccount.com"):
            yield f"{where}.serviceAccount is the Compute Engine default account"


def _is_gpu_pool(config: Mapping[str, Any]) -> bool:
    accelerators = [as_mapping(a) for a in as_list(config.get("guestAccelerators"))]
    if any((as_int(a.get("count")) or 0) > 0 or is_unknown(a.get("count")) for a in accelerators):
        return True
    return bool(GPU_MACHINE.match(str(config.get("machineType", ""))))


@resource_rule(
    id="lepton-gcp-node-pool-autoscaling",
    title="Node pools have an autoscaling maximum",
    severity=Severity.MEDIUM,
    types=(NODE_POOL,),
    clouds=GCP,
    description="`autoscaling.maxNodeCount` or `autoscaling.totalMaxNodeCount` is set and not below the "
    "minimum. GKE taints GPU nodes `nvidia.com/gpu=present:NoSchedule` itself, so GPU pools need no "
    "explicit taint on GCP.",
    remediation="Set `autoscaling=...(min_node_count=0, max_node_count=<ceiling>)` (or the total_* pair "
    "for regional pools).",
)
def node_pool_autoscaling(r: ResourceView) -> Iterator[str]:
    scaling = as_mapping(r.get("autoscaling"))
    if not scaling:
        yield "no autoscaling block: a fixed-size pool with no ceiling policy"
        return
    total = "totalMaxNodeCount" in scaling and "maxNodeCount" not in scaling
    prefix = "autoscaling.total" if total else "autoscaling."
    yield from ceiling_problems(
        scaling.get("maxNodeCount", scaling.get("totalMaxNodeCount")),
        scaling.get("minNodeCount", scaling.get("totalMinNodeCount")),
        max_name=f"{prefix}{'MaxNodeCount' if total else 'maxNodeCount'}",
        min_name=f"{prefix}{'MinNodeCount' if total else 'minNodeCount'}",
    )


@resource_rule(
    id="lepton-gcp-spot-gpu-min-zero",
    title="Spot GPU node pools scale to zero",
    severity=Severity.MEDIUM,
    types=(NODE_POOL,),
    clouds=GCP,
    description="A spot or preemptible GPU pool has an autoscaling minimum of 0.",
    remediation="Set `autoscaling.min_node_count=0` (and `total_min_node_count=0`).",
)
def spot_gpu_min_zero(r: ResourceView) -> Iterator[str]:
    config = as_mapping(r.get("nodeConfig"))
    spot = as_bool(config.get("spot")) is True or as_bool(config.get("preemptible")) is True
    if not spot or not _is_gpu_pool(config):
        raise NotApplicable("not a spot GPU node pool")
    scaling = as_mapping(r.get("autoscaling"))
    for key in ("minNodeCount", "totalMinNodeCount"):
        value = scaling.get(key)
        if value is not None and not is_unknown(value) and as_int(value) != 0:
            yield f"spot GPU pool with autoscaling.{key} {shown(value)}"


# --- identity -------------------------------------------------------------------------------------


@resource_rule(
    id="lepton-gcp-no-primitive-roles-for-service-accounts",
    title="No primitive roles (owner, editor, viewer) for service accounts",
    severity=Severity.CRITICAL,
    types=(*IAM_MEMBER_TYPES, *IAM_BINDING_TYPES, *IAM_POLICY_TYPES),
    clouds=GCP,
    description="Project, folder and organization IAM never grant roles/owner, roles/editor or "
    "roles/viewer to a `serviceAccount:` member.",
    remediation="Grant the predefined roles the workload needs (e.g. roles/logging.logWriter).",
    anchors=("checkov:CKV_GCP_41", "checkov:CKV_GCP_42"),
)
def no_primitive_roles(r: ResourceView) -> Iterator[str]:
    if r.type in IAM_POLICY_TYPES:
        data = r.get("policyData")
        try:
            policy = json.loads(data) if isinstance(data, str) else as_mapping(data)
        except json.JSONDecodeError:
            return
        bindings = [
            (as_mapping(b).get("role"), as_list(as_mapping(b).get("members")))
            for b in as_list(as_mapping(policy).get("bindings"))
        ]
    else:
        members = [r.get("member")] if r.type in IAM_MEMBER_TYPES else as_list(r.get("members"))
        bindings = [(r.get("role"), members)]
    for role, members in bindings:
        if role not in PRIMITIVE_ROLES:
            continue
        for member in members:
            if isinstance(member, str) and member.startswith("serviceAccount:"):
                yield f"{role} granted to {member}"


# --- data protection ------------------------------------------------------------------------------


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


@resource_rule(
    id="lepton-gcp-artifact-registry-hygiene",
    title="Docker repositories have immutable tags and scanning",
    severity=Severity.MEDIUM,
    types=(REPOSITORY,),
    clouds=GCP,
    description="DOCKER repositories set `dockerConfig.immutableTags` and do not disable vulnerability "
    "scanning (`vulnerabilityScanningConfig.enablementConfig` DISABLED).",
    remediation="Set `docker_config=...(immutable_tags=True)`; leave scanning INHERITED (and enable the "
    "containerscanning API on the project).",
)
def artifact_registry_hygiene(r: ResourceView) -> Iterator[str]:
    if r.get("format", "DOCKER") not in ("DOCKER", UNKNOWN):
        raise NotApplicable(f"a {r.get('format')} repository")
    immutable = r.get("dockerConfig.immutableTags")
    if not is_unknown(immutable) and as_bool(immutable) is not True:
        yield "dockerConfig.immutableTags is not true: a tag can be overwritten"
    if r.get("vulnerabilityScanningConfig.enablementConfig") == "DISABLED":
        yield "vulnerability scanning is disabled"
