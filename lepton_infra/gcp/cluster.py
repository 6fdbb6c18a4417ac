"""`gcp.Cluster`: a hardened GKE Standard control plane (the node pools are separate components)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.args import ipv4_cidr, renamed_fields
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.kubeconfig import ExecCredential, exec_kubeconfig
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.gcp.cluster_facts import DATAPLANE_V2
from lepton_infra.gcp.maintenance import RecurringWindow, spec_window
from lepton_infra.gcp.planning import workload_pool
from lepton_infra.profiles.gcp.knobs import GcpKnobs
from lepton_infra.spec import ClusterSpec
from lepton_infra.spec.cluster import DEFAULT_VERSION
from lepton_infra.spec.maintenance import MaintenanceWindow
from lepton_infra.spec.problems import like_spec_field

# The maintenance exclusion that holds the cluster's minor (ClusterArgs.hold_minor_from).
MINOR_HOLD_EXCLUSION = "lepton-hold-minor"

# GKE-managed metrics: control plane, workload state (kube-state-metrics) and NVIDIA DCGM GPU metrics.
MONITORING_COMPONENTS: tuple[str, ...] = (
    "SYSTEM_COMPONENTS",
    "APISERVER",
    "SCHEDULER",
    "CONTROLLER_MANAGER",
    "STORAGE",
    "POD",
    "DEPLOYMENT",
    "STATEFULSET",
    "DAEMONSET",
    "HPA",
    "DCGM",
)
LOGGING_COMPONENTS: tuple[str, ...] = ("SYSTEM_COMPONENTS", "WORKLOADS")


@renamed_fields(resource_labels="tags")
@dataclass
class ClusterArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The GCP project (its id) the resources are created in."""
    location: pulumi.Input[str]
    """A region (a regional control plane, what the platform makes) or a zone."""
    node_locations: pulumi.Input[Sequence[str]]
    """The zones nodes run in (the cluster's and every pool's unless a pool says otherwise)."""
    name_prefix: str
    """Prefix of the cluster's cloud-side name (`<platform>-<environment>`)."""
    network: pulumi.Input[str]
    """The VPC (its id, `Network.network_id`)."""
    subnetwork: pulumi.Input[str]
    """The nodes' subnet (its id, `Network.subnet_id`) holding the pod and service secondary ranges."""
    pods_range_name: str
    """Name of the subnet's secondary range pods take addresses from (VPC-native)."""
    services_range_name: str
    """Name of the subnet's secondary range Services take addresses from."""
    control_plane_cidr: str
    """The private control plane's /28 (`masterIpv4CidrBlock`), outside every other range."""
    secrets_kms_key: pulumi.Input[str]
    """Cloud KMS key (its id) for application-layer encryption of Kubernetes secrets."""
    node_service_account: pulumi.Input[str]
    """The nodes' service account e-mail (`NodeServiceAccount`), used by the short-lived default pool too."""
    boot_disk_kms_key: pulumi.Input[str]
    """Cloud KMS key (its id) the default pool's boot disks are encrypted with."""
    kubernetes_version: str = DEFAULT_VERSION
    """The control plane's minimum minor (`minMasterVersion`), e.g. `1.35`. Default: the spec's default minor
    (core/data/kubernetes_versions.yaml)."""
    release_channel: str = "REGULAR"
    """GKE release channel: `RAPID`, `REGULAR`, `STABLE` or `EXTENDED` (paid support past standard). Default:
    `REGULAR`."""
    private_endpoint: bool = True
    """Private API endpoint only (reached from the VPC and `authorized_networks`). False: the public endpoint
    too, for `authorized_networks` only. Default: private."""
    authorized_networks: Sequence[str] = field(default_factory=list)
    """CIDRs admitted to the API endpoint (master authorized networks). Default: none; only the VPC reaches a
    private endpoint."""
    protect: bool = False
    """GKE deletion protection and Pulumi `protect` on the cluster. Default: off (the platform sets it in
    prod)."""
    keep_node_locations: bool = False
    """Keep the location and node locations the cluster was created with (they came from a live zone lookup,
    gcp/zones.py): later answers never move nodes nor replace a zonal cluster. Default: off, they follow the
    args."""
    maintenance: RecurringWindow = field(default_factory=lambda: spec_window(MaintenanceWindow()))
    """When GKE may upgrade and roll nodes on its own (gcp/maintenance.py: `recurring_window()` or
    `spec_window()`). Default: the spec's default window, Sunday 00:00 UTC for 12 hours."""
    hold_minor_from: str | None = None
    """Hold the cluster on `kubernetes_version`: a NO_MINOR_UPGRADES maintenance exclusion from this RFC 3339
    time until the minor's end of support, so the channel brings patches and node images but never a new minor
    (without it the version is a floor and the channel upgrades past it, e.g. past what the pinned charts
    support). Default: none, no hold."""
    rbac_security_group: str | None = None
    """Google Groups for RBAC: `gke-security-groups@<domain>`, whose member groups reach RBAC by e-mail.
    Default: none."""
    dns_endpoint: bool = False
    """Serve the API on GKE's DNS-based endpoint too (IAM-authorized, reachable wherever Google APIs are) and
    point the kubeconfig at it: `pulumi up` then needs no route into the VPC. Default: off."""
    intranode_visibility: bool = False
    """Same-node pod traffic goes through the VPC, so flow logs and firewall rules see it; no GKE charge of
    its own, but every pod-to-pod flow on a node joins the subnet's flow logs, billed per GiB like the rest
    ($0.25/GiB, the cost model's flow-log line), and switching it on an existing cluster restarts its nodes.
    Default: off (the platform turns it on in prod, where flow logs keep every annotation for
    investigation)."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """GCP resource labels on the cluster itself (`resourceLabels`: scanners read them, not the provider's
    default labels). Default: none."""
    filestore_csi: bool = False
    """GKE's Filestore CSI driver add-on (`addonsConfig.gcpFilestoreCsiDriverConfig`), which mounts the shared
    filesystem's Filestore shares (gcp/filesystem.py); no charge of its own. Default: off."""
    gateway_api: bool = False
    """GKE's own Gateway API controller and CRDs (standard channel), for exposed services' routes
    (gcp/traffic.py). Default: off."""
    binary_authorization_mode: str = "DISABLED"
    """GKE Binary Authorization: `PROJECT_SINGLETON_POLICY_ENFORCE` (evaluate the project's policy,
    `BinaryAuthorizationPolicy`) or `DISABLED`. Default: `DISABLED`."""

    def problems(self) -> Iterator[Problem]:
        yield from like_spec_field("kubernetes_version", self.kubernetes_version, ClusterSpec, "version")
        yield from like_spec_field("release_channel", self.release_channel, GcpKnobs, "release_channel")
        yield from like_spec_field(
            "authorized_networks", list(self.authorized_networks), ClusterSpec, "authorized_networks"
        )
        yield from self.maintenance.problems("maintenance")
        for arg in ("control_plane_cidr",):
            yield from ipv4_cidr(arg, getattr(self, arg))


class Cluster(Component):
    TOKEN = "lepton:gcp:Cluster"

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        self.cluster = gcp.container.Cluster(
            child_name(name, "gke"),
            name=physical_name(args.name_prefix, limit=40),
            project=args.project,
            location=args.location,
            node_locations=args.node_locations,
            min_master_version=args.kubernetes_version,
            release_channel=gcp.container.ClusterReleaseChannelArgs(channel=args.release_channel),
            network=args.network,
            subnetwork=args.subnetwork,
            networking_mode="VPC_NATIVE",
            ip_allocation_policy=gcp.container.ClusterIpAllocationPolicyArgs(
                cluster_secondary_range_name=args.pods_range_name,
                services_secondary_range_name=args.services_range_name,
            ),
            # Nodes never get public IPs; in prod the API has no public address at all.
            private_cluster_config=gcp.container.ClusterPrivateClusterConfigArgs(
                enable_private_nodes=True,
                enable_private_endpoint=args.private_endpoint,
                master_ipv4_cidr_block=args.control_plane_cidr,
            ),
            master_authorized_networks_config=gcp.container.ClusterMasterAuthorizedNetworksConfigArgs(
                cidr_blocks=[
                    gcp.container.ClusterMasterAuthorizedNetworksConfigCidrBlockArgs(
                        cidr_block=cidr, display_name=f"authorized-{i}"
                    )
                    for i, cidr in enumerate(args.authorized_networks)
                ],
                gcp_public_cidrs_access_enabled=False,
            ),
            # GKE docs ("About network isolation"): the DNS-based endpoint `<uid>.<region>.gke.goog` is
            # fronted by Google, takes traffic from any network that reaches Google APIs when
            # allow_external_traffic is on, and admits only callers holding IAM container.clusters.connect.
            # The IP endpoints (private in prod) are unchanged.
            control_plane_endpoints_config=gcp.container.ClusterControlPlaneEndpointsConfigArgs(
                dns_endpoint_config=gcp.container.ClusterControlPlaneEndpointsConfigDnsEndpointConfigArgs(
                    allow_external_traffic=True
                )
            )
            if args.dns_endpoint
            else None,
            # Kubernetes Secrets are envelope-encrypted with our key (off by default in GKE).
            database_encryption=gcp.container.ClusterDatabaseEncryptionArgs(
                state="ENCRYPTED", key_name=args.secrets_kms_key
            ),
            workload_identity_config=gcp.container.ClusterWorkloadIdentityConfigArgs(
                workload_pool=pulumi.Output.from_input(args.project).apply(workload_pool)
            ),
            enable_shielded_nodes=True,
            enable_legacy_abac=False,
            master_auth=gcp.container.ClusterMasterAuthArgs(
                client_certificate_config=gcp.container.ClusterMasterAuthClientCertificateConfigArgs(
                    issue_client_certificate=False
                )
            ),
            # Dataplane V2 (eBPF) enforces NetworkPolicy itself; the Calico addon must stay off with it.
            datapath_provider=DATAPLANE_V2,
            # Written out as off: GKE requires the legacy network_policy block disabled with Dataplane V2,
            # and scanners (checkov CKV_GCP_12) read this block together with datapath_provider.
            network_policy=gcp.container.ClusterNetworkPolicyArgs(enabled=False),
            enable_intranode_visibility=args.intranode_visibility,
            addons_config=gcp.container.ClusterAddonsConfigArgs(
                gcp_filestore_csi_driver_config=gcp.container.ClusterAddonsConfigGcpFilestoreCsiDriverConfigArgs(
                    enabled=True
                )
            )
            if args.filestore_csi
            else None,
            gateway_api_config=gcp.container.ClusterGatewayApiConfigArgs(channel="CHANNEL_STANDARD")
            if args.gateway_api
            else None,
            resource_labels=dict(args.tags) or None,
            binary_authorization=gcp.container.ClusterBinaryAuthorizationArgs(
                evaluation_mode=args.binary_authorization_mode
            ),
            # Without it GKE passes no Google Group to RBAC: Group subjects would match nobody.
            authenticator_groups_config=gcp.container.ClusterAuthenticatorGroupsConfigArgs(
                security_group=args.rbac_security_group
            )
            if args.rbac_security_group
            else None,
            monitoring_config=gcp.container.ClusterMonitoringConfigArgs(
                enable_components=list(MONITORING_COMPONENTS),
                managed_prometheus=gcp.container.ClusterMonitoringConfigManagedPrometheusArgs(enabled=True),
            ),
            logging_config=gcp.container.ClusterLoggingConfigArgs(enable_components=list(LOGGING_COMPONENTS)),
            security_posture_config=gcp.container.ClusterSecurityPostureConfigArgs(mode="BASIC"),
            cost_management_config=gcp.container.ClusterCostManagementConfigArgs(enabled=True),
            maintenance_policy=gcp.container.ClusterMaintenancePolicyArgs(
                recurring_window=gcp.container.ClusterMaintenancePolicyRecurringWindowArgs(
                    start_time=args.maintenance.start_time,
                    end_time=args.maintenance.end_time,
                    recurrence=args.maintenance.recurrence,
                ),
                maintenance_exclusions=[
                    gcp.container.ClusterMaintenancePolicyMaintenanceExclusionArgs(
                        exclusion_name=MINOR_HOLD_EXCLUSION,
                        start_time=args.hold_minor_from,
                        exclusion_options=gcp.container.ClusterMaintenancePolicyMaintenanceExclusionExclusionOptionsArgs(
                            scope="NO_MINOR_UPGRADES", end_time_behavior="UNTIL_END_OF_SUPPORT"
                        ),
                    )
                ]
                if args.hold_minor_from
                else None,
            ),
            # GKE insists on creating a default pool; it is deleted at once, but while it lives it runs
            # with our node identity and hardening rather than the default compute SA.
            remove_default_node_pool=True,
            initial_node_count=1,
            node_config=gcp.container.ClusterNodeConfigArgs(
                service_account=args.node_service_account,
                oauth_scopes=["https://www.googleapis.com/auth/cloud-platform"],
                boot_disk_kms_key=args.boot_disk_kms_key,
                shielded_instance_config=gcp.container.ClusterNodeConfigShieldedInstanceConfigArgs(
                    enable_secure_boot=True, enable_integrity_monitoring=True
                ),
                workload_metadata_config=gcp.container.ClusterNodeConfigWorkloadMetadataConfigArgs(
                    mode="GKE_METADATA"
                ),
            ),
            deletion_protection=args.protect,
            # The default pool's settings only matter for its few minutes of life; never replace the
            # cluster over them, nor over the size GKE reports after the pool is gone.
            opts=self.child_opts(
                protect=args.protect,
                ignore_changes=["nodeConfig", "initialNodeCount"]
                + (["location", "nodeLocations"] if args.keep_node_locations else []),
            ),
        )
        self.cluster_name = self.cluster.name
        # Every zone with nodes: a zonal cluster's own zone is not among its node locations.
        self.node_zones: pulumi.Output[list[str]] = pulumi.Output.all(
            self.cluster.location, self.cluster.node_locations
        ).apply(lambda v: _zones_with_nodes(str(v[0]), [str(z) for z in v[1] or []]))
        self.location = self.cluster.location
        self.endpoint = self.cluster.endpoint
        self.ca_certificate = self.cluster.master_auth.cluster_ca_certificate
        self.dns_endpoint: pulumi.Output[str | None] = self.cluster.control_plane_endpoints_config.apply(
            lambda c: (
                c.dns_endpoint_config.endpoint
                if c is not None and c.dns_endpoint_config is not None
                else None
            )
        )
        if args.dns_endpoint:
            # The DNS endpoint presents a publicly trusted certificate: no cluster CA in the kubeconfig.
            server = pulumi.Output.all(self.cluster.name, self.dns_endpoint).apply(
                lambda v: gke_kubeconfig(str(v[0]), str(v[1]), "")
            )
        else:
            server = pulumi.Output.all(self.cluster.name, self.cluster.endpoint, self.ca_certificate).apply(
                lambda v: gke_kubeconfig(str(v[0]), str(v[1]), str(v[2] or ""))
            )
        self.kubeconfig: pulumi.Output[str] = pulumi.Output.secret(server)
        self.finish({"cluster_name": self.cluster_name, "endpoint": self.endpoint, "location": self.location})


GKE_AUTH_PLUGIN = ExecCredential(
    command="gke-gcloud-auth-plugin",
    provide_cluster_info=True,
    install_hint="Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
)


def gke_kubeconfig(cluster_name: str, endpoint: str, ca_certificate: str) -> str:
    """A kubeconfig (JSON is YAML) that authenticates through gke-gcloud-auth-plugin: short-lived tokens
    from the caller's Google credentials, never a static client certificate or token. Without a CA
    certificate (the DNS-based endpoint) the system's trusted roots verify the server."""
    return exec_kubeconfig(cluster_name, f"https://{endpoint}", ca_certificate, GKE_AUTH_PLUGIN)


def _zones_with_nodes(location: str, node_locations: list[str]) -> list[str]:
    """A zonal cluster's own zone (`<region>-<letter>`: two hyphens) holds nodes too."""
    own = [location] if location.count("-") == 2 else []
    return sorted({*node_locations, *own})
