"""`azure.Platform`: the whole Azure platform from a `PlatformSpec` (spec -> component args via the
catalog)."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_azure_native as azure_native
from pulumi_azure_native import authorization

from lepton_infra.azure.access import api_access
from lepton_infra.azure.artifacts import MODELS_CONTAINER, ArtifactStore, ArtifactStoreArgs
from lepton_infra.azure.cluster import STORAGE_CLASS, Cluster, ClusterArgs
from lepton_infra.azure.cluster_identity import reservation_group_grants
from lepton_infra.azure.encryption import EncryptionKey, EncryptionKeyArgs
from lepton_infra.azure.identity import WorkloadIdentityBinder
from lepton_infra.azure.maintenance import AksMaintenanceWindow
from lepton_infra.azure.monitoring import Monitoring, MonitoringArgs
from lepton_infra.azure.network import Network, NetworkArgs
from lepton_infra.azure.node_pool import NodePool, NodePoolArgs
from lepton_infra.azure.planning import AKS_GPU_RUNTIME_CLASS, SPOT_TAINT, serves_provisioning_requests
from lepton_infra.azure.quotas import quota_needs
from lepton_infra.azure.traffic import Traffic, TrafficArgs
from lepton_infra.core.cloud import PlatformOutputs
from lepton_infra.core.cluster_handle import (
    BEST_EFFORT_ATOMIC_SCALE_UP,
    CapacityProvisioning,
    ClusterHandle,
    EgressRule,
    GpuFacts,
    NodeTaint,
)
from lepton_infra.core.component import Component
from lepton_infra.core.conventions import pool_labels
from lepton_infra.core.exposure import warn_if_api_open_to_the_world
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.traffic.traffic_plan import engine_request_seconds_by_exposure
from lepton_infra.profiles.azure.limits import POD_CIDR
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.reserved_pools import reserved_pools
from lepton_infra.spec.resolved import resolve

# Azure workload identity exchanges the pod's projected service-account token at the Entra ID login
# endpoint (login.microsoftonline.com) over HTTPS: a public, many-address service no NetworkPolicy CIDR
# can name narrower. It never uses the instance metadata service (169.254.169.254), which stays closed.
AZURE_IDENTITY_EGRESS = (EgressRule(cidr="0.0.0.0/0", port=443),)


class Platform(Component):
    TOKEN = "lepton:azure:Platform"

    def __init__(self, name: str, spec: PlatformSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, spec, opts)
        resolved = resolve(spec)
        assert resolved.azure is not None  # resolve() fills the spec's own cloud
        knobs, system_pool = resolved.azure.knobs, resolved.azure.system_pool
        protect, prod, zones = resolved.protect, resolved.prod, resolved.zones
        prefix = resolved.name_prefix
        tags = dict(resolved.tags)
        # One explicit provider: subscription and location from the spec, never from ambient config, so
        # `pulumi:disable-default-providers` can be on.
        self.provider = azure_native.Provider(
            child_name(name, "azure"),
            subscription_id=knobs.subscription_id,
            location=spec.region,
            opts=self.child_opts(),
        )

        def opts_(**kwargs: Any) -> pulumi.ResourceOptions:
            return self.child_opts(provider=self.provider, **kwargs)

        warn_if_api_open_to_the_world(spec, "AKS", self)
        client = authorization.get_client_config_output(
            opts=pulumi.InvokeOutputOptions(parent=self, provider=self.provider)
        )
        sub = knobs.subscription_id
        exposed = resolved.exposed
        self.network = Network(
            child_name(name, "network"),
            NetworkArgs(
                name_prefix=prefix,
                location=spec.region,
                cidr=str(spec.network.cidr),
                resource_group_name=knobs.resource_group,
                public_ingress=any(e.exposure == "public" for e in exposed),
                # A private API server is reached from the VNet only: the deploy runner's subnet.
                runner_subnet=resolved.endpoint == "private",
                tags=tags,
                protect=protect,
            ),
            opts_(),
        )
        rg = self.network.resource_group_name
        # The operator's public zone: public hosts' A records (azure/host_dns.py) and, with acme,
        # cert-manager's
        # challenges. Nothing is attached to the routing add-on, whose external-dns would write every
        # Ingress's address there, internal ones included (host_dns.py).
        dns_zone = knobs.dns_zone_id if spec.network.domain else None
        self.key = EncryptionKey(
            child_name(name, "key"),
            EncryptionKeyArgs(
                name_prefix=prefix,
                location=spec.region,
                resource_group_name=rg,
                tenant_id=client.tenant_id,
                subscription_id=sub,
                tags=tags,
                protect=protect,
                generation=spec.generation,
            ),
            opts_(),
        )
        self.cluster = Cluster(
            child_name(name, "cluster"),
            ClusterArgs(
                name_prefix=prefix,
                location=spec.region,
                resource_group_name=rg,
                subscription_id=sub,
                tenant_id=client.tenant_id,
                kubernetes_version=spec.cluster.version,
                node_subnet_id=self.network.node_subnet_id,
                api_server_subnet_id=self.network.api_server_subnet_id,
                key_id=self.key.key_id,
                key_uri_with_version=self.key.etcd_key_uri_with_version,
                etcd_key_id=self.key.etcd_key_id,
                key_vault_id=self.key.vault_id,
                disk_encryption_set_id=self.key.disk_encryption_set_id,
                service_cidr=str(spec.network.service_cidr),
                pod_cidr=str(POD_CIDR),
                zones=zones,
                private_endpoint=resolved.endpoint == "private",
                authorized_networks=[str(n) for n in spec.cluster.authorized_networks],
                admin_group_object_ids=list(knobs.admin_group_object_ids),
                kubeconfig_groups=[
                    *knobs.admin_group_object_ids,
                    *(a for t in spec.tenants for a in t.admins),
                ],
                deployer_object_id=client.object_id,
                deployer_principal_type=knobs.deployer_principal_type,
                upgrade_channel=knobs.upgrade_channel,
                node_os_upgrade_channel=knobs.node_os_upgrade_channel,
                maintenance=AksMaintenanceWindow(
                    day=spec.cluster.maintenance.day,
                    start=spec.cluster.maintenance.start,
                    duration_hours=spec.cluster.maintenance.duration_hours,
                ),
                system_pool_min=system_pool.min_nodes,
                system_pool_max=system_pool.max_nodes,
                system_pool_vm_size=system_pool.vm_size,
                # The spec's system pool, when AKS's own stands in for it: its labels, no taint.
                system_pool_labels={
                    **pool_labels(system_pool.hosts_pool, None),
                    **dict(system_pool.labels),
                }
                if system_pool.hosts_pool
                else {},
                standard_tier=prod,
                long_term_support=spec.cluster.support == "extended",
                tags=tags,
                protect=protect,
                web_app_routing=bool(spec.network.domain),
            ),
            opts_(),
        )
        reserved = {p.name for p in reserved_pools(spec)}  # prod: kept-running services' pools, tainted
        crg_ids = [p.reservation.id for p in spec.node_pools if p.reservation is not None]
        crg_grants = reservation_group_grants(
            name, self.cluster.control_plane_identity.principal_id, crg_ids, sub, opts_()
        )
        self.node_pools = [
            NodePool(
                child_name(name, f"pool-{pool.name}"),
                NodePoolArgs(
                    resource_group_name=rg,
                    cluster_name=self.cluster.cluster_name,
                    pool_name=pool.name,
                    node_subnet_id=self.network.node_subnet_id,
                    kubernetes_version=spec.cluster.version,
                    min_nodes=pool.spec.min,
                    max_nodes=pool.spec.max,
                    initial_nodes=pool.initial_nodes,
                    gpu_type=pool.spec.gpu.type if pool.spec.gpu else None,
                    gpu_count=pool.spec.gpu.count if pool.spec.gpu else 1,
                    cpu_class=pool.spec.cpu,
                    machine_type=pool.machine.name,
                    spot=pool.spec.spot,
                    reserved=pool.name in reserved,
                    disk_gb=pool.spec.disk_gb,
                    zones=zones,
                    labels=dict(pool.spec.labels),
                    tags=tags,
                    capacity_reservation_group_id=pool.spec.reservation.id if pool.spec.reservation else None,
                ),
                opts_(depends_on=crg_grants) if pool.spec.reservation else opts_(),
            )
            for pool in resolved.pools
            if pool.name != system_pool.hosts_pool  # AKS's system pool is that one
        ]
        self.artifacts = ArtifactStore(
            child_name(name, "artifacts"),
            ArtifactStoreArgs(
                name_prefix=prefix,
                location=spec.region,
                resource_group_name=rg,
                subscription_id=sub,
                vnet_id=self.network.vnet_id,
                endpoint_subnet_id=self.network.endpoint_subnet_id,
                key_vault_uri=self.key.vault_uri,
                key_name=self.key.key_name,
                key_uri=self.key.key_uri,
                encryption_identity_id=self.key.identity.id,
                encryption_identity_client_id=self.key.identity.client_id,
                encryption_dependencies=[self.key.identity_ready],
                kubelet_principal_id=self.cluster.kubelet_principal_id,
                zone_redundant=prod,
                tags=tags,
                protect=protect,
            ),
            opts_(),
        )
        budget = spec.budget
        self.monitoring = Monitoring(
            child_name(name, "monitoring"),
            MonitoringArgs(
                name_prefix=prefix,
                location=spec.region,
                resource_group_name=rg,
                budget_resource_groups=[rg, self.cluster.node_resource_group],
                subscription_id=sub,
                cluster_id=self.cluster.cluster_id,
                cluster_name=self.cluster.cluster_name,
                vnet_id=self.network.vnet_id,
                network_watcher_resource_group=knobs.network_watcher_resource_group,
                key_vault_uri=self.key.vault_uri,
                key_name=self.key.key_name,
                encryption_identity_id=self.key.identity.id,
                encryption_dependencies=[self.key.identity_ready],
                alert_emails=list(spec.monitoring.alert_emails),
                retention_days=spec.monitoring.retention_days,
                flow_log_retention_days=spec.network.flow_log_retention_days,
                budget_usd=budget.monthly_usd if budget else None,
                budget_thresholds=tuple(budget.thresholds_percent) if budget else (80, 100),
                tags=tags,
                protect=protect,
            ),
            opts_(),
        )
        if protect:
            self._lock_stateful(name, rg)

        workload_dependencies = [*(p.pool for p in self.node_pools), *self.cluster.deployer_access]
        self.traffic = (
            Traffic(
                child_name(name, "traffic"),
                TrafficArgs(
                    exposures=frozenset(e.exposure for e in exposed),
                    longest_engine_request_seconds=engine_request_seconds_by_exposure(spec),
                    k8s_provider=self.cluster.k8s_provider,
                    prod=prod,
                    location=spec.region,
                    resource_group_name=rg,
                    name_prefix=prefix,
                    oidc_issuer=self.cluster.oidc_issuer,
                    azure_provider=self.provider,
                    domain=spec.network.domain,
                    public_zone=dns_zone,
                    tls_issuer=spec.network.tls_issuer,
                    dns_records=spec.network.dns_records,
                    vnet_id=self.network.vnet_id,
                    public_zone_provider=self._zone_provider(name, dns_zone, sub, spec.region)
                    if exposed
                    else None,
                    wait_for=workload_dependencies,
                    tags=tags,
                ),
                opts_(),
            )
            if spec.network.domain
            else None
        )
        ingress = self.traffic.facts() if self.traffic is not None else None
        spot_gpu = any(p.spot and p.gpu for p in spec.node_pools)
        model_bucket = self.artifacts.account_name.apply(
            lambda a: f"https://{a}.blob.core.windows.net/{MODELS_CONTAINER}"
        )
        self.cluster_handle = ClusterHandle(
            cloud="azure",
            name=self.cluster.cluster_name,
            kubernetes_version=spec.cluster.version,
            kubeconfig=self.cluster.kubeconfig,
            provider=self.cluster.k8s_provider,
            # gpuProfile.driver=Install: AKS puts the NVIDIA driver and container toolkit on its GPU node
            # images; the device plugin and the DCGM exporter come from the GPU operator, whose operands
            # run with the node's `nvidia-container-runtime` handler (NVIDIA's AKS configuration).
            gpu=GpuFacts(
                driver_installed=True,
                device_plugin_installed=False,
                cloud_taints=(NodeTaint(*SPOT_TAINT, spot_only=True),) if spot_gpu else (),
                runtime_class=AKS_GPU_RUNTIME_CLASS,
            ),
            bind_identity=WorkloadIdentityBinder(
                name_prefix=prefix,
                location=spec.region,
                resource_group_name=rg,
                subscription_id=sub,
                oidc_issuer=self.cluster.oidc_issuer,
                storage_account_id=self.artifacts.account_id,
                container=MODELS_CONTAINER,
                provider=self.provider,
                tags=tags,
            ),
            storage_class=STORAGE_CLASS,
            # Pods wait for the pools, and for the deployer's Kubernetes admin grant to propagate.
            workload_dependencies=workload_dependencies,
            storage_dependencies=[self.cluster.storage_class],
            managed_autoscaler=True,  # AKS's cluster autoscaler drives every pool
            metrics_server_installed=True,  # AKS runs metrics-server in kube-system
            network_policy_enforced=True,  # Cilium dataplane with network_policy cilium
            identity_egress=AZURE_IDENTITY_EGRESS,
            # AKS's managed autoscaler serves ProvisioningRequests from 1.33 (azure/planning.py): queued GPU
            # jobs get their nodes together before admission, as on EKS and GKE. The API is AKS's own, served
            # before anything of ours starts, so Kueue waits for nothing more.
            capacity_provisioning=CapacityProvisioning(BEST_EFFORT_ATOMIC_SCALE_UP)
            if serves_provisioning_requests(spec.cluster.version)
            else None,
            region=spec.region,
            model_bucket=model_bucket,
            registry_url=self.artifacts.registry_url,
            ingress=ingress,
        )
        self.outputs = PlatformOutputs(
            cluster_name=self.cluster.cluster_name,
            cluster_endpoint=self.cluster.endpoint,
            kubeconfig=self.cluster.kubeconfig,
            model_bucket=model_bucket,
            registry_url=self.artifacts.registry_url,
            region=spec.region,
            key_id=self.key.key_id,
            api_access=api_access(resolved, self.network.vnet_name),
            # `host_addresses` (each host's load-balancer IP, as its Ingress reports it) comes from the
            # in-cluster layer, as on AWS (lepton_infra.platform.build).
            cloud_specific={"resource_group": rg},
            quota_to_request=quota_needs(resolved),
        )
        self.finish(self.outputs.to_stack_outputs())

    def _zone_provider(
        self, name: str, zone_id: str | None, subscription_id: str, region: str
    ) -> azure_native.Provider | None:
        """A provider in the public zone's subscription when that is not the platform's: record sets are
        written through the subscription of the provider that creates them."""
        if zone_id is None or zone_id.split("/")[2].lower() == subscription_id.lower():
            return None
        return azure_native.Provider(
            child_name(name, "azure-dns-zone"),
            subscription_id=zone_id.split("/")[2],
            location=region,
            opts=self.child_opts(),
        )

    def _lock_stateful(self, name: str, rg: pulumi.Input[str]) -> None:
        """Prod: a CanNotDelete lock on each stateful resource, beyond Pulumi's `protect` (which guards
        only against this stack): the key vault, the model storage and the registry."""
        # (role, provider namespace, type, name, an API version of that type the lock request is made with)
        targets = (
            ("vault", "Microsoft.KeyVault", "vaults", self.key.vault.name, "2023-07-01"),
            ("models", "Microsoft.Storage", "storageAccounts", self.artifacts.account.name, "2023-05-01"),
            (
                "registry",
                "Microsoft.ContainerRegistry",
                "registries",
                self.artifacts.registry.name,
                "2023-07-01",
            ),
        )
        self.locks = [
            authorization.ManagementLockAtResourceLevel(
                child_name(name, f"{role}-lock"),
                lock_name="lepton-do-not-delete",
                level="CanNotDelete",
                notes="Stateful platform resource (lepton-infra, prod).",
                resource_group_name=rg,
                resource_provider_namespace=namespace,
                resource_type=kind,
                parent_resource_path="",
                resource_name_=target,
                api_version=version,
                opts=self.child_opts(provider=self.provider),
            )
            for role, namespace, kind, target, version in targets
        ]
