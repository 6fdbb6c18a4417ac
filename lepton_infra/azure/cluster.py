"""`azure.Cluster`: a hardened AKS control plane with its identities and grants, the dedicated system
pool, and the Kubernetes provider plus the CMK storage class (the other pools are `NodePool`s)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Network

import pulumi
import pulumi_kubernetes as k8s
from pulumi_azure_native import containerservice

from lepton_infra.azure.cluster_access import cluster_access
from lepton_infra.azure.cluster_identity import cluster_identities
from lepton_infra.azure.fallback import autoscaler_profile
from lepton_infra.azure.maintenance import AksMaintenanceWindow, maintenance_configurations
from lepton_infra.azure.planning import AKS_ZONES, MIN_SERVICE_PREFIX, aks_kubeconfig, dns_service_ip
from lepton_infra.azure.planning import credential_value as credential_value
from lepton_infra.azure.system_pool import system_pool_profile
from lepton_infra.core.args import at_least, at_most, ipv4_cidr, ordered
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.core.propagation import wait_for
from lepton_infra.profiles.azure.knobs import AzureKnobs
from lepton_infra.profiles.azure.limits import SYSTEM_POOL_VM_SIZE
from lepton_infra.profiles.azure.tags import AZURE_TAGS
from lepton_infra.spec import ClusterSpec
from lepton_infra.spec.problems import like_spec_field

STORAGE_CLASS = "lepton-cmk-premium"


@dataclass
class ClusterArgs(ComponentArgs):
    name_prefix: str
    """Prefix of cloud-side names (`<platform>-<environment>`)."""
    location: str
    """The Azure region (e.g. `eastus`)."""
    resource_group_name: pulumi.Input[str]
    """The resource group (its name) the resources are created in (`Network.resource_group_name`)."""
    subscription_id: str
    """The subscription id: role assignments and built-in role definitions are scoped by it."""
    tenant_id: pulumi.Input[str]
    """The Entra ID tenant (its id) of the cluster's Azure RBAC and Entra ID integration."""
    kubernetes_version: str
    """The cluster's Kubernetes minor, e.g. `1.35` (one the spec accepts)."""
    node_subnet_id: pulumi.Input[str]
    """The nodes' subnet (its id, `Network.node_subnet_id`)."""
    api_server_subnet_id: pulumi.Input[str]
    """The subnet (its id) delegated to the API server (API server VNet integration)."""
    key_id: pulumi.Input[str]
    """The Key Vault key's ARM id: the control plane identity's grant for KMS etcd encryption is scoped to
    it."""
    key_uri_with_version: pulumi.Input[str]
    """etcd's key, versioned (AKS KMS needs a version): its current version at each `up`, which changes only
    by a deliberate rotation (EncryptionKey.etcd_key_uri_with_version; docs/azure.md, "Key rotation")."""
    key_vault_id: pulumi.Input[str]
    """The Key Vault (its id) holding the key."""
    disk_encryption_set_id: pulumi.Input[str]
    """The Disk Encryption Set (its id): node OS disks and the storage class's volumes are encrypted with the
    platform key through it."""
    service_cidr: str
    """The Kubernetes Service range (outside the VNet and the pod range; a /12 or smaller)."""
    pod_cidr: str
    """The Azure CNI overlay pod range (the platform uses `10.244.0.0/16`)."""
    etcd_key_id: pulumi.Input[str] | None = None
    """etcd's own key (ARM id) when not `key_id`'s, granted to the control plane too. Default: `key_id`'s."""
    zones: int = 3
    """Availability zones of the system pool (and zone-redundant disks when more than 1). Default: 3."""
    private_endpoint: bool = True
    """Private API server (reached only from the VNet and networks joined to it). Default: private."""
    authorized_networks: Sequence[str] = field(default_factory=list)
    """CIDRs admitted to a public API server (`authorizedIPRanges`); required when `private_endpoint` is
    False, never open by default. Default: none."""
    admin_group_object_ids: Sequence[str] = field(default_factory=list)
    """Entra ID group object ids made cluster-admin (`aadProfile.adminGroupObjectIDs`). Default: none."""
    kubeconfig_groups: Sequence[str] = field(default_factory=list)
    """Entra ID group object ids whose members may download the cluster's kubeconfig
    (`listClusterUserCredential`: "Azure Kubernetes Service Cluster User Role" on the cluster). Kubernetes
    RBAC alone (a RoleBinding, or cluster admin through `admin_group_object_ids`) lets a member act, not
    fetch the kubeconfig. Default: none."""
    deployer_object_id: pulumi.Input[str] | None = None
    """Entra object id of whoever runs `pulumi up` (getClientConfig): made cluster admin through Azure RBAC,
    so the in-cluster layer can be deployed with local accounts disabled. Default: none, no grant."""
    deployer_principal_type: str = "User"
    """What `deployer_object_id` is: `User` or `ServicePrincipal` (Azure checks a role assignment's principal
    type). Default: `User`."""
    upgrade_channel: str = "patch"
    """AKS cluster auto-upgrade channel: `patch`, `stable`, `rapid` or `none`. Default: `patch`, the latest
    patch of `kubernetes_version` (the minor stays the spec's)."""
    node_os_upgrade_channel: str = "NodeImage"
    """AKS node OS upgrade channel: `NodeImage`, `SecurityPatch`, `Unmanaged` or `None`. Default: `NodeImage`,
    weekly node images rolled out by AKS."""
    maintenance: AksMaintenanceWindow | None = None
    """When AKS may auto-upgrade and reimage (azure/maintenance.py: two planned-maintenance configurations).
    Default: none, at any hour AKS chooses."""
    system_pool_min: int = 1
    """Fewest nodes of the system pool. Default: 1 (the platform uses 1 in dev, 2 in staging, 3 in prod)."""
    system_pool_max: int = 3
    """Most nodes of the system pool. Default: 3."""
    system_pool_vm_size: str = SYSTEM_POOL_VM_SIZE
    """The system pool's machine. Default: Standard_D4s_v5."""
    system_pool_labels: Mapping[str, str] = field(default_factory=dict)
    """Labels that make it the platform's pool too, untainted. Default: none (kube-system only, tainted)."""
    standard_tier: bool = True
    """The Standard tier (financially backed uptime SLA; $0.10 an hour, about $73/month: cost/fees.yaml)
    instead of Free. Default: Standard."""
    long_term_support: bool = False
    """Long-term support (`cluster.support: extended`): the Premium tier with the AKSLongTermSupport plan,
    which AKS enables and disables only together (learn.microsoft.com AKS "Long-term support"). Wins over
    `standard_tier`. Default: off."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Azure tags on every resource (the platform's: `team`, `cost-center`, ...), checked against Azure's tag
    rules. Default: none."""
    protect: bool = False
    """Pulumi `protect` on the stateful resources: `pulumi destroy` and replacements stop at them. Default:
    off (the platform sets it in prod)."""
    web_app_routing: bool = False
    """The application routing add-on (managed NGINX; azure/traffic.py), without its own default controller
    and with no DNS zone attached (the platform writes the hosts' records itself, azure/host_dns.py). Default:
    off (the platform turns it on when a domain is set)."""
    autoscaler_expander: str = "least-waste"
    """The autoscaler's expander (azure/fallback.py: priority with reservations). Default: least-waste."""

    def problems(self) -> Iterator[Problem]:
        yield from like_spec_field("kubernetes_version", self.kubernetes_version, ClusterSpec, "version")
        unparsed = [*ipv4_cidr("service_cidr", self.service_cidr), *ipv4_cidr("pod_cidr", self.pod_cidr)]
        yield from unparsed
        if not unparsed:
            services, pods = IPv4Network(self.service_cidr), IPv4Network(self.pod_cidr)
            if services.overlaps(pods):
                yield Problem(
                    "service_cidr", self.service_cidr, f"overlaps pod_cidr {pods}", "pick ranges apart"
                )
            if services.prefixlen < MIN_SERVICE_PREFIX:
                yield Problem(
                    "service_cidr",
                    self.service_cidr,
                    f"AKS needs a service range smaller than /{MIN_SERVICE_PREFIX}",
                    "use a /12 to /24 range",
                )
        yield from at_least("zones", self.zones, 1)
        yield from at_most(
            "zones", self.zones, AKS_ZONES, f"Azure regions have {AKS_ZONES} availability zones"
        )
        yield from like_spec_field(
            "authorized_networks", list(self.authorized_networks), ClusterSpec, "authorized_networks"
        )
        if not self.private_endpoint and not self.authorized_networks:
            yield Problem(
                "authorized_networks",
                [],
                "a public AKS API server needs the CIDRs that may reach it (never open by default)",
                "list office/VPN/CI CIDRs, or keep private_endpoint=True",
            )
        yield from like_spec_field(
            "admin_group_object_ids", list(self.admin_group_object_ids), AzureKnobs, "admin_group_object_ids"
        )
        yield from like_spec_field(
            "kubeconfig_groups", list(self.kubeconfig_groups), AzureKnobs, "admin_group_object_ids"
        )
        for name in ("deployer_principal_type", "upgrade_channel", "node_os_upgrade_channel"):
            yield from like_spec_field(name, getattr(self, name), AzureKnobs, name)
        if self.maintenance is not None:
            yield from self.maintenance.problems("maintenance")
        yield from at_least(
            "system_pool_min", self.system_pool_min, 1, "an AKS system pool keeps 1 node or more"
        )
        yield from ordered("system_pool_min", self.system_pool_min, "system_pool_max", self.system_pool_max)
        yield from AZURE_TAGS.problems(self.tags)


def sku_tier(args: ClusterArgs) -> str:
    """Premium with long-term support (which requires it), else Standard (uptime SLA) or Free."""
    if args.long_term_support:
        return "Premium"
    return "Standard" if args.standard_tier else "Free"


class Cluster(Component):
    TOKEN = "lepton:azure:Cluster"

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        tags = dict(args.tags)

        identities = cluster_identities(
            self,
            name,
            name_prefix=args.name_prefix,
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=tags,
            subscription_id=args.subscription_id,
            key_id=args.key_id,
            etcd_key_id=args.etcd_key_id,
            node_subnet_id=args.node_subnet_id,
            api_server_subnet_id=args.api_server_subnet_id,
            disk_encryption_set_id=args.disk_encryption_set_id,
        )
        self.control_plane_identity = identities.control_plane
        self.kubelet_identity = identities.kubelet
        self.grants = identities.grants
        api_access = containerservice.ManagedClusterAPIServerAccessProfileArgs(
            # The API server gets an address in our delegated subnet (also what a private KMS vault needs).
            enable_vnet_integration=True,
            subnet_id=args.api_server_subnet_id,
            enable_private_cluster=args.private_endpoint,
            enable_private_cluster_public_fqdn=False if args.private_endpoint else None,
            authorized_ip_ranges=None if args.private_endpoint else list(args.authorized_networks),
            disable_run_command=True,
        )
        node_resource_group = physical_name(args.name_prefix, "aks-nodes", limit=80)
        self.cluster = containerservice.ManagedCluster(
            child_name(name, "aks"),
            resource_name_=physical_name(args.name_prefix, limit=63),
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=tags,
            dns_prefix=physical_name(args.name_prefix, limit=54),
            kubernetes_version=args.kubernetes_version,
            sku=containerservice.ManagedClusterSKUArgs(name="Base", tier=sku_tier(args)),
            # Always said (unset is KubernetesOfficial): leaving LTS takes an explicit KubernetesOfficial
            # (AKS "long-term support", disable LTS), and a plan left out would keep what the cluster has.
            support_plan="AKSLongTermSupport" if args.long_term_support else "KubernetesOfficial",
            node_resource_group=node_resource_group,
            identity=containerservice.ManagedClusterIdentityArgs(
                type=containerservice.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=[self.control_plane_identity.id],
            ),
            identity_profile={
                "kubeletidentity": containerservice.UserAssignedIdentityArgs(
                    resource_id=self.kubelet_identity.id,
                    client_id=self.kubelet_identity.client_id,
                    object_id=self.kubelet_identity.principal_id,
                )
            },
            enable_rbac=True,
            # Entra ID only: no static admin certificate, Kubernetes authorization through Azure RBAC.
            disable_local_accounts=True,
            aad_profile=containerservice.ManagedClusterAADProfileArgs(
                managed=True,
                enable_azure_rbac=True,
                tenant_id=args.tenant_id,
                admin_group_object_ids=list(args.admin_group_object_ids) or None,
            ),
            api_server_access_profile=api_access,
            network_profile=containerservice.ContainerServiceNetworkProfileArgs(
                network_plugin="azure",
                network_plugin_mode="overlay",
                # Cilium enforces NetworkPolicy (network_policy must name it together with the dataplane).
                network_dataplane="cilium",
                network_policy="cilium",
                pod_cidr=args.pod_cidr,
                service_cidr=args.service_cidr,
                dns_service_ip=dns_service_ip(IPv4Network(args.service_cidr)),
                outbound_type="userAssignedNATGateway",
                load_balancer_sku="standard",
            ),
            security_profile=containerservice.ManagedClusterSecurityProfileArgs(
                azure_key_vault_kms=containerservice.AzureKeyVaultKmsArgs(
                    enabled=True,
                    key_id=args.key_uri_with_version,
                    # Stated, not defaulted: switching it later means turning KMS off and on again.
                    key_vault_network_access="Public",
                ),
                workload_identity=containerservice.ManagedClusterSecurityProfileWorkloadIdentityArgs(
                    enabled=True
                ),
                image_cleaner=containerservice.ManagedClusterSecurityProfileImageCleanerArgs(
                    enabled=True, interval_hours=168
                ),
            ),
            oidc_issuer_profile=containerservice.ManagedClusterOIDCIssuerProfileArgs(enabled=True),
            # The managed Prometheus agent (ama-metrics); Monitoring wires its workspace, rule and alerts.
            azure_monitor_profile=containerservice.ManagedClusterAzureMonitorProfileArgs(
                metrics=containerservice.ManagedClusterAzureMonitorProfileMetricsArgs(enabled=True)
            ),
            disk_encryption_set_id=args.disk_encryption_set_id,
            ingress_profile=containerservice.ManagedClusterIngressProfileArgs(
                web_app_routing=containerservice.ManagedClusterIngressProfileWebAppRoutingArgs(
                    enabled=True,
                    nginx=containerservice.ManagedClusterIngressProfileNginxArgs(
                        default_ingress_controller_type="None"
                    ),
                )
            )
            if args.web_app_routing
            else None,
            # The cluster tracks the spec's minor version (patch) while node images follow their own
            # channel; `node-image` as the cluster channel would force the node channel to NodeImage.
            auto_upgrade_profile=containerservice.ManagedClusterAutoUpgradeProfileArgs(
                upgrade_channel=args.upgrade_channel, node_os_upgrade_channel=args.node_os_upgrade_channel
            ),
            auto_scaler_profile=autoscaler_profile(args.autoscaler_expander),
            agent_pool_profiles=[
                system_pool_profile(
                    min_nodes=args.system_pool_min,
                    max_nodes=args.system_pool_max,
                    zones=args.zones,
                    subnet_id=args.node_subnet_id,
                    vm_size=args.system_pool_vm_size,
                    labels=args.system_pool_labels,
                )
            ],
            # The inline pool exists only because AKS needs one at creation; editing it inline fails or
            # touches every pool, so later changes go through AKS, never through this list.
            opts=self.child_opts(
                # AKS checks the control plane identity's key and subnet access when it creates the
                # cluster: the grants must have propagated (core/propagation.py), not only exist.
                depends_on=[wait_for(child_name(name, "grants-settle"), self.grants, "azure-rbac", self)],
                protect=args.protect,
                ignore_changes=["agentPoolProfiles"],
            ),
        )
        self.cluster_name = self.cluster.name
        self.cluster_id = self.cluster.id
        # Where AKS bills the node VMs, their disks and load balancers: the name the cluster was given, read
        # back from it (so whatever uses it waits for the group to exist).
        self.node_resource_group: pulumi.Output[str] = self.cluster.node_resource_group.apply(
            lambda group: group or node_resource_group
        )
        self.maintenance = (
            maintenance_configurations(
                name,
                window=args.maintenance,
                resource_group_name=args.resource_group_name,
                cluster_name=self.cluster.name,
                upgrade_channel=args.upgrade_channel,
                node_os_upgrade_channel=args.node_os_upgrade_channel,
                opts=self.child_opts(),
            )
            if args.maintenance
            else []
        )
        self.endpoint = pulumi.Output.all(self.cluster.private_fqdn, self.cluster.fqdn).apply(
            lambda f: f"https://{f[0] if args.private_endpoint else f[1]}"
        )
        self.oidc_issuer: pulumi.Output[str] = self.cluster.oidc_issuer_profile.apply(
            lambda p: str(p.issuer_url if p else "")
        )
        self.kubelet_principal_id = self.kubelet_identity.principal_id

        access = cluster_access(
            self,
            name,
            cluster_id=self.cluster.id,
            subscription_id=args.subscription_id,
            deployer_object_id=args.deployer_object_id,
            deployer_principal_type=args.deployer_principal_type,
            kubeconfig_groups=args.kubeconfig_groups,
        )
        self.deployer_access, self.kubeconfig_access = access.deployer, access.kubeconfig
        credentials = containerservice.list_managed_cluster_user_credentials_output(
            resource_group_name=args.resource_group_name,
            resource_name=self.cluster.name,
            opts=pulumi.InvokeOutputOptions(parent=self, depends_on=[self.cluster]),
        )
        self.kubeconfig: pulumi.Output[str] = pulumi.Output.secret(
            pulumi.Output.all(self.cluster.name, credentials.kubeconfigs).apply(
                lambda v: aks_kubeconfig(str(v[0]), credential_value(v[1][0]))
            )
        )
        # The grant must have propagated to the cluster's authorizer, not only exist (core/propagation.py).
        admin_ready = (
            [
                wait_for(
                    child_name(name, "deployer-admin-settle"), self.deployer_access, "azure-aks-rbac", self
                )
            ]
            if self.deployer_access
            else []
        )
        self.k8s_provider = k8s.Provider(
            child_name(name, "k8s"),
            kubeconfig=self.kubeconfig,
            opts=self.child_opts(depends_on=admin_ready),
        )
        # Persistent volumes on our key (the built-in classes use platform-managed keys).
        self.storage_class = k8s.storage.v1.StorageClass(
            child_name(name, "storage-class"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name=STORAGE_CLASS),
            provisioner="disk.csi.azure.com",
            parameters=pulumi.Output.from_input(args.disk_encryption_set_id).apply(
                lambda des: {
                    "skuName": "Premium_ZRS" if args.zones > 1 else "Premium_LRS",
                    "diskEncryptionSetID": des,
                    "networkAccessPolicy": "DenyAll",
                }
            ),
            reclaim_policy="Delete",
            volume_binding_mode="WaitForFirstConsumer",
            allow_volume_expansion=True,
            opts=self.child_opts(provider=self.k8s_provider),
        )
        self.finish(
            {"cluster_name": self.cluster_name, "endpoint": self.endpoint, "oidc_issuer": self.oidc_issuer}
        )
