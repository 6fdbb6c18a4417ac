"""GKE cluster rules: secrets encryption, private nodes and endpoint, NetworkPolicy enforced, legacy
authentication off, a release channel, Binary Authorization, intranode visibility."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import NotApplicable, ResourceView, Severity
from lepton_infra.policy.props import (
    UNKNOWN,
    any_world,
    as_bool,
    as_list,
    as_mapping,
    is_set,
    is_unknown,
    shown,
)
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules._shared import require_prod
from lepton_infra.policy.rules.common import ENVIRONMENT_SCHEMA
from lepton_infra.policy.rules.gcp.tokens import CLUSTER, GCP


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


RELEASE_CHANNELS = frozenset({"RAPID", "REGULAR", "STABLE", "EXTENDED"})


BINAUTHZ_ENFORCING = "PROJECT_SINGLETON_POLICY_ENFORCE"


def standard_cluster(r: ResourceView) -> None:
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
    standard_cluster(r)
    mode = r.get("binaryAuthorization.evaluationMode")
    if not is_unknown(mode) and mode != BINAUTHZ_ENFORCING:
        yield f"binaryAuthorization.evaluationMode is {shown(mode)}"


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
