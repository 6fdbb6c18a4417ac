"""`aws.Platform`: the whole AWS platform from a `PlatformSpec` (spec -> component args via the catalog)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from lepton_infra.aws.access import api_access, runner_routes
from lepton_infra.aws.account import AwsAccount, lookup_account
from lepton_infra.aws.addons import MOUNTPOINT_CSI_DRIVER, Addons, AddonsArgs
from lepton_infra.aws.artifacts import ArtifactStore, ArtifactStoreArgs
from lepton_infra.aws.autoscaler import (
    PROVISIONING_CLASS,
    Autoscaler,
    AutoscalerArgs,
    serves_provisioning_requests,
)
from lepton_infra.aws.cluster import Cluster, ClusterArgs
from lepton_infra.aws.data_events import trail_name
from lepton_infra.aws.encryption import EncryptionKey, EncryptionKeyArgs
from lepton_infra.aws.fabric import efa_device_plugin, fabric_pool_args
from lepton_infra.aws.fallback import expander_priorities
from lepton_infra.aws.filesystem import tenant_volumes
from lepton_infra.aws.gpu_facts import AWS_GPU_FACTS
from lepton_infra.aws.guardduty import account_level_detection
from lepton_infra.aws.lb_controller import LoadBalancerController, LoadBalancerControllerArgs
from lepton_infra.aws.monitoring import Monitoring, MonitoringArgs
from lepton_infra.aws.network import Network, NetworkArgs
from lepton_infra.aws.node_pool import NodePool, NodePoolArgs
from lepton_infra.aws.quota_requests import request_quotas
from lepton_infra.aws.quotas import quota_needs
from lepton_infra.aws.reserved_capacity import reservation_args
from lepton_infra.aws.traffic import Traffic, TrafficArgs
from lepton_infra.core.cloud import PlatformOutputs
from lepton_infra.core.cluster_handle import CapacityProvisioning, ClusterHandle, ModelStoreFacts
from lepton_infra.core.component import Component
from lepton_infra.core.eks_addons import MODEL_MOUNT_ADDON
from lepton_infra.core.exposure import warn_if_api_open_to_the_world
from lepton_infra.core.naming import child_name
from lepton_infra.core.tagging import COST_ALLOCATION_TAG
from lepton_infra.core.traffic import IngressFacts
from lepton_infra.profiles.aws.resolved import ResolvedAws
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.model_rules import uses_bucket_mount
from lepton_infra.spec.reserved_pools import reserved_pools
from lepton_infra.spec.resolved import ResolvedPlatform, resolve


class Platform(Component):
    TOKEN = "lepton:aws:Platform"

    def __init__(self, name: str, spec: PlatformSpec, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, spec, opts)
        resolved = resolve(spec)
        assert resolved.aws is not None  # resolve() fills the spec's own cloud
        aws_settings, knobs = resolved.aws, resolved.aws.knobs
        prod, protect = resolved.prod, resolved.protect
        label = resolved.name_prefix
        log_retention_days = aws_settings.log_retention_days
        tags = dict(resolved.tags)
        # One explicit provider per platform: region and default tags come from the spec, never from
        # ambient config, so `pulumi:disable-default-providers` can be on.
        self.provider = aws.Provider(
            child_name(name, "aws"),
            region=spec.region,
            default_tags=aws.ProviderDefaultTagsArgs(tags=tags),
            opts=self.child_opts(),
        )
        opts_aws = self.child_opts(provider=self.provider)
        warn_if_api_open_to_the_world(spec, "EKS", self)
        account = lookup_account(self, self.provider)  # once: every ARN below names this partition

        key = EncryptionKey(
            child_name(name, "key"),
            EncryptionKeyArgs(
                alias=label,
                region=spec.region,
                deletion_window_days=30 if prod else 7,
                protect=protect,
                autoscaling_service_linked_role=knobs.autoscaling_service_linked_role,
                account=account,
                cloudtrail_trail_name=trail_name(spec.name, spec.environment)
                if knobs.cloudtrail_data_events
                else None,
            ),
            opts_aws,
        )
        network = Network(
            child_name(name, "network"),
            NetworkArgs(
                cidr=str(spec.network.cidr),
                zones=resolved.zones,
                cluster_name=label,
                region=spec.region,
                nat=resolved.nat,
                availability_zone_ids=tuple(knobs.availability_zone_ids),
                interface_endpoints=aws_settings.interface_endpoints,
                flow_log_retention_days=spec.network.flow_log_retention_days,
                key_id=key.arn,
                name_prefix=label,
                account=account,
                runner_routes=runner_routes(resolved),
                transit_gateway_id=knobs.runner_transit_gateway_id,
            ),
            opts_aws,
        )
        endpoint_public = resolved.endpoint == "public"
        authorized = [str(n) for n in spec.cluster.authorized_networks]
        cluster = Cluster(
            child_name(name, "cluster"),
            ClusterArgs(
                cluster_name=label,
                kubernetes_version=spec.cluster.version,
                vpc_id=network.vpc_id,
                subnet_ids=network.private_subnet_ids,
                key_id=key.arn,
                region=spec.region,
                private_endpoint=not endpoint_public,
                authorized_networks=authorized if endpoint_public else [],
                # A private endpoint answers only inside the VPC, and only whom the cluster security group
                # admits: the authorized networks are where `pulumi up` runs (runner, VPN, peering).
                private_access_cidrs=[] if endpoint_public else authorized,
                admin_role_arns=list(knobs.admin_role_arns),
                deployer_arn=knobs.deployer_role_arn,
                group_role_arns={g: list(arns) for g, arns in knobs.tenant_admin_roles.items()},
                service_cidr=str(spec.network.service_cidr),
                support_type="EXTENDED" if spec.cluster.support == "extended" else "STANDARD",
                log_retention_days=log_retention_days,
                protect=protect,
                account=account,
            ),
            opts_aws,
        )
        reserved = {p.name for p in reserved_pools(spec)}  # prod: kept-running services' pools, tainted
        self.node_pools = [
            NodePool(
                child_name(name, f"pool-{pool.name}"),
                NodePoolArgs(
                    cluster_name=cluster.name_output,
                    pool_name=pool.name,
                    node_role_arn=cluster.node_role_arn,
                    security_group_ids=[cluster.node_security_group.id],
                    key_id=key.arn,
                    instance_types=pool.instance_types,
                    min_nodes=pool.spec.min,
                    max_nodes=pool.spec.max,
                    initial_nodes=pool.initial_nodes,
                    gpu_type=pool.spec.gpu.type if pool.spec.gpu else None,
                    gpu_count=pool.spec.gpu.count if pool.spec.gpu else 0,
                    spot=pool.spec.spot,
                    reserved=pool.name in reserved,
                    disk_gb=pool.spec.disk_gb,
                    labels=dict(pool.spec.labels),
                    kubernetes_version=spec.cluster.version,
                    name_prefix=f"{label}-{pool.name}",
                    tags=tags,
                    # CPU pools run what keeps zone-bound EBS volumes (Prometheus, Alertmanager, tenants'
                    # stateful pods): one node group per zone (docs/aws.md, NodePool). GPU pools span the
                    # zones: a queued job's all-or-nothing scale-up must fit one group (a per-zone split of
                    # h100's max 2 could never give a 2-node job its nodes), and the platform's GPU
                    # workloads keep no EBS volume (models come from S3).
                    group_per_zone=pool.spec.gpu is None,
                    **fabric_pool_args(pool.spec, pool.machine.name, network, knobs.availability_zone_ids),
                    **reservation_args(pool.spec),
                ),
                opts_aws,
            )
            for pool in resolved.pools
        ]
        # In-cluster pieces wait for the node groups themselves, not for every child of a NodePool
        # (launch templates, ASG tags): the plan's critical path showed those as needless serial steps.
        node_groups = [g for p in self.node_pools for g in p.node_groups]
        addons = Addons(
            child_name(name, "addons"),
            AddonsArgs(
                cluster_name=cluster.name_output,
                kubernetes_version=spec.cluster.version,
                oidc_provider_arn=cluster.oidc_provider_arn,
                oidc_issuer=cluster.oidc_issuer,
                key_id=key.arn,
                platform=label,
                k8s_provider=cluster.k8s_provider,
                versions=dict(knobs.addon_versions),
                volume_tags=tags,
                wait_for=node_groups,
                model_mount=uses_bucket_mount(spec),
                account=account,
            ),
            opts_aws,
        )
        # Fabric pools' EFA devices reach pods only through the device plugin (no plugin: NCCL on TCP).
        efa_device_plugin(self, name, resolved.pools, cluster.k8s_provider, [addons.addons["coredns"]])
        # Queued GPU jobs get their nodes together (Kueue's ProvisioningRequest check) where the pinned
        # autoscaler serves the v1 API; on 1.30 they are admitted on quota alone.
        provisioning = bool(
            spec.jobs.enabled and spec.gpu_pools and serves_provisioning_requests(spec.cluster.version)
        )
        autoscaler = Autoscaler(
            child_name(name, "autoscaler"),
            AutoscalerArgs(
                cluster_name=cluster.name_output,
                kubernetes_version=spec.cluster.version,
                region=spec.region,
                oidc_provider_arn=cluster.oidc_provider_arn,
                oidc_issuer=cluster.oidc_issuer,
                k8s_provider=cluster.k8s_provider,
                platform=label,
                wait_for=[*node_groups, addons.addons["coredns"]],  # it needs DNS, not storage
                account=account,
                node_group_name_prefixes=[x for p in self.node_pools for x in p.node_group_name_prefixes],
                provisioning_requests=provisioning,
                expander_priorities=expander_priorities(resolved.pools, self.node_pools),
            ),
            opts_aws,
        )
        monitoring = Monitoring(
            child_name(name, "monitoring"),
            MonitoringArgs(
                cluster_name=label,
                region=spec.region,
                key_id=key.arn,
                oidc_provider_arn=cluster.oidc_provider_arn,
                oidc_issuer=cluster.oidc_issuer,
                platform=label,
                alert_emails=list(spec.monitoring.alert_emails),
                gpu_idle_percent=spec.monitoring.gpu_idle_percent,
                log_retention_days=log_retention_days,
                budget_usd=spec.budget.monthly_usd if spec.budget else None,
                budget_thresholds=tuple(spec.budget.thresholds_percent) if spec.budget else (80, 100),
                budget_tag=(COST_ALLOCATION_TAG, tags[COST_ALLOCATION_TAG]),
                activate_cost_allocation_tag=knobs.activate_cost_allocation_tag,
                addon_version=knobs.addon_versions.get("amazon-cloudwatch-observability"),
                kubernetes_version=spec.cluster.version,
                wait_for=node_groups,
                account=account,
            ),
            opts_aws,
        )
        store = ArtifactStore(
            child_name(name, "artifacts"),
            ArtifactStoreArgs(
                platform=spec.name,
                environment=spec.environment,
                key_id=key.arn,
                protect=protect,
                access_log_retention_days=aws_settings.access_log_retention_days,
                data_events_trail=knobs.cloudtrail_data_events,
                replication_region=knobs.model_bucket_replication_region,
                region=spec.region,
                account=account,
            ),
            opts_aws,
        )
        account_level_detection(self, name, knobs, protect, opts_aws)

        ingress = (
            self._traffic(
                name,
                resolved,
                aws_settings,
                cluster,
                network,
                [*node_groups, addons.addons["coredns"]],
                account,
                opts_aws,
            )
            if spec.network.domain
            else None
        )

        quotas = quota_needs(resolved)
        if knobs.request_quota_increases:
            request_quotas(name, quotas, self, self.provider)
        volumes = tenant_volumes(name, resolved, network, cluster, key, store, account, node_groups, opts_aws)
        irsa = {
            "region": spec.region,
            "oidc_provider_arn": cluster.oidc_provider_arn,
            "oidc_issuer": cluster.oidc_issuer,
            "provider": self.provider,
            "platform": label,
        }
        self.cluster_handle = ClusterHandle(
            cloud="aws",
            name=cluster.name_output,
            kubernetes_version=spec.cluster.version,
            kubeconfig=cluster.kubeconfig,
            provider=cluster.k8s_provider,
            gpu=AWS_GPU_FACTS,
            bind_identity=store.prefix_reader(**irsa),
            storage_class=addons.storage_class_name,
            workload_dependencies=(*node_groups, addons.addons["coredns"]),
            storage_dependencies=(addons.storage_class,),
            scale_up_dependencies=(autoscaler.release,),
            managed_autoscaler=False,
            # vpc-cni runs with enableNetworkPolicy (addons.VPC_CNI_CONFIGURATION).
            network_policy_enforced=True,
            # Tenant pods use IRSA: the SDK calls STS over HTTPS (443), which tenants already reach; no
            # Pod Identity association is made, so the agent's 169.254.170.23:80 is not opened.
            identity_egress=(),
            # The CRD must be served before Kueue starts, and the autoscaler serving it.
            # Not all-or-nothing: the AWS provider does not implement AtomicIncreaseSize (autoscaler.py).
            capacity_provisioning=CapacityProvisioning(
                PROVISIONING_CLASS, ready=(autoscaler.release,), all_or_nothing=False
            )
            if provisioning
            else None,
            region=spec.region,
            model_bucket=store.bucket_name,
            registry_url=store.registry_url,
            ingress=ingress,
            shared_volumes=volumes,
            model_store=ModelStoreFacts(
                driver=MOUNTPOINT_CSI_DRIVER,
                bind_writer=store.prefix_reader(**irsa, writes=True),
                ready=(addons.addons[MODEL_MOUNT_ADDON],),
            )
            if MODEL_MOUNT_ADDON in addons.addons
            else None,
        )
        self.outputs = PlatformOutputs(
            cluster_name=cluster.name_output,
            cluster_endpoint=cluster.endpoint,
            kubeconfig=cluster.kubeconfig,
            model_bucket=store.bucket_name,
            registry_url=store.registry_url,
            region=spec.region,
            key_id=key.arn,
            key_output_name="kms_key_arn",
            api_access=api_access(resolved, str(spec.network.cidr)),
            quota_to_request=quotas,
            # What the budget measures, and that the payer account must activate its tag (no budget: none).
            cloud_specific={"budget_tracking": monitoring.budget_tracking}
            if monitoring.budget_tracking
            else {},
        )
        pulumi.log.info(
            "EC2 vCPU quotas needed with every pool at max (check Service Quotas before scaling): "
            + "; ".join(f"{q.quota}: {q.amount}" for q in quotas),
            self,
        )
        pulumi.log.info(f"api_access: {self.outputs.api_access}", self)
        self.finish(self.outputs.to_stack_outputs())

    def _traffic(
        self,
        name: str,
        resolved: ResolvedPlatform,
        aws_settings: ResolvedAws,
        cluster: Cluster,
        network: Network,
        wait_for: list[pulumi.Resource],
        account: AwsAccount,
        opts: pulumi.ResourceOptions,
    ) -> IngressFacts:
        """The load balancer controller (ALBs from Ingresses), the exposed hosts' ACM certificates and, with
        `network.dns_records`, their Route 53 records (a private zone on the VPC, the public zone for public
        hosts)."""
        spec, knobs = resolved.spec, aws_settings.knobs
        controller = LoadBalancerController(
            child_name(name, "lb-controller"),
            LoadBalancerControllerArgs(
                cluster_name=cluster.name_output,
                region=spec.region,
                vpc_id=network.vpc_id,
                oidc_provider_arn=cluster.oidc_provider_arn,
                oidc_issuer=cluster.oidc_issuer,
                k8s_provider=cluster.k8s_provider,
                platform=spec.stack_label,
                replicas=2 if resolved.prod else 1,
                system_pool=resolved.system_pool.name,
                wait_for=wait_for,
                account=account,
            ),
            opts,
        )
        traffic = Traffic(
            child_name(name, "traffic"),
            TrafficArgs(
                cluster_name=cluster.name_output,
                hosts={e.host: e.exposure for e in resolved.exposed},
                tls_issuer=spec.network.tls_issuer,
                vpc_cidr=str(spec.network.cidr),
                zones=resolved.zones,
                public_zone=knobs.dns_zone_id,
                private_ca_arn=knobs.private_ca_arn,
                controller=controller.release,
                domain=spec.network.domain,
                region=spec.region,
                dns_records=spec.network.dns_records,
                vpc_id=network.vpc_id,
                internal_subnets=network.load_balancer_subnet_names,
            ),
            opts,
        )
        return traffic.facts()
