"""`gcp.Platform`: the whole GCP platform from a `PlatformSpec`."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from lepton_infra.core.cloud import PlatformOutputs
from lepton_infra.core.cluster_handle import CapacityProvisioning, ClusterHandle
from lepton_infra.core.component import Component
from lepton_infra.core.exposure import warn_if_api_open_to_the_world
from lepton_infra.core.naming import child_name
from lepton_infra.gcp.access import api_access as describe_api_access
from lepton_infra.gcp.access import dns_endpoint_exposure
from lepton_infra.gcp.artifacts import ArtifactStore, ArtifactStoreArgs
from lepton_infra.gcp.binary_authorization import (
    CLUSTER_DISABLED,
    CLUSTER_ENFORCES_PROJECT_POLICY,
    BinaryAuthorizationPolicy,
    BinaryAuthorizationPolicyArgs,
)
from lepton_infra.gcp.cluster import MONITORING_COMPONENTS, Cluster, ClusterArgs
from lepton_infra.gcp.cluster_facts import (
    DATAPLANE_V2,
    QUEUED_PROVISIONING_TAINT,
    enforces_network_policy,
    gke_gpu_facts,
    metadata_server_egress,
)
from lepton_infra.gcp.compute_class import class_taints, compute_classes
from lepton_infra.gcp.encryption import EncryptionKey, EncryptionKeyArgs
from lepton_infra.gcp.filesystem import tenant_volumes
from lepton_infra.gcp.flow_logs import flow_log_settings
from lepton_infra.gcp.gpu_zones import pool_locations
from lepton_infra.gcp.identity import WorkloadIdentityBinder
from lepton_infra.gcp.maintenance import minor_hold_start, spec_window
from lepton_infra.gcp.monitoring import Monitoring, MonitoringArgs
from lepton_infra.gcp.network import Network, NetworkArgs
from lepton_infra.gcp.node_identity import NodeServiceAccount, NodeServiceAccountArgs
from lepton_infra.gcp.node_pool import NodePool, NodePoolArgs
from lepton_infra.gcp.planning import (
    plan_network_layout,
    plan_proxy_only_range,
)
from lepton_infra.gcp.quota_requests import request_quota_increases
from lepton_infra.gcp.quotas import quota_needs
from lepton_infra.gcp.service_agents import key_encrypters, usable_key
from lepton_infra.gcp.services import ProjectServices, ProjectServicesArgs, platform_services
from lepton_infra.gcp.traffic import Traffic, TrafficArgs, load_balancer_ports
from lepton_infra.gcp.volume_quota import volume_quota_needs
from lepton_infra.gcp.zones import node_zones
from lepton_infra.profiles.gcp.compute_class import fallback_classes, pool_classes
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.image_streaming import streams_images
from lepton_infra.spec.reserved_pools import reserved_pools
from lepton_infra.spec.resolved import resolve

STORAGE_CLASS = "lepton-cmek-balanced"


class Platform(Component):
    TOKEN = "lepton:gcp:Platform"

    def __init__(self, name: str, spec: PlatformSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, spec, opts)
        resolved = resolve(spec)
        assert resolved.gcp is not None  # resolve() fills the spec's own cloud
        gcp_settings, knobs = resolved.gcp, resolved.gcp.knobs
        protect, prod, zones = resolved.protect, resolved.prod, resolved.zones
        prefix = resolved.name_prefix  # cloud-side names: <platform>-<environment>
        labels = dict(resolved.tags)
        # One explicit provider: project, region and labels from the spec, never from ambient config, so
        # `pulumi:disable-default-providers` can be on. The budget API bills quota to the project.
        self.provider = gcp.Provider(
            child_name(name, "gcp"),
            project=knobs.project,
            region=spec.region,
            default_labels=labels,
            user_project_override=True,
            billing_project=knobs.project,
            opts=self.child_opts(),
        )

        def opts_() -> pulumi.ResourceOptions:
            return self.child_opts(provider=self.provider)

        invoke_opts = pulumi.InvokeOutputOptions(parent=self, provider=self.provider)

        binauthz = gcp_settings.binary_authorization
        streaming_pools = {p.name for p in resolved.pools if streams_images(spec, p.spec)}
        streaming = bool(streaming_pools)
        shared_fs = spec.filesystem.enabled
        self.services = ProjectServices(
            child_name(name, "services"),
            ProjectServicesArgs(project=knobs.project, services=platform_services(resolved, streaming)),
            opts_(),
        )
        project = self.services.project  # resolves once the APIs are on: everything below waits for them
        number = gcp.organizations.get_project_output(project_id=project, opts=invoke_opts).number
        placement = node_zones(resolved, project, invoke_opts)
        node_zones_ = placement.names
        # Regional control plane (replicated over three zones) in prod; a zonal one elsewhere is free.
        location: pulumi.Input[str] = spec.region if prod else node_zones_.apply(lambda z: z[0])
        # A zonal cluster lists only its *additional* node zones (the API adds the cluster's own zone).
        cluster_node_zones = node_zones_ if prod else node_zones_.apply(lambda z: z[1:])

        layout = plan_network_layout(spec.network.cidr)
        # With a domain, services are reached through GKE Gateways: a proxy-only subnet for their proxies.
        proxy_only = str(plan_proxy_only_range(spec.network.cidr)) if spec.network.domain else None
        flow_logs = flow_log_settings(spec.environment)  # volume (and $/GiB) per environment
        self.network = Network(
            child_name(name, "network"),
            NetworkArgs(
                project=project,
                region=spec.region,
                name_prefix=prefix,
                nodes_cidr=str(layout.nodes),
                pods_cidr=str(layout.pods),
                services_cidr=str(layout.services),
                control_plane_cidr=str(layout.control_plane),
                proxy_only_cidr=proxy_only,
                load_balancer_ports=load_balancer_ports(spec) if proxy_only else (),
                flow_sampling=flow_logs.sampling,
                flow_aggregation_interval=flow_logs.aggregation_interval,
                flow_metadata=flow_logs.metadata,
            ),
            opts_(),
        )
        # Google-managed identities that encrypt with the platform key: cluster secrets (GKE), boot and
        # persistent disks (Compute Engine), the model bucket (Cloud Storage), the registry (Artifact
        # Registry), each created and settled before a grant names it (gcp/service_agents.py).
        storage_agent = gcp.storage.get_project_service_account_output(
            project=project, opts=invoke_opts
        ).member
        self.key = EncryptionKey(
            child_name(name, "key"),
            EncryptionKeyArgs(
                project=project,
                location=spec.region,
                name_prefix=prefix,
                protect=protect,
                generation=spec.generation,
                encrypters=key_encrypters(name, project, number, storage_agent, self, opts_, shared_fs),
            ),
            opts_(),
        )
        key_id = usable_key(name, self.key.key_id, list(self.key.bindings), self)
        self.node_identity = NodeServiceAccount(
            child_name(name, "nodes"),
            NodeServiceAccountArgs(project=project, name_prefix=prefix, image_streaming=streaming),
            opts_(),
        )
        self.cluster = Cluster(
            child_name(name, "cluster"),
            ClusterArgs(
                project=project,
                location=location,
                node_locations=cluster_node_zones,
                keep_node_locations=not placement.pinned,
                name_prefix=prefix,
                network=self.network.network_id,
                subnetwork=self.network.subnet_id,
                pods_range_name=self.network.pods_range_name,
                services_range_name=self.network.services_range_name,
                control_plane_cidr=str(layout.control_plane),
                secrets_kms_key=key_id,
                node_service_account=self.node_identity.email,
                boot_disk_kms_key=key_id,
                kubernetes_version=spec.cluster.version,
                release_channel=gcp_settings.release_channel,
                private_endpoint=resolved.endpoint == "private",
                authorized_networks=[str(n) for n in spec.cluster.authorized_networks],
                protect=protect,
                rbac_security_group=knobs.rbac_security_group,
                dns_endpoint=gcp_settings.dns_endpoint,
                intranode_visibility=prod,
                tags=labels,
                gateway_api=proxy_only is not None,
                filestore_csi=shared_fs,
                binary_authorization_mode=CLUSTER_DISABLED
                if binauthz == "off"
                else CLUSTER_ENFORCES_PROJECT_POLICY,
                maintenance=spec_window(spec.cluster.maintenance),
                hold_minor_from=minor_hold_start(spec.cluster.version),
            ),
            opts_(),
        )

        self.artifacts = ArtifactStore(
            child_name(name, "artifacts"),
            ArtifactStoreArgs(
                project=project,
                location=spec.region,
                name_prefix=prefix,
                key_id=key_id,
                reader_members={"nodes": self.node_identity.member},
                protect=protect,
                retention_days=knobs.model_bucket_retention_days,
                soft_delete_days=knobs.model_bucket_soft_delete_days,
                data_access_logs=knobs.storage_data_access_logs,
            ),
            opts_(),
        )
        # Nodes pull images as soon as they boot: the pools take the node identity only once its registry
        # grant exists (its project roles are awaited by `node_identity.email` itself).
        node_email = pulumi.Output.all(
            self.node_identity.email, *[r.id for r in self.artifacts.readers]
        ).apply(lambda v: str(v[0]))
        kept_running_pools = {p.name for p in reserved_pools(spec)}
        fallback = fallback_classes(spec)
        enrolled = pool_classes(fallback)
        self.node_pools = [
            NodePool(
                child_name(name, f"pool-{pool.name}"),
                NodePoolArgs(
                    project=project,
                    cluster=self.cluster.cluster.id,
                    location=self.cluster.location,
                    pool_name=pool.name,
                    key_id=key_id,
                    min_nodes=pool.spec.min,
                    max_nodes=pool.spec.max,
                    initial_nodes=pool.initial_nodes,
                    zones=1 if pool.spec.reserved_zone or pool.spec.compact else zones,
                    gpu_type=pool.spec.gpu.type if pool.spec.gpu else None,
                    gpu_count=pool.spec.gpu.count if pool.spec.gpu else 1,
                    cpu_class=pool.spec.cpu,
                    machine_type=pool.machine.name,
                    spot=pool.spec.spot,
                    image_streaming=pool.name in streaming_pools,
                    disk_gb=pool.spec.disk_gb,
                    node_locations=pool_locations(pool, spec.region, placement, zones, project, invoke_opts),
                    reservation=pool.spec.reservation.id if pool.spec.reservation else None,
                    service_account_email=node_email,
                    labels=dict(pool.spec.labels),
                    tags=labels,
                    name_prefix=prefix,
                    # prod: the on-demand pools holding services kept running spread across zones
                    balanced_zones=pool.name in kept_running_pools,
                    reserved=pool.name in kept_running_pools,
                    queued_provisioning=pool.name in knobs.queued_provisioning_pools,
                    compute_class=enrolled.get(pool.name),
                    compact=pool.spec.compact,
                ),
                opts_(),
            )
            for pool in resolved.pools
        ]
        self.binary_authorization: BinaryAuthorizationPolicy | None = None
        if binauthz != "off" and knobs.binary_authorization_policy == "managed":
            self.binary_authorization = BinaryAuthorizationPolicy(
                child_name(name, "binary-authorization"),
                BinaryAuthorizationPolicyArgs(
                    project=project,
                    registry_url=self.artifacts.registry_url,
                    mode=binauthz,
                    service_images=[s.runs_image for s in spec.services],
                    extra_patterns=list(knobs.binary_authorization_allowlist),
                    protect=protect,
                ),
                opts_(),
            )
        budget = spec.budget
        self.monitoring = Monitoring(
            child_name(name, "monitoring"),
            MonitoringArgs(
                project=project,
                cluster_name=self.cluster.cluster_name,
                display_prefix=prefix,
                alert_emails=list(spec.monitoring.alert_emails),
                gpu_idle_percent=spec.monitoring.gpu_idle_percent,
                billing_account=knobs.billing_account if budget else None,
                budget_usd=budget.monthly_usd if budget else None,
                budget_thresholds_percent=list(budget.thresholds_percent) if budget else (),
                project_number=number if budget else None,
            ),
            opts_(),
        )

        warn_if_api_open_to_the_world(spec, "GKE", self)
        if exposure := dns_endpoint_exposure(resolved):
            pulumi.log.warn(exposure, self)
        api_access = describe_api_access(resolved, self.network.subnet_physical_name)
        pulumi.log.info(f"GKE API access: {api_access}", resource=self)
        self.k8s_provider = k8s.Provider(
            child_name(name, "k8s"), kubeconfig=self.cluster.kubeconfig, opts=self.child_opts()
        )
        # Persistent volumes encrypted with the platform key (GKE's default classes use Google keys).
        self.storage_class = k8s.storage.v1.StorageClass(
            child_name(name, "storage-class"),
            metadata=k8s.meta.v1.ObjectMetaArgs(name=STORAGE_CLASS),
            provisioner="pd.csi.storage.gke.io",
            parameters={"type": "pd-balanced", "disk-encryption-kms-key": key_id},
            reclaim_policy="Delete",
            volume_binding_mode="WaitForFirstConsumer",
            allow_volume_expansion=True,
            opts=self.child_opts(provider=self.k8s_provider),
        )
        self.traffic: Traffic | None = None
        if proxy_only:
            self.traffic = Traffic(
                child_name(name, "traffic"),
                TrafficArgs(
                    project=project,
                    project_id=knobs.project,
                    region=spec.region,
                    name_prefix=prefix,
                    proxy_only_cidr=proxy_only,
                    tls_issuer=spec.network.tls_issuer,
                    domain=spec.network.domain,
                    hosts=[(e.host, e.exposure) for e in resolved.exposed],
                    network=self.network.network_id,
                    node_subnet=self.network.subnet_id,
                    dns_records=spec.network.dns_records,
                    public_zone=knobs.dns_zone,
                    gcp_provider=self.provider,
                    generation=spec.generation,
                ),
                opts_(),
            )
        ingress = self.traffic.facts() if self.traffic else None
        # Reserved -> on-demand -> spot per GPU shape, when gcp.capacity_fallback is on (after the pools
        # it names, so GKE never reads a class whose pools are still being created).
        self.compute_classes = compute_classes(
            name, fallback, self.child_opts(provider=self.k8s_provider, depends_on=list(self.node_pools))
        )
        quotas = quota_needs(resolved)
        if knobs.request_quota_increases:
            request_quota_increases(name, spec, quotas, project, opts_)
        self.cluster_handle = ClusterHandle(
            cloud="gcp",
            name=self.cluster.cluster_name,
            kubernetes_version=spec.cluster.version,
            kubeconfig=self.cluster.kubeconfig,
            provider=self.k8s_provider,
            # GKE installs the NVIDIA driver, runs the device plugin and (DCGM monitoring) the exporter.
            gpu=gke_gpu_facts(MONITORING_COMPONENTS, class_taints(fallback)),
            bind_identity=WorkloadIdentityBinder(
                project=project, bucket=self.artifacts.bucket_name, name_prefix=prefix, provider=self.provider
            ),
            storage_class=STORAGE_CLASS,
            workload_dependencies=list(self.node_pools),
            storage_dependencies=[self.storage_class],
            managed_autoscaler=True,  # GKE's built-in cluster autoscaler drives every pool
            # GKE runs metrics-server in kube-system and owns the v1beta1.metrics.k8s.io APIService
            # (docs/kubernetes.md); a second one would be refused by Helm and roll the release back.
            metrics_server_installed=True,
            network_policy_enforced=enforces_network_policy(DATAPLANE_V2),
            identity_egress=metadata_server_egress(DATAPLANE_V2),
            # GKE admits system-*-critical pods only in namespaces with a quota scoped to those classes.
            critical_priority_needs_quota=True,
            # GKE runs kube-dns unless the cluster is set to Cloud DNS (gcp.Cluster sets no dns_config).
            cluster_dns="kube-dns",
            # GKE serves ProvisioningRequests itself (its CRD is built in) for queued-provisioning pools.
            capacity_provisioning=CapacityProvisioning(
                "queued-provisioning.gke.io",
                pools=frozenset(knobs.queued_provisioning_pools),
                node_taints=(QUEUED_PROVISIONING_TAINT,),
                # "GKE allocates all requested resources at the same time" (GKE docs, "flex-start with
                # queued provisioning", how-to/provisioningrequest, read 2026-12-07).
                all_or_nothing=True,
            )
            if knobs.queued_provisioning_pools
            else None,
            region=spec.region,
            model_bucket=self.artifacts.bucket_name,
            registry_url=self.artifacts.registry_url,
            ingress=ingress,
            # With `filesystem:`: each tenant's Filestore instance, in the first node zone.
            shared_volumes=tenant_volumes(
                name, resolved, project, node_zones_, self.network, self.key, key_id, opts_()
            ),
        )
        self.outputs = PlatformOutputs(
            cluster_name=self.cluster.cluster_name,
            cluster_endpoint=self.cluster.endpoint,
            kubeconfig=self.cluster.kubeconfig,
            model_bucket=self.artifacts.bucket_name,
            registry_url=self.artifacts.registry_url,
            region=spec.region,
            key_id=key_id,
            api_access=api_access,
            cloud_specific={
                "project": knobs.project,
                # The zones the nodes run in, as the cluster has them (kept from its creation unless
                # pinned in gcp.zones): what to copy into gcp.zones to pin them.
                "zones": self.cluster.node_zones,
            },
            quota_to_request=quotas,
            # Plus the persistent volumes the plan claims (Prometheus, Alertmanager, ...), at full scale.
            volume_quota=lambda claims, classes: volume_quota_needs(claims, classes, spec.region),
            # Per exposed host, its Gateway's static address (what its A records point at).
            host_addresses=self.traffic.host_addresses() if self.traffic and self.traffic.gateway_ips else {},
        )
        self.finish(self.outputs.to_stack_outputs())
