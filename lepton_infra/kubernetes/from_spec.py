"""From a validated spec and the cloud's `ClusterHandle` to the in-cluster layer: `addons_args` maps them to
`PlatformAddonsArgs` (refusing, before any in-cluster object, what only the handle can tell), and
`build_addons` creates the `PlatformAddons` through the handle's Kubernetes provider."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from lepton_infra.core.cluster_handle import CapacityProvisioning, ClusterHandle, GpuFacts
from lepton_infra.core.conventions import reserved_toleration
from lepton_infra.core.env_defaults import filled
from lepton_infra.core.errors import Problem, SpecError
from lepton_infra.core.naming import child_name
from lepton_infra.cost.gpu_hours import usd_per_gpu_hour
from lepton_infra.kubernetes.addons import JobQueuesArgs, PlatformAddons, PlatformAddonsArgs
from lepton_infra.kubernetes.jobs.queues import PoolShape, TenantQueue, flavors_for
from lepton_infra.kubernetes.jobs.topology import TOPOLOGY_NAME
from lepton_infra.kubernetes.observability.alert_routing import alert_receivers
from lepton_infra.kubernetes.observability.observability import ObservabilityArgs
from lepton_infra.kubernetes.priority import SERVING_PRIORITY
from lepton_infra.kubernetes.serving.autoscaling import autoscaler_for
from lepton_infra.kubernetes.serving.engine import EngineLaunch
from lepton_infra.kubernetes.serving.hydration import WEIGHTS_PATH, ModelHydrationArgs
from lepton_infra.kubernetes.serving.inference import InferenceServiceArgs
from lepton_infra.kubernetes.tenancy.isolation import isolation_problems
from lepton_infra.kubernetes.tenancy.tenant import WORKLOAD_SERVICE_ACCOUNT, TenantArgs
from lepton_infra.kubernetes.traffic.traffic_plan import traffic_plan
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.engines import Engine
from lepton_infra.spec.jobs import TenantJobsSpec
from lepton_infra.spec.jobs_rules import queue_borrowing_limit
from lepton_infra.spec.queue_compute import queue_compute_quota
from lepton_infra.spec.reserved_pools import reserved_pools, scale_to_zero_pools
from lepton_infra.spec.served_model import CacheKind, cache_gb, served_model
from lepton_infra.spec.service import ServiceSpec
from lepton_infra.spec.service_rules import gpu_replica_capacity, hosting_pools


def addons_args(spec: PlatformSpec, handle: ClusterHandle) -> PlatformAddonsArgs:
    """Map the validated spec and the cloud's handle to the in-cluster layer's args. The spec was checked
    before the first resource (unknown tenants, quotas, GPU types); what only the handle can tell (does
    the dataplane enforce NetworkPolicy?) is refused here, before any in-cluster object."""
    traffic, traffic_problems = traffic_plan(spec, handle)
    problems = [*isolation_problems(spec, handle), *traffic_problems, *model_store_problems(spec, handle)]
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
    spot_types = {p.gpu.type for p in spec.node_pools if p.gpu and p.spot}  # GPU types with spot capacity
    interceptor = any(autoscaler_for(s.replicas.min, s.scaling.metric) == "keda-http" for s in spec.services)

    reserved = {p.name for p in reserved_pools(spec)}

    def on_demand(svc: ServiceSpec) -> list[str]:
        return [p.name for p in hosting_pools(spec, svc) if not p.spot]

    def required(svc: ServiceSpec) -> list[str]:
        # prod: a service kept running runs only there, so a spot reclaim never takes its minimum; a
        # service scaling to zero stays off those pools (reserved_pools.py)
        if spec.environment != "prod":
            return []
        return on_demand(svc) if svc.replicas.min > 0 else scale_to_zero_pools(spec, svc)

    def gpu_tolerations(svc: ServiceSpec) -> list[dict[str, str]]:
        # The cloud's own GPU-node taints; a prod service kept running also tolerates the taint of the
        # pools it is required onto, which keeps every other pod off them (reserved_pools.py).
        if svc.gpu is None:
            return []
        tolerations = handle.gpu.tolerations(spot=svc.gpu.type in spot_types)
        if reserved.intersection(required(svc)) and svc.replicas.min > 0:
            tolerations.append(reserved_toleration())
        return tolerations

    def can_surge(svc: ServiceSpec) -> bool:
        # A rollout at max replicas needs one replica more than max where the replicas may land; GPU
        # replicas take a node's GPUs, so pools that hold only max of them can never place the surge pod
        # (the rollout, and Pulumi's wait on it, would hang).
        names = set(required(svc))
        pools = [p for p in hosting_pools(spec, svc) if not names or p.name in names]
        capacity = gpu_replica_capacity(svc, pools)
        return capacity is None or capacity > svc.replicas.max

    return PlatformAddonsArgs(
        kubernetes_version=version,
        gpu=handle.gpu if spec.gpu_pools else None,
        install_metrics_server=not handle.metrics_server_installed,
        system_replicas=filled(spec.cluster.system_replicas, "cluster.system_replicas"),
        trim_system_requests=filled(spec.cluster.trim_system_requests, "cluster.trim_system_requests"),
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
            engines=served_engines(spec),
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
                image=s.runs_image,
                port=s.port,
                predict_path=s.serves_path,
                health_path=s.probe_path,
                cpu=s.cpu,
                memory=s.memory,
                gpu_type=s.gpu.type if s.gpu else None,
                gpu_count=s.gpu.count if s.gpu else 0,
                min_replicas=s.replicas.min,
                max_replicas=s.replicas.max,
                scaling_metric=s.scaling.metric,
                scaling_target=s.scaling.target,
                cpu_utilization=s.scaling.cpu_utilization,
                cloud_tolerations=gpu_tolerations(s),
                model_cache_gb=cache_gb(spec, s),
                preferred_pools=on_demand(s) if s.replicas.min > 0 else [],
                required_pools=required(s),
                surge=can_surge(s),
                priority_class=SERVING_PRIORITY.name,
                engine=engine_launch(spec, s),
                weights_claim=weights_claim(spec, s),
                engine_concurrency=served.max_num_seqs if (served := served_model(spec, s)) else None,
            )
            for s in spec.services
        ],
        models=model_hydrations(spec, handle),
        jobs=job_queues_args(spec, handle.gpu, handle.capacity_provisioning) if spec.jobs.enabled else None,
        traffic=traffic,
        shared_volumes=dict(handle.shared_volumes),
    )


def _mounted(spec: PlatformSpec, svc: ServiceSpec) -> bool:
    served = served_model(spec, svc)
    return served is not None and served.cache_kind is CacheKind.BUCKET_MOUNT


def weights_claim(spec: PlatformSpec, svc: ServiceSpec) -> str | None:
    """The claim of the service's bucket-mounted model (`ModelMount.claim_name`), else None."""
    return f"model-{svc.model}" if _mounted(spec, svc) else None


def model_store_problems(spec: PlatformSpec, handle: ClusterHandle) -> list[Problem]:
    """A bucket-mounted model a service serves needs the cloud's mount and the model bucket (a handle made
    by hand may have neither; the cloud builds the mount only for served models, so a model no service
    names, e.g. after its last service was removed, needs nothing)."""
    if handle.model_store is not None and handle.model_bucket is not None and handle.region is not None:
        return []
    mounted = {svc.model for svc in spec.services if _mounted(spec, svc)}
    return [
        Problem(
            f"models[{i}].cache",
            m.cache,
            "this cluster offers no model bucket mount (its handle has no model_store, bucket or region)",
            "use `cache: node-disk`",
        )
        for i, m in enumerate(spec.models)
        if m.name in mounted
    ]


def model_hydrations(spec: PlatformSpec, handle: ClusterHandle) -> list[ModelHydrationArgs]:
    """One hydration per (tenant, model) a service serves from the bucket mount."""
    store = handle.model_store
    if store is None or handle.model_bucket is None or handle.region is None:
        return []
    out: dict[tuple[str, str], ModelHydrationArgs] = {}
    for svc in spec.services:
        served = served_model(spec, svc)
        if served is None or not _mounted(spec, svc) or (svc.tenant, served.model.name) in out:
            continue
        assert served.model.revision is not None  # a full commit (spec/model_rules.py)
        out[(svc.tenant, served.model.name)] = ModelHydrationArgs(
            tenant=svc.tenant,
            namespace=svc.tenant,
            model=served.model.name,
            revision=served.model.revision,
            source=served.source,
            image=served.engine.image,
            bucket=handle.model_bucket,
            region=handle.region,
            driver=store.driver,
            bind_writer=store.bind_writer,
            cache_gib=served.cache_gib,
            depends_on=list(store.ready),
        )
    return list(out.values())


def served_engines(spec: PlatformSpec) -> list[Engine]:
    """The engines the services run, each once, by kind."""
    engines = {s.engine.kind: s.engine for svc in spec.services if (s := served_model(spec, svc))}
    return [engines[k] for k in sorted(engines)]


def engine_launch(spec: PlatformSpec, svc: ServiceSpec) -> EngineLaunch | None:
    """The engine a service runs, with its model's arguments; None for a service running its own image."""
    served = served_model(spec, svc)
    if served is None:
        return None
    return EngineLaunch(
        engine=served.engine,
        hub_id=served.source,
        revision=served.model.revision,
        served_name=served.served_name,
        tensor_parallel=served.tensor_parallel,
        max_model_len=served.max_model_len,
        port=svc.port,
        model_path=WEIGHTS_PATH if _mounted(spec, svc) else None,
    )


def job_queues_args(
    spec: PlatformSpec,
    gpu: GpuFacts,
    capacity: CapacityProvisioning | None = None,
) -> JobQueuesArgs:
    """Flavors from the node pools, a queue per tenant with the spec's quota (defaults: no guaranteed
    GPUs, the tenant's CPU and memory quota); the controller on the first on-demand CPU pool with nodes.
    GPU pools the cluster's autoscaler provisions for (`capacity`) get the capacity admission check."""
    # prod: the on-demand pools holding services kept running are theirs alone, no job flavor
    reserved = {p.name for p in reserved_pools(spec)}
    gpu_pools = {p.name for p in spec.gpu_pools} - reserved
    provisioned = (
        set()
        if capacity is None
        else gpu_pools
        if capacity.pools is None
        else gpu_pools & set(capacity.pools)
    )
    hourly = usd_per_gpu_hour(spec)  # GPU flavors cheapest first (queues.py)
    flavors = flavors_for(
        [
            PoolShape(p.name, p.gpu.type if p.gpu else None, p.spot, hourly.get(p.name, 0.0))
            for p in spec.node_pools
            if p.name not in reserved
        ],
        gpu.tolerations(spot=False),
        provisioned,
        [t.toleration() for t in capacity.node_taints] if capacity else (),
        spot_tolerations=gpu.tolerations(spot=True),
        topology_pools={p.name: TOPOLOGY_NAME for p in spec.gpu_pools if p.topology_aware},
    )
    queues = []
    compute = [queue_compute_quota(spec, i) for i in range(len(spec.tenants))]
    for i, t in enumerate(spec.tenants):
        jobs = t.jobs or TenantJobsSpec()
        queues.append(
            TenantQueue(
                tenant=t.name,
                gpu_quota=dict(jobs.gpu_quota),
                # all its jobs together, what the namespace quota leaves beside its services
                cpu_quota=compute[i]["cpu"],
                memory_quota=compute[i]["memory"],
                # a tenant without a jobs block borrows only what its namespace quota holds
                borrowing_limit=queue_borrowing_limit(spec, i),
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
        topology_levels=gpu.network_topology if any(p.topology_aware for p in spec.gpu_pools) else (),
        # Multi-node jobs where a pool is declared for them (jobs/jobset.py: why not everywhere).
        jobsets=any(p.topology_aware for p in spec.gpu_pools),
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
