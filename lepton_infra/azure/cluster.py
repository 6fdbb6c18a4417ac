"""`azure.Cluster`: a hardened AKS control plane with its identities and grants, the dedicated system
pool, and the Kubernetes provider plus the CMK storage class (the other pools are `NodePool`s)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Network

import pulumi
import pulumi_kubernetes as k8s
from pulumi_azure_native import containerservice, managedidentity

from lepton_infra.azure.maintenance import AksMaintenanceWindow, maintenance_configurations
from lepton_infra.azure.planning import SYSTEM_POOL_TAINT, aks_kubeconfig, dns_service_ip
from lepton_infra.azure.roles import grant
from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.core.propagation import wait_for
from lepton_infra.profiles.azure.limits import SYSTEM_POOL_NAME, SYSTEM_POOL_VM_SIZE

STORAGE_CLASS = "lepton-cmk-premium"


@dataclass
class ClusterArgs:
    name_prefix: str
    location: str
    resource_group_name: pulumi.Input[str]
    subscription_id: str
    tenant_id: pulumi.Input[str]
    kubernetes_version: str
    node_subnet_id: pulumi.Input[str]
    api_server_subnet_id: pulumi.Input[str]
    key_id: pulumi.Input[str]  # the key's ARM id (role assignment scope)
    key_uri_with_version: pulumi.Input[str]  # AKS KMS needs a versioned key id
    key_vault_id: pulumi.Input[str]
    disk_encryption_set_id: pulumi.Input[str]
    service_cidr: str
    pod_cidr: str
    zones: int = 3
    private_endpoint: bool = True
    authorized_networks: Sequence[str] = field(default_factory=list)
    admin_group_object_ids: Sequence[str] = field(default_factory=list)
    # Entra object id of whoever runs `pulumi up` (getClientConfig): made cluster admin through Azure
    # RBAC, so the in-cluster layer can be deployed with local accounts disabled.
    deployer_object_id: pulumi.Input[str] | None = None
    deployer_principal_type: str = "User"
    upgrade_channel: str = "patch"
    node_os_upgrade_channel: str = "NodeImage"
    # When AKS may auto-upgrade and reimage (azure/maintenance.py); None: at any hour AKS chooses.
    maintenance: AksMaintenanceWindow | None = None
    system_pool_min: int = 1
    system_pool_max: int = 3
    standard_tier: bool = True
    # Long-term support (`cluster.support: extended`): the Premium tier with the AKSLongTermSupport plan,
    # which AKS enables and disables only together (learn.microsoft.com AKS "Long-term support"). Wins over
    # `standard_tier`.
    long_term_support: bool = False
    tags: Mapping[str, str] = field(default_factory=dict)
    protect: bool = False
    # The application routing add-on (managed NGINX; azure/traffic.py): on when a domain is set. Its own
    # default controller is not created (`None`): the platform's NginxIngressControllers are the only ones.
    # No DNS zone is attached to it: the platform writes the hosts' records itself (azure/host_dns.py).
    web_app_routing: bool = False


def sku_tier(args: ClusterArgs) -> str:
    """Premium with long-term support (which requires it), else Standard (uptime SLA) or Free."""
    if args.long_term_support:
        return "Premium"
    return "Standard" if args.standard_tier else "Free"


class Cluster(Component):
    TOKEN = "lepton:azure:Cluster"

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        tags = dict(args.tags)

        def identity(role: str) -> managedidentity.UserAssignedIdentity:
            return managedidentity.UserAssignedIdentity(
                child_name(name, f"{role}-identity"),
                resource_name_=physical_name(args.name_prefix, "aks", role, limit="azure:generic"),
                resource_group_name=args.resource_group_name,
                location=args.location,
                tags=tags,
                opts=self.child_opts(),
            )

        # User-assigned, so every grant below exists before the cluster does (KMS refuses a cluster
        # whose identity cannot reach the key yet; a system-assigned one would only exist afterwards).
        self.control_plane_identity = identity("control-plane")
        self.kubelet_identity = identity("kubelet")
        cp = self.control_plane_identity.principal_id

        def to_control_plane(role_name: str, role: str, scope: pulumi.Input[str]) -> pulumi.Resource:
            return grant(
                child_name(name, role_name),
                principal_id=cp,
                role=role,
                scope=scope,
                subscription_id=args.subscription_id,
                opts=self.child_opts(),
            )

        self.grants = [
            # etcd encryption (KMS): encrypt/decrypt with the key, nothing else in the vault.
            to_control_plane("kms-key-access", "Key Vault Crypto User", args.key_id),
            # Join the node and API-server subnets (and their NAT gateway, through the subnet).
            to_control_plane("node-subnet-access", "Network Contributor", args.node_subnet_id),
            to_control_plane("apiserver-subnet-access", "Network Contributor", args.api_server_subnet_id),
            # Assign the kubelet identity to the node scale sets.
            to_control_plane("kubelet-operator", "Managed Identity Operator", self.kubelet_identity.id),
            # Read the Disk Encryption Set when provisioning CMK disks.
            to_control_plane("des-reader", "Reader", args.disk_encryption_set_id),
        ]
        api_access = containerservice.ManagedClusterAPIServerAccessProfileArgs(
            # The API server gets an address in our delegated subnet (also what a private KMS vault needs).
            enable_vnet_integration=True,
            subnet_id=args.api_server_subnet_id,
            enable_private_cluster=args.private_endpoint,
            enable_private_cluster_public_fqdn=False if args.private_endpoint else None,
            authorized_ip_ranges=None if args.private_endpoint else list(args.authorized_networks),
            disable_run_command=True,
        )
        self.cluster = containerservice.ManagedCluster(
            child_name(name, "aks"),
            resource_name_=physical_name(args.name_prefix, limit=63),
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=tags,
            dns_prefix=physical_name(args.name_prefix, limit=54),
            kubernetes_version=args.kubernetes_version,
            sku=containerservice.ManagedClusterSKUArgs(name="Base", tier=sku_tier(args)),
            # Unset: AKS's default, KubernetesOfficial (community support only).
            # Always said: leaving LTS takes an explicit KubernetesOfficial (AKS "long-term support",
            # disable LTS), and a plan left out would keep whatever the cluster has.
            support_plan="AKSLongTermSupport" if args.long_term_support else "KubernetesOfficial",
            node_resource_group=physical_name(args.name_prefix, "aks-nodes", limit=80),
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
            auto_scaler_profile=containerservice.ManagedClusterPropertiesAutoScalerProfileArgs(
                expander="least-waste", scale_down_unneeded_time="10m", skip_nodes_with_local_storage="false"
            ),
            agent_pool_profiles=[
                containerservice.ManagedClusterAgentPoolProfileArgs(
                    name=SYSTEM_POOL_NAME,
                    mode="System",
                    vm_size=SYSTEM_POOL_VM_SIZE,
                    os_type="Linux",
                    os_sku="Ubuntu",
                    enable_auto_scaling=True,
                    count=args.system_pool_min,
                    min_count=args.system_pool_min,
                    max_count=args.system_pool_max,
                    availability_zones=[str(z) for z in range(1, args.zones + 1)],
                    vnet_subnet_id=args.node_subnet_id,
                    enable_encryption_at_host=True,
                    os_disk_type="Managed",
                    os_disk_size_gb=128,
                    node_taints=[SYSTEM_POOL_TAINT],
                    upgrade_settings=containerservice.AgentPoolUpgradeSettingsArgs(max_surge="33%"),
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

        # Who deploys the in-cluster layer must be a Kubernetes admin (Azure RBAC): local accounts are off.
        self.deployer_access: list[pulumi.Resource] = []
        if args.deployer_object_id is not None:
            self.deployer_access.append(
                grant(
                    child_name(name, "deployer-admin"),
                    principal_id=args.deployer_object_id,
                    role="Azure Kubernetes Service RBAC Cluster Admin",
                    scope=self.cluster.id,
                    subscription_id=args.subscription_id,
                    opts=self.child_opts(),
                    principal_type=args.deployer_principal_type,
                )
            )
        credentials = containerservice.list_managed_cluster_user_credentials_output(
            resource_group_name=args.resource_group_name,
            resource_name=self.cluster.name,
            opts=pulumi.InvokeOutputOptions(parent=self, depends_on=[self.cluster]),
        )
        self.kubeconfig: pulumi.Output[str] = pulumi.Output.secret(
            pulumi.Output.all(self.cluster.name, credentials.kubeconfigs).apply(
                lambda v: aks_kubeconfig(str(v[0]), _credential_value(v[1][0]))
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


def _credential_value(credential: object) -> str:
    """The base64 kubeconfig of a CredentialResult (a typed result, or its plain mapping form)."""
    if isinstance(credential, dict):
        return str(credential["value"])
    return str(getattr(credential, "value", ""))
