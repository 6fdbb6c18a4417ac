"""`PlatformAddons`: the whole in-cluster layer (kubernetes/from_spec.py maps a spec to its args).

Ordering is explicit and minimal: CRD-owning releases before the custom resources that use them; node
pools (the handle's `workload_dependencies`) before anything that runs pods; the `lepton-platform`
PriorityClass before every release whose pods name it; the GPU stack before GPU workloads. The releases
install in parallel, except the KEDA HTTP add-on, which needs KEDA's CRDs. Namespaces, quotas, policies and
RBAC wait for nothing but the cluster.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pulumi

from lepton_infra.core.cluster_handle import GpuFacts, SharedVolume
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.gpu_stack import GpuStack, GpuStackArgs
from lepton_infra.kubernetes.jobs.jobset import JobSet, JobSetArgs
from lepton_infra.kubernetes.jobs.kueue import Kueue, KueueArgs, TenantQueueWiring
from lepton_infra.kubernetes.jobs.queues import Flavor, TenantQueue
from lepton_infra.kubernetes.observability.observability import Observability, ObservabilityArgs
from lepton_infra.kubernetes.priority import PLATFORM_PRIORITY, priority_class, tenant_priority_classes
from lepton_infra.kubernetes.serving.autoscaling import autoscaler_for
from lepton_infra.kubernetes.serving.hydration import ModelHydration, ModelHydrationArgs
from lepton_infra.kubernetes.serving.inference import SERVICE_PORT, InferenceService, InferenceServiceArgs
from lepton_infra.kubernetes.serving.keda import HTTP_ADD_ON_CHART_REPLICAS, Keda, KedaArgs
from lepton_infra.kubernetes.serving.metrics_server import HA_REPLICAS, MetricsServer, MetricsServerArgs
from lepton_infra.kubernetes.tenancy.shared_volume import tenant_shared_volume
from lepton_infra.kubernetes.tenancy.tenant import Tenant, TenantArgs
from lepton_infra.kubernetes.traffic.routes import route_targets
from lepton_infra.kubernetes.traffic.traffic import Traffic, TrafficArgs
from lepton_infra.kubernetes.traffic.traffic_plan import TrafficPlan, trust_output
from lepton_infra.spec import ClusterSpec
from lepton_infra.spec.problems import like_spec_field


@dataclass
class JobQueuesArgs:
    """What `Kueue` is given beyond the cluster's version and the tenants' namespaces (`job_queues_args`)."""

    flavors: Sequence[Flavor]
    """One ResourceFlavor per node pool kind (`flavors_for`)."""
    queues: Sequence[TenantQueue]
    """One per tenant named in `PlatformAddonsArgs.tenants`: its quota, borrowing and preemption."""
    system_pool: str | None = None
    """The on-demand CPU pool the controller runs on. Default: wherever it fits."""
    provisioning_class: str | None = None
    """The ProvisioningRequest class the cluster autoscaler serves (`ClusterHandle.capacity_provisioning`).
    Default: none, no capacity admission check."""
    provisioning_ready: Sequence[pulumi.Resource] = ()
    """What the controller starts after (the ProvisioningRequest API being served). Default: none."""
    provisioning_all_or_nothing: bool = False
    """Whether that autoscaler delivers a request's nodes all or none (`CapacityProvisioning.all_or_nothing`),
    stated on the ProvisioningRequestConfig. Default: False (best effort)."""
    topology_levels: Sequence[str] = ()
    """The cloud's network-topology node labels, broadest first (`jobs/topology.py`), for flavors with a
    topology. Default: none (no flavor may name one)."""
    jobsets: bool = False
    """Install the JobSet API (jobs/jobset.py) and integrate it with Kueue: multi-node jobs. Default: off
    (`job_queues_args` turns it on where a GPU pool is topology_aware)."""


@dataclass
class PlatformAddonsArgs(ComponentArgs):
    kubernetes_version: str
    """The cluster's minor (`1.33`), given to every child: Pod Security Admission versions and the minors
    the pinned charts must support."""
    observability: ObservabilityArgs
    """Prometheus, Alertmanager and Grafana (kube-prometheus-stack), always installed; its `depends_on` is
    replaced by the node pools and `storage_dependencies`."""
    tenants: Sequence[TenantArgs]
    """One isolated namespace per tenant, with its quota, policies, admin RBAC and workload identity."""
    services: Sequence[InferenceServiceArgs]
    """The inference services; each one's `namespace` and `service_account` name its tenant (one of
    `tenants`), and the component wires the tenant's real outputs in their place."""
    gpu: GpuFacts | None = None
    """What the cloud's GPU nodes already have (`ClusterHandle.gpu`): the GPU operator installs the rest.
    Default: none, no GPU pools and no GPU stack."""
    install_metrics_server: bool = True
    """Install metrics-server (CPU-based HPAs, `kubectl top`) because the cloud does not run one. Default:
    installed (two small replicas in kube-system)."""
    critical_priority_needs_quota: bool = False
    """The cluster admits system-node-critical and system-cluster-critical pods only in namespaces with a
    ResourceQuota scoped to those classes (GKE): the children create one where they run such pods.
    Default: off."""
    workload_dependencies: Sequence[pulumi.Resource] = field(default_factory=list)
    """What every workload waits for (the node pools, `ClusterHandle.workload_dependencies`). Default:
    none."""
    jobs: JobQueuesArgs | None = None
    """Job queues (Kueue): its flavors and one queue per tenant named in `tenants`. Default: none, Kueue is
    not installed."""
    storage_dependencies: Sequence[pulumi.Resource] = field(default_factory=list)
    """What workloads with volumes (Prometheus, Alertmanager) also wait for: the CSI driver, the storage
    class. Default: none."""
    scale_up_dependencies: Sequence[pulumi.Resource] = field(default_factory=list)
    """What inference workloads also wait for: the cluster autoscaler that brings their nodes. Default:
    none."""
    system_replicas: int = HTTP_ADD_ON_CHART_REPLICAS
    """Replicas of the KEDA HTTP add-on's scaler and interceptor (`cluster.system_replicas`), and of
    metrics-server up to its 2. Default: the chart's 3 (metrics-server 2)."""
    trim_system_requests: bool = False
    """The KEDA HTTP add-on's pods request 100m CPU instead of the chart's 250m
    (`cluster.trim_system_requests`). Default: off, the chart's requests."""
    traffic: TrafficPlan | None = None
    """The way in to the exposed services (kubernetes/traffic/traffic_plan.py). Default: none, no service is
    exposed outside the cluster."""
    shared_volumes: Mapping[str, SharedVolume] = field(default_factory=dict)
    """Each tenant's directory of the shared filesystem (`ClusterHandle.shared_volumes`), keyed by tenant
    name: a PersistentVolume bound to the claim `shared` in that tenant's namespace. Default: none."""
    models: Sequence[ModelHydrationArgs] = ()
    """Each (tenant, model) read from the model bucket (`models[].cache: bucket-mount`): its hydration Job
    and volumes; each one's `namespace` is wired to its tenant's like a service's. Default: none."""

    def problems(self) -> Iterator[Problem]:
        """Every child's problems at once, before the first child exists (paths prefixed with the child)."""
        yield from like_spec_field("kubernetes_version", self.kubernetes_version, ClusterSpec, "version")
        tenants = {t.name for t in self.tenants}
        for prefix, problems in (
            ("observability", self.observability.problems()),
            *((f"tenants[{i}]", t.problems()) for i, t in enumerate(self.tenants)),
            *((f"services[{i}]", s.problems()) for i, s in enumerate(self.services)),
        ):
            for p in problems:
                yield Problem(f"{prefix}.{p.path}", p.value, p.why, p.fix)
        for i, s in enumerate(self.services):
            if s.tenant not in tenants:
                yield Problem(
                    f"services[{i}].tenant",
                    s.tenant,
                    "not one of the tenants: the service runs in its tenant's namespace",
                    f"use a tenant's name ({', '.join(sorted(tenants)) or 'none given'}), or add the tenant",
                )
        for i, q in enumerate(self.jobs.queues if self.jobs else ()):
            if q.tenant not in tenants:
                yield Problem(
                    f"jobs.queues[{i}].tenant",
                    q.tenant,
                    "not one of the tenants: a tenant's queue submits from its namespace",
                    f"use a tenant's name ({', '.join(sorted(tenants)) or 'none given'}), or add the tenant",
                )
        for tenant in self.shared_volumes:
            if tenant not in tenants:
                yield Problem(
                    "shared_volumes",
                    tenant,
                    "not one of the tenants: a shared volume is mounted from its tenant's namespace",
                    f"use a tenant's name ({', '.join(sorted(tenants)) or 'none given'}), or add the tenant",
                )


class PlatformAddons(Component):
    TOKEN = "lepton:k8s:PlatformAddons"

    def __init__(
        self, name: str, args: PlatformAddonsArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        nodes = list(args.workload_dependencies)
        # The platform's pods outrank tenant pods (kubernetes/priority.py); a release whose pods name the
        # class waits for it, or its pods are refused at admission until it exists.
        self.platform_priority = priority_class(
            f"{child_name(name, 'priority')}-{PLATFORM_PRIORITY.name}", PLATFORM_PRIORITY, self.child_opts()
        )
        platform = [*nodes, self.platform_priority]
        self.observability = Observability(
            child_name(name, "observability"),
            replace(args.observability, depends_on=[*platform, *args.storage_dependencies]),
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
                    depends_on=nodes,
                    replicas=min(args.system_replicas, HA_REPLICAS),
                    critical_priority_needs_quota=args.critical_priority_needs_quota,
                    kubernetes_version=args.kubernetes_version,
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
                    depends_on=platform,
                    http_add_on="keda-http" in autoscalers,
                    http_add_on_replicas=args.system_replicas,
                    http_add_on_trimmed_requests=args.trim_system_requests,
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
        self.shared_claims = {
            tenant: tenant_shared_volume(
                child_name(name, f"shared-{tenant}"),
                tenant,
                self.tenants[tenant].namespace_name,
                volume,
                [self.tenants[tenant].namespace],
                self.child_opts(),
            )[1]
            for tenant, volume in args.shared_volumes.items()
        }
        self.kueue: Kueue | None = None
        self.jobset: JobSet | None = None
        if args.jobs is not None:
            admins = {t.name: list(t.admin_groups) for t in args.tenants}
            kueue_needs = list(platform)
            if args.jobs.jobsets:
                self.jobset = JobSet(
                    child_name(name, "jobset"),
                    JobSetArgs(
                        kubernetes_version=args.kubernetes_version,
                        system_pool=args.jobs.system_pool,
                        depends_on=platform,
                    ),
                    self.child_opts(),
                )
                # The JobSet CRD served before Kueue starts (else it polls for it before integrating).
                kueue_needs.append(self.jobset.release)
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
                    depends_on=kueue_needs,
                    monitoring_crds=crds,
                    provisioning_class=args.jobs.provisioning_class,
                    provisioning_ready=args.jobs.provisioning_ready,
                    provisioning_all_or_nothing=args.jobs.provisioning_all_or_nothing,
                    topology_levels=args.jobs.topology_levels,
                    jobsets=args.jobs.jobsets,
                ),
                self.child_opts(),
            )
        self.models: dict[tuple[str, str], ModelHydration] = {}
        for m in args.models:
            tenant = self.tenants[m.tenant]
            queued = [self.kueue] if self.kueue is not None else []
            self.models[(m.tenant, m.model)] = ModelHydration(
                child_name(name, f"model-{m.tenant}-{m.model}"),
                replace(
                    m,
                    namespace=tenant.namespace_name,
                    queued=self.kueue is not None,
                    depends_on=[*m.depends_on, tenant.namespace],
                    job_depends_on=[*nodes, *queued],
                ),
                self.child_opts(),
            )
        self.services: dict[str, InferenceService] = {}
        plan = args.traffic
        routes = {r.service: r for r in plan.routes} if plan else {}
        targets = route_targets(routes.values(), SERVICE_PORT)
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
            needs += [
                m.serving_claim
                for (t, _), m in self.models.items()
                if t == svc.tenant and m.serving_mount.claim_name == svc.weights_claim
            ]
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
                    node_dependencies=platform,
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
