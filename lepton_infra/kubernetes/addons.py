"""`PlatformAddons`: the whole in-cluster layer, and `build_addons(spec, handle)` mapping the spec to it.

Ordering is explicit and minimal: CRD-owning releases before the custom resources that use them; node
pools (the handle's `workload_dependencies`) before anything that runs pods; the GPU stack before GPU
workloads. The releases install in parallel, except the KEDA HTTP add-on, which needs KEDA's CRDs.
Namespaces, quotas, policies and RBAC wait for nothing but the cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pulumi

from lepton_infra.core.args import check_args
from lepton_infra.core.cluster_handle import CapacityProvisioning, ClusterHandle, GpuFacts
from lepton_infra.core.component import Component
from lepton_infra.core.errors import SpecError
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.arg_checks import platform_addons_problems
from lepton_infra.kubernetes.gpu_stack import GpuStack, GpuStackArgs
from lepton_infra.kubernetes.jobs.kueue import Kueue, KueueArgs, TenantQueueWiring
from lepton_infra.kubernetes.jobs.queues import Flavor, PoolShape, TenantQueue, flavors_for
from lepton_infra.kubernetes.observability.alert_routing import alert_receivers
from lepton_infra.kubernetes.observability.observability import Observability, ObservabilityArgs
from lepton_infra.kubernetes.priority import SERVING_PRIORITY, tenant_priority_classes
from lepton_infra.kubernetes.serving.autoscaling import autoscaler_for
from lepton_infra.kubernetes.serving.inference import SERVICE_PORT, InferenceService, InferenceServiceArgs
from lepton_infra.kubernetes.serving.keda import Keda, KedaArgs
from lepton_infra.kubernetes.serving.metrics_server import MetricsServer, MetricsServerArgs
from lepton_infra.kubernetes.tenancy.isolation import isolation_problems
from lepton_infra.kubernetes.tenancy.tenant import WORKLOAD_SERVICE_ACCOUNT, Tenant, TenantArgs
from lepton_infra.kubernetes.traffic.routes import route_target
from lepton_infra.kubernetes.traffic.traffic import Traffic, TrafficArgs
from lepton_infra.kubernetes.traffic.traffic_plan import TrafficPlan, traffic_plan, trust_output
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.jobs import TenantJobsSpec
from lepton_infra.spec.service_rules import hosting_pools


@dataclass
class PlatformAddonsArgs:
    kubernetes_version: str
    observability: ObservabilityArgs
    tenants: Sequence[TenantArgs]
    # Each service's `namespace`/`service_account` name its tenant; the component wires the real outputs.
    services: Sequence[InferenceServiceArgs]
    gpu: GpuFacts | None = None  # None: no GPU pools, no GPU stack
    # Install metrics-server (CPU-based HPAs, `kubectl top`) because the cloud does not run one.
    install_metrics_server: bool = True
    # The cluster admits system-node-critical / system-cluster-critical pods only in namespaces with a
    # ResourceQuota scoped to those classes (GKE): the components create one where they run such pods.
    critical_priority_needs_quota: bool = False
    workload_dependencies: Sequence[pulumi.Resource] = field(default_factory=list)
    # Job queues (Kueue): its flavors and one queue per tenant named in `tenants`; None: not installed.
    jobs: JobQueuesArgs | None = None
    # Workloads with volumes (Prometheus, Alertmanager) also wait for these (CSI driver, storage class).
    storage_dependencies: Sequence[pulumi.Resource] = field(default_factory=list)
    # Inference workloads also wait for these (the cluster autoscaler that brings their nodes).
    scale_up_dependencies: Sequence[pulumi.Resource] = field(default_factory=list)
    # The way in to the exposed services (kubernetes/traffic/traffic_plan.py); None: no service is exposed.
    traffic: TrafficPlan | None = None


@dataclass
class JobQueuesArgs:
    flavors: Sequence[Flavor]
    queues: Sequence[TenantQueue]
    system_pool: str | None = None
    provisioning_class: str | None = None  # ClusterHandle.capacity_provisioning
    provisioning_ready: Sequence[pulumi.Resource] = ()
    provisioning_all_or_nothing: bool = False  # CapacityProvisioning.all_or_nothing


class PlatformAddons(Component):
    TOKEN = "lepton:k8s:PlatformAddons"

    def __init__(
        self, name: str, args: PlatformAddonsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        check_args(self.TOKEN, name, platform_addons_problems(args))  # before anything is registered
        super().__init__(name, opts)
        nodes = list(args.workload_dependencies)
        self.observability = Observability(
            child_name(name, "observability"),
            replace(args.observability, depends_on=[*nodes, *args.storage_dependencies]),
            self.child_opts(),
        )
        crds = [self.observability.release]
        self.gpu_stack: GpuStack | None = None
        if args.gpu is not None:
            self.gpu_stack = GpuStack(
                child_name(name, "gpu"),
                GpuStackArgs(
                    kubernetes_version=args.kubernetes_version,
                    facts=args.gpu,
                    depends_on=nodes,
                    monitoring_crds=crds,
                    critical_priority_needs_quota=args.critical_priority_needs_quota,
                ),
                self.child_opts(),
            )
        self.metrics_server: MetricsServer | None = None
        if args.install_metrics_server:
            self.metrics_server = MetricsServer(
                child_name(name, "metrics-server"),
                MetricsServerArgs(
                    depends_on=nodes, critical_priority_needs_quota=args.critical_priority_needs_quota
                ),
                self.child_opts(),
            )
        self.keda: Keda | None = None
        autoscalers = {autoscaler_for(s.min_replicas, s.scaling_metric) for s in args.services}
        if autoscalers & {"keda", "keda-http"}:
            self.keda = Keda(
                child_name(name, "keda"),
                KedaArgs(
                    kubernetes_version=args.kubernetes_version,
                    depends_on=nodes,
                    http_add_on="keda-http" in autoscalers,
                    namespace_labels=dict(args.traffic.facts.target_namespace_labels) if args.traffic else {},
                ),
                self.child_opts(),
            )
        self.priority_classes = (
            tenant_priority_classes(child_name(name, "priority"), self.child_opts()) if args.tenants else {}
        )
        self.tenants: dict[str, Tenant] = {
            t.name: Tenant(child_name(name, f"tenant-{t.name}"), t, self.child_opts()) for t in args.tenants
        }
        self.kueue: Kueue | None = None
        if args.jobs is not None:
            admins = {t.name: list(t.admin_groups) for t in args.tenants}
            self.kueue = Kueue(
                child_name(name, "kueue"),
                KueueArgs(
                    kubernetes_version=args.kubernetes_version,
                    flavors=args.jobs.flavors,
                    tenants=[
                        TenantQueueWiring(q, self.tenants[q.tenant].namespace_name, admins[q.tenant])
                        for q in args.jobs.queues
                    ],
                    system_pool=args.jobs.system_pool,
                    depends_on=nodes,
                    monitoring_crds=crds,
                    provisioning_class=args.jobs.provisioning_class,
                    provisioning_ready=args.jobs.provisioning_ready,
                    provisioning_all_or_nothing=args.jobs.provisioning_all_or_nothing,
                ),
                self.child_opts(),
            )
        self.services: dict[str, InferenceService] = {}
        plan = args.traffic
        routes = {r.service: r for r in plan.routes} if plan else {}
        targets = {n: route_target(r, SERVICE_PORT) for n, r in routes.items()}
        # Called once per route: the cloud may create resources for it (an ACM certificate).
        decorations = {n: plan.facts.decorate_route(t) for n, t in targets.items()} if plan else {}
        for svc in args.services:
            tenant = self.tenants[svc.tenant]
            needs = [*nodes, *args.scale_up_dependencies]
            if plan is not None and svc.name in routes:
                # A load-balancer controller's pod webhook (AWS readiness gates) must be up before the pods.
                needs += list(plan.facts.controller_dependencies)
            if svc.gpu_type and self.gpu_stack is not None and self.gpu_stack.release is not None:
                needs.append(self.gpu_stack.release)
            if svc.priority_class in self.priority_classes:
                needs.append(self.priority_classes[svc.priority_class])
            wired = replace(
                svc,
                namespace=tenant.namespace_name,
                service_account=tenant.service_account_name,
                identity_pod_labels={**tenant.identity.pod_labels, **svc.identity_pod_labels},
                depends_on=[*needs, *svc.depends_on],
                monitoring_crds=crds,
                keda=[self.keda.release] if self.keda is not None else [],
                http_add_on=[self.keda.http_release] if self.keda and self.keda.http_release else [],
                external_host=routes[svc.name].host if svc.name in routes else None,
                service_annotations=(
                    dict(decorations[svc.name].service_annotations)
                    if svc.name in routes and not routes[svc.name].via_interceptor
                    else {}
                ),
            )
            self.services[svc.name] = InferenceService(
                child_name(name, f"svc-{svc.name}"), wired, self.child_opts()
            )
        self.traffic: Traffic | None = None
        if plan is not None:
            backends: list[pulumi.Resource] = [t.namespace for t in self.tenants.values()]
            backends += [self.services[n].service for n in routes]
            if self.keda is not None and self.keda.http_release is not None:
                backends.append(self.keda.http_release)
            self.traffic = Traffic(
                child_name(name, "traffic"),
                TrafficArgs(
                    kubernetes_version=args.kubernetes_version,
                    facts=plan.facts,
                    routes=plan.routes,
                    targets=targets,
                    decorations=decorations,
                    platform=plan.platform,
                    tls_issuer=plan.tls_issuer,
                    acme_email=plan.acme_email,
                    system_pool=plan.system_pool,
                    network_policies=plan.network_policies,
                    depends_on=backends,
                    node_dependencies=nodes,
                    monitoring_crds=crds,
                ),
                self.child_opts(),
            )
        trust = trust_output(plan)
        # Stack outputs the platform may export as they are.
        self.outputs: dict[str, object] = {
            "monitoring_namespace": self.observability.namespace.metadata.name,
            "tenant_namespaces": {n: t.namespace_name for n, t in self.tenants.items()},
            "service_autoscalers": {n: s.autoscaler for n, s in self.services.items()},
            # Per service, the `url` in-cluster clients call and the `Host` header they send with it.
            # Exposed ones also carry `external_url` (and, with the private CA, where its root is).
            "service_endpoints": {
                n: s.endpoint.apply(lambda e, n=n: {**e, **trust} if n in routes else e)
                for n, s in self.services.items()
            },
        }
        # Per exposed host, the load balancer's DNS name (or IP) its Ingress reports: where a host's record
        # points, written by the cloud (network.dns_records) or by the operator's own DNS. `build` exports it
        # as the platform's typed `PlatformOutputs.host_addresses` (core/cloud.py).
        addresses = sorted(self.traffic.addresses.items()) if self.traffic is not None else []
        self.host_addresses: dict[str, pulumi.Output[str]] = {
            host: pulumi.Output.all(a.hostname, a.ip).apply(lambda v: v[0] or v[1]) for host, a in addresses
        }
        self.finish({**self.outputs, **({"host_addresses": self.host_addresses} if addresses else {})})


def addons_args(spec: PlatformSpec, handle: ClusterHandle) -> PlatformAddonsArgs:
    """Map the validated spec and the cloud's handle to the in-cluster layer's args. The spec was checked
    before the first resource (unknown tenants, quotas, GPU types); what only the handle can tell (does
    the dataplane enforce NetworkPolicy?) is refused here, before any in-cluster object."""
    traffic, traffic_problems = traffic_plan(spec, handle)
    problems = [*isolation_problems(spec, handle), *traffic_problems]
    if problems:
        raise SpecError(problems)
    version = handle.kubernetes_version
    mon = spec.monitoring
    if not mon.alert_receivers:
        pulumi.log.warn(
            "monitoring: no alert receiver (smtp with alert_emails, slack, pagerduty, webhooks): in-cluster "
            "alerts reach no one (docs/kubernetes.md, 'Alert delivery')"
        )
    egress = list(handle.identity_egress)
    cloud_tolerations = [t.toleration() for t in handle.gpu.cloud_taints]
    interceptor = any(autoscaler_for(s.replicas.min, s.scaling.metric) == "keda-http" for s in spec.services)
    return PlatformAddonsArgs(
        kubernetes_version=version,
        gpu=handle.gpu if spec.gpu_pools else None,
        install_metrics_server=not handle.metrics_server_installed,
        critical_priority_needs_quota=handle.critical_priority_needs_quota,
        workload_dependencies=list(handle.workload_dependencies),
        scale_up_dependencies=list(handle.scale_up_dependencies),
        storage_dependencies=list(handle.storage_dependencies),
        observability=ObservabilityArgs(
            kubernetes_version=version,
            retention_days=mon.retention_days,
            storage_gb=mon.storage_gb,
            storage_class=handle.storage_class,
            receivers=alert_receivers(mon),
            gpu_idle_percent=mon.gpu_idle_percent,
            gpu_metrics=_cloud_dcgm_fields(handle.gpu),
            cluster_dns=handle.cluster_dns,
        ),
        tenants=[
            TenantArgs(
                name=t.name,
                kubernetes_version=version,
                bind_identity=handle.bind_identity,
                gpu_quota=t.gpu_quota,
                cpu_quota=t.cpu_quota,
                memory_quota=t.memory_quota,
                pods=t.pods,
                admin_groups=list(t.admins),
                pod_security=t.pod_security,
                extra_egress=egress,
                service_ports=sorted({s.port for s in spec.services}),
                interceptor_egress=interceptor,
                namespace_labels=dict(traffic.facts.target_namespace_labels) if traffic else {},
            )
            for t in spec.tenants
        ],
        services=[
            InferenceServiceArgs(
                name=s.name,
                tenant=s.tenant,
                namespace=s.tenant,
                service_account=WORKLOAD_SERVICE_ACCOUNT,
                image=s.image,
                port=s.port,
                predict_path=s.predict_path,
                health_path=s.health_path,
                cpu=s.cpu,
                memory=s.memory,
                gpu_type=s.gpu.type if s.gpu else None,
                gpu_count=s.gpu.count if s.gpu else 0,
                min_replicas=s.replicas.min,
                max_replicas=s.replicas.max,
                scaling_metric=s.scaling.metric,
                scaling_target=s.scaling.target,
                cpu_utilization=s.scaling.cpu_utilization,
                cloud_tolerations=cloud_tolerations if s.gpu else (),
                model_cache_gb=s.model_cache_gb,
                preferred_pools=[p.name for p in hosting_pools(spec, s) if not p.spot]
                if s.replicas.min > 0
                else [],
                priority_class=SERVING_PRIORITY.name,
            )
            for s in spec.services
        ],
        jobs=job_queues_args(spec, cloud_tolerations, handle.capacity_provisioning)
        if spec.jobs.enabled
        else None,
        traffic=traffic,
    )


def job_queues_args(
    spec: PlatformSpec,
    cloud_tolerations: Sequence[Mapping[str, str]],
    capacity: CapacityProvisioning | None = None,
) -> JobQueuesArgs:
    """Flavors from the node pools, a queue per tenant with the spec's quota (defaults: no guaranteed
    GPUs, the tenant's CPU and memory quota); the controller on the first on-demand CPU pool with nodes.
    GPU pools the cluster's autoscaler provisions for (`capacity`) get the capacity admission check."""
    gpu_pools = {p.name for p in spec.gpu_pools}
    provisioned = (
        set()
        if capacity is None
        else gpu_pools
        if capacity.pools is None
        else gpu_pools & set(capacity.pools)
    )
    flavors = flavors_for(
        [PoolShape(p.name, p.gpu.type if p.gpu else None, p.spot) for p in spec.node_pools],
        cloud_tolerations,
        provisioned,
        [t.toleration() for t in capacity.node_taints] if capacity else (),
    )
    queues = []
    for t in spec.tenants:
        jobs = t.jobs or TenantJobsSpec()
        queues.append(
            TenantQueue(
                tenant=t.name,
                gpu_quota=dict(jobs.gpu_quota),
                cpu_quota=jobs.cpu_quota or t.cpu_quota,
                memory_quota=jobs.memory_quota or t.memory_quota,
                borrowing_limit=jobs.borrowing_limit,
                reclaim_within_cohort=jobs.preemption.reclaim_within_cohort,
                within_cluster_queue=jobs.preemption.within_cluster_queue,
            )
        )
    system = spec.system_pool.name if spec.system_pool else None
    return JobQueuesArgs(
        flavors=flavors,
        queues=queues,
        system_pool=system,
        provisioning_class=capacity.provisioning_class if provisioned and capacity else None,
        provisioning_ready=list(capacity.ready) if provisioned and capacity else [],
        provisioning_all_or_nothing=bool(provisioned and capacity and capacity.all_or_nothing),
    )


def _cloud_dcgm_fields(gpu: GpuFacts) -> frozenset[str]:
    """The DCGM fields the cloud's own exporter serves, when that exporter is the one scraped."""
    if gpu.dcgm_exporter_installed and gpu.dcgm_exporter is not None:
        return gpu.dcgm_exporter.metrics
    return frozenset()


def build_addons(
    spec: PlatformSpec, handle: ClusterHandle, opts: pulumi.ResourceOptions | None = None
) -> PlatformAddons:
    """The in-cluster layer for `spec` on the cluster behind `handle`. Every Kubernetes object goes
    through `handle.provider`; the caller's `opts` (parent, other providers) are kept."""
    caller = opts or pulumi.ResourceOptions()
    providers: list[pulumi.ProviderResource] = []
    if isinstance(caller.providers, Mapping):
        providers.extend(caller.providers.values())
    elif caller.providers:
        providers.extend(caller.providers)
    providers = [p for p in providers if getattr(p, "package", None) != "kubernetes"] + [handle.provider]
    merged = pulumi.ResourceOptions.merge(caller, pulumi.ResourceOptions(providers=providers))
    merged.providers = providers
    return PlatformAddons(child_name(spec.name, "k8s"), addons_args(spec, handle), merged)
