"""`InferenceService`: a model server that scales on its metric through KEDA (the HTTP add-on on request
rate from zero, a ScaledObject on its own request rate or a queue's length otherwise).

Pod and autoscaler shapes are built as plain manifests by `workload.py` and `autoscaling.py` (camelCase,
exactly what the API server receives); the tests validate every one against the Kubernetes schema in
strict mode, which checks field names more tightly than the SDK's types would.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.catalog import gpu_models
from lepton_infra.core.args import one_of, ordered
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.meta import TENANT_LABEL, common_labels
from lepton_infra.kubernetes.serving.answer_time import engine_answer_seconds
from lepton_infra.kubernetes.serving.autoscaling import (
    PROMETHEUS_URL,
    TRANSFER_HPA_ANNOTATIONS,
    autoscaler_for,
    http_scaled_object_spec,
    queue_monitor_spec,
    scaled_object_spec,
    scaling_query,
    service_endpoint,
    service_host,
)
from lepton_infra.kubernetes.serving.engine import (
    RULE_GROUP,
    EngineLaunch,
    engine_rule_spec,
    engine_triggers,
)
from lepton_infra.kubernetes.serving.hydration import WEIGHTS_PATH, wait_for_weights_container, weights_volume
from lepton_infra.kubernetes.serving.rollout import rolling_update
from lepton_infra.kubernetes.serving.workload import PORT_NAME, PodShape, pod_template_spec
from lepton_infra.kubernetes.tenancy.isolation import callers_ingress_spec, interceptor_ingress_spec
from lepton_infra.spec import GpuRequest, ReplicasSpec, ScalingSpec, ServiceSpec
from lepton_infra.spec.problems import like_spec_field

SERVICE_PORT = 80
# GPU nodes may scale up from zero and pull multi-GB images before the first replica is ready.
ROLLOUT_TIMEOUT_SECONDS = "1200"


def service_selector(service: str, tenant: str) -> dict[str, str]:
    """The labels selecting a service's pods (its Deployment, Service, policies and routes)."""
    return {"app.kubernetes.io/name": service, TENANT_LABEL: tenant}


@dataclass
class InferenceServiceArgs(ComponentArgs):
    name: str
    """The service's name: its Deployment, Service and autoscaler, and its in-cluster host
    `<name>.<namespace>.svc`. A name the spec accepts for a service."""
    tenant: str
    """The tenant the service belongs to: the tenant label on every object and in its metrics' queries."""
    namespace: pulumi.Input[str]
    """The namespace it runs in (`Tenant.namespace_name`): waiting on that output orders it after the
    namespace."""
    service_account: pulumi.Input[str]
    """The pods' service account (`Tenant.service_account_name`), which carries the tenant's cloud
    identity."""
    image: str
    """Container image with an explicit tag or digest, as the spec accepts it; a digest is pulled
    `IfNotPresent`, a tag `Always`."""
    port: int = 8080
    """The container's port (1024-65535: the pods run as non-root). The Service always listens on 80.
    Default: 8080."""
    predict_path: str = "/predict"
    """The inference path, where routes and the request-rate autoscaler send traffic. Default: /predict."""
    health_path: str = "/healthz"
    """The readiness and liveness probes' path. Default: /healthz."""
    cpu: str = "2"
    """CPU request and limit of each replica (equal: Guaranteed QoS). Default: 2 cores."""
    memory: str = "8Gi"
    """Memory request and limit of each replica. Default: 8Gi."""
    gpu_type: str | None = None
    """The GPU each replica needs (a catalog GPU model): the pods select nodes with it and tolerate the
    GPU taint. Default: none, a CPU service."""
    gpu_count: int = 1
    """GPUs per replica, when `gpu_type` is set. Default: 1."""
    min_replicas: int = 0
    """Fewest replicas; above 0 an HPA scales on CPU, at 0 KEDA scales to zero (and back on the first
    request or queued item). Default: 0, scale to zero: no pod, and no GPU, billed while idle."""
    max_replicas: int = 4
    """Most replicas. Default: 4."""
    scaling_metric: str = "requests_per_second"
    """What drives replicas at `min_replicas` 0: `requests_per_second` (KEDA's HTTP add-on counts them at
    its interceptor) or `queue_length` (a Prometheus query on the service's queue metric). Default:
    requests_per_second."""
    scaling_target: float = 10.0
    """Target value of `scaling_metric` per replica. Default: 10."""
    cpu_utilization: int = 70
    """The HPA's CPU target in percent, when `min_replicas` is above 0. Default: 70."""
    prometheus_url: str = PROMETHEUS_URL
    """The Prometheus KEDA queries for `queue_length`. Default: the platform's own, in the monitoring
    namespace."""
    identity_pod_labels: Mapping[str, str] = field(default_factory=dict)
    """Pod labels the cloud's identity webhook needs (from the tenant's `BoundIdentity`). Default: none."""
    cloud_tolerations: Sequence[Mapping[str, str]] = ()
    """Tolerations beyond the platform's GPU taint: the cloud's own taints on GPU nodes
    (`GpuFacts.cloud_taints`, e.g. AKS spot) and, for a prod service kept running, its reserved pools'
    taint (`core.conventions.reserved_toleration`). Default: none."""
    model_cache_gb: int = 20
    """Writable space for model weights at /models (an emptyDir on the node's boot disk: no cost beyond the
    pool's disk), as the spec's `services[].model_cache_gb`. Default: 20 GiB."""
    preferred_pools: Sequence[str] = ()
    """Node pools the scheduler should prefer for the replicas (the on-demand pools offering its GPU type,
    for a service kept running). Default: none, no preference."""
    required_pools: Sequence[str] = ()
    """Node pools the replicas may run on only (in prod, for a service kept running: the on-demand pools
    offering its GPU type or CPU, so a spot reclaim never takes its minimum). Default: none, any pool that
    fits."""
    surge: bool = True
    """Whether the pools always have room for one replica beyond max. True: a rollout surges one replica
    and never drops one (full capacity throughout). False (GPU replicas whose pools hold no more than max
    of them): still surge one, but let one old replica go first at max, where the surge pod can never be
    placed and the rollout would hang, and its node takes the new one; below max none, where a percentage
    can say so (max 1-10, 12, 13, 15, 17, 20, 25, 34, 50, 100 of 1..100), otherwise one there too
    (serving/rollout.py). Default: True."""
    priority_class: str | None = None
    """The PriorityClass of the pods (the platform's `lepton-serving`: ahead of batch pods, never
    preempting). Default: none, the cluster's default priority."""
    depends_on: Sequence[pulumi.Resource] = ()
    """What the pods need first (node pools, the GPU stack's device plugin), passed to the Deployment: a
    component's `depends_on` does not reach the children it creates. Default: none."""
    monitoring_crds: Sequence[pulumi.Resource] = ()
    """The release owning the ServiceMonitor CRD (kube-prometheus-stack), which the service's
    ServiceMonitor waits for. Default: none."""
    keda: Sequence[pulumi.Resource] = ()
    """The KEDA release (owner of the ScaledObject CRD), needed for `queue_length` at `min_replicas` 0.
    Default: none."""
    http_add_on: Sequence[pulumi.Resource] = ()
    """The KEDA HTTP add-on release (owner of the HTTPScaledObject CRD), needed for `requests_per_second`
    at `min_replicas` 0. Default: none."""
    external_host: str | None = None
    """The FQDN a load balancer routes to this service (`services[].host` when exposed). Behind the
    interceptor the HTTPScaledObject matches it too: the load balancer keeps the client's Host. Default:
    none, reached in the cluster only."""
    engine_concurrency: int | None = None
    """An inference engine's batch ceiling (sequences one replica runs at once): scaling from zero, the
    HTTP add-on scales on requests in flight per replica with this target instead of request rate.
    Default: none (request rate)."""
    engine: EngineLaunch | None = None
    """The inference engine the container runs (its pinned image is `image`): its command and arguments,
    a KEDA trigger on its queue and KV cache for `min_replicas` ≥ 1 (`scaling_metric` engine_queue) and
    its alert rules. Default: none, the image's own server."""
    weights_claim: str | None = None
    """The claim of the model's read-only bucket mount (`ModelHydration`, `models[].cache: bucket-mount`):
    mounted at /weights, where the engine reads the model, behind an init container waiting for the
    hydration Job's marker. Default: none, the engine downloads from the Hub."""
    service_annotations: Mapping[str, str] = field(default_factory=dict)
    """What the cloud's route decoration puts on the Service the load balancer targets. Default: none."""

    def problems(self) -> Iterator[Problem]:
        for arg, spec_field in (
            ("name", "name"),
            ("tenant", "tenant"),
            ("image", "image"),
            ("port", "port"),
            ("cpu", "cpu"),
            ("memory", "memory"),
            ("predict_path", "predict_path"),
            ("health_path", "health_path"),
            ("model_cache_gb", "model_cache_gb"),
        ):
            yield from like_spec_field(arg, getattr(self, arg), ServiceSpec, spec_field)
        if self.gpu_type is not None:
            yield from one_of("gpu_type", self.gpu_type, sorted(gpu_models()), "GPU type")
            yield from like_spec_field("gpu_count", self.gpu_count, GpuRequest, "count")
        yield from like_spec_field("min_replicas", self.min_replicas, ReplicasSpec, "min")
        yield from like_spec_field("max_replicas", self.max_replicas, ReplicasSpec, "max")
        yield from ordered("min_replicas", self.min_replicas, "max_replicas", self.max_replicas)
        yield from like_spec_field("scaling_metric", self.scaling_metric, ScalingSpec, "metric")
        yield from like_spec_field("scaling_target", self.scaling_target, ScalingSpec, "target")
        yield from like_spec_field("cpu_utilization", self.cpu_utilization, ScalingSpec, "cpu_utilization")
        if self.scaling_metric == "engine_queue" and (self.engine is None or self.min_replicas == 0):
            yield Problem(
                "scaling_metric",
                self.scaling_metric,
                "scales on an engine's queue, which needs `engine` and min_replicas ≥ 1",
                "set `engine` and min_replicas ≥ 1, or scale on requests_per_second",
            )


class InferenceService(Component):
    TOKEN = "lepton:k8s:InferenceService"

    def __init__(
        self, name: str, args: InferenceServiceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        selector = service_selector(args.name, args.tenant)
        labels = {**common_labels(args.name, "inference"), TENANT_LABEL: args.tenant}
        self.autoscaler = autoscaler_for(args.min_replicas, args.scaling_metric)

        def meta(annotations: dict[str, str] | None = None, suffix: str = "") -> k8s.meta.v1.ObjectMetaArgs:
            return k8s.meta.v1.ObjectMetaArgs(
                name=args.name + suffix, namespace=args.namespace, labels=labels, annotations=annotations
            )

        shape = PodShape(
            image=args.image,
            port=args.port,
            predict_path=args.predict_path,
            health_path=args.health_path,
            cpu=args.cpu,
            memory=args.memory,
            gpu_type=args.gpu_type,
            gpu_count=args.gpu_count,
            service_account=args.service_account,
            labels=selector,
            cloud_tolerations=args.cloud_tolerations,
            model_cache_gb=args.model_cache_gb,
            preferred_pools=args.preferred_pools,
            required_pools=args.required_pools,
            priority_class=args.priority_class,
            command=args.engine.command() if args.engine else (),
            args=args.engine.args() if args.engine else (),
            extra_env=args.engine.env() if args.engine else (),
            weights_volume=weights_volume(args.weights_claim) if args.weights_claim else None,
            weights_path=WEIGHTS_PATH,
            init_containers=[wait_for_weights_container(args.image)] if args.weights_claim else (),
        )
        deployment_spec: dict[str, Any] = {
            # The autoscaler owns the replica count after creation (ignored below).
            "replicas": args.min_replicas,
            "revisionHistoryLimit": 5,
            "selector": {"matchLabels": selector},
            # Surge one replica and never drop one (full serving capacity); where no node could take the
            # surge pod at max replicas, one replica may go first at max (`surge`, serving/rollout.py).
            "strategy": rolling_update(surge=args.surge, max_replicas=args.max_replicas),
            "template": {
                "metadata": {"labels": {**labels, **selector, **dict(args.identity_pod_labels)}},
                "spec": pod_template_spec(shape),
            },
        }
        self.deployment = k8s.apps.v1.Deployment(
            child_name(name, "deployment"),
            metadata=meta({"pulumi.com/timeoutSeconds": ROLLOUT_TIMEOUT_SECONDS}),
            spec=cast(Any, deployment_spec),
            opts=self.child_opts(depends_on=list(args.depends_on), ignore_changes=["spec.replicas"]),
        )
        self.service = k8s.core.v1.Service(
            child_name(name, "service"),
            metadata=meta(dict(args.service_annotations) or None),
            spec=cast(
                Any,
                {
                    "type": "ClusterIP",
                    "selector": selector,
                    "ports": [
                        {"name": PORT_NAME, "port": SERVICE_PORT, "targetPort": PORT_NAME, "protocol": "TCP"}
                    ],
                },
            ),
            opts=self.child_opts(),
        )
        # One replica at a time may be disrupted: node drains (spot reclaim, scale-down, upgrades)
        # never block, and never take more than one replica away. With two or more replicas (what prod
        # requires of a service kept running, spec/service_rules.py) one always serves; a lone replica in
        # dev may go (a budget protecting it would block every drain instead).
        self.disruption_budget = k8s.policy.v1.PodDisruptionBudget(
            child_name(name, "pdb"),
            metadata=meta(),
            spec=cast(Any, {"maxUnavailable": 1, "selector": {"matchLabels": selector}}),
            opts=self.child_opts(),
        )
        self.service_monitor = k8s.apiextensions.CustomResource(
            child_name(name, "monitor"),
            api_version="monitoring.coreos.com/v1",
            kind="ServiceMonitor",
            metadata=meta(),
            spec={
                "selector": {"matchLabels": selector},
                "endpoints": [{"port": PORT_NAME, "path": "/metrics", "interval": "30s"}],
            },
            opts=self.child_opts(depends_on=list(args.monitoring_crds)),
        )
        self.scaled_object: k8s.apiextensions.CustomResource | None = None
        self.http_scaled_object: k8s.apiextensions.CustomResource | None = None
        self.interceptor_ingress: k8s.networking.v1.NetworkPolicy | None = None
        self.callers_ingress: k8s.networking.v1.NetworkPolicy | None = None
        self.queue_monitor: k8s.apiextensions.CustomResource | None = None
        if self.autoscaler == "keda-http":
            external = [args.external_host] if args.external_host else []
            hosts = pulumi.Output.from_input(args.namespace).apply(
                lambda ns: [service_host(args.name, ns), *external]
            )
            # The add-on's operator creates (and owns) the KEDA ScaledObject behind this object.
            self.http_scaled_object = k8s.apiextensions.CustomResource(
                child_name(name, "http-scaler"),
                api_version="http.keda.sh/v1alpha1",
                kind="HTTPScaledObject",
                metadata=meta(),
                spec=http_scaled_object_spec(
                    args.name,
                    args.name,
                    SERVICE_PORT,
                    hosts,
                    args.predict_path,
                    args.max_replicas,
                    args.scaling_target,
                    engine_answer_seconds(args.engine.max_model_len) if args.engine else None,
                    args.engine_concurrency,
                ),
                opts=self.child_opts(depends_on=[*args.http_add_on, self.deployment, self.service]),
            )
            # Every request arrives through the interceptor: the tenant's default deny must admit it.
            self.interceptor_ingress = k8s.networking.v1.NetworkPolicy(
                child_name(name, "from-interceptor"),
                metadata=meta(suffix="-from-interceptor"),
                spec=cast(Any, interceptor_ingress_spec(selector, args.port)),
                opts=self.child_opts(),
            )
        else:
            if args.scaling_metric == "queue_length":
                self.queue_monitor = k8s.apiextensions.CustomResource(
                    child_name(name, "queue-monitor"),
                    api_version="monitoring.coreos.com/v1",
                    kind="ServiceMonitor",
                    metadata=meta(suffix="-queue"),
                    spec=queue_monitor_spec(args.name),
                    opts=self.child_opts(depends_on=list(args.monitoring_crds)),
                )
            launch = args.engine
            scaled_spec = pulumi.Output.from_input(args.namespace).apply(
                lambda ns: scaled_object_spec(
                    args.name,
                    args.min_replicas,
                    args.max_replicas,
                    scaling_query(args.scaling_metric, ns, args.name),
                    args.scaling_target,
                    args.cpu_utilization,
                    args.prometheus_url,
                    engine_triggers(launch.engine, ns, args.name, args.scaling_target, args.prometheus_url)
                    if launch is not None and args.scaling_metric == "engine_queue"
                    else None,
                )
            )
            self.scaled_object = k8s.apiextensions.CustomResource(
                child_name(name, "scaler"),
                api_version="keda.sh/v1alpha1",
                kind="ScaledObject",
                metadata=meta(dict(TRANSFER_HPA_ANNOTATIONS) if args.min_replicas > 0 else None),
                spec=scaled_spec,
                opts=self.child_opts(depends_on=[*args.keda, self.deployment]),
            )
            # Called at its own Service: every tenant's pods may (the interceptor path has its own policy).
            self.callers_ingress = k8s.networking.v1.NetworkPolicy(
                child_name(name, "from-callers"),
                metadata=meta(suffix="-from-callers"),
                spec=cast(Any, callers_ingress_spec(selector, args.port)),
                opts=self.child_opts(),
            )
        self.engine_rules: k8s.apiextensions.CustomResource | None = None
        if args.engine is not None:
            engine = args.engine.engine
            # Beside the service; Prometheus reads rules from every namespace (as Kueue's), and tenants
            # cannot edit them (their Role has no monitoring.coreos.com rights).
            self.engine_rules = k8s.apiextensions.CustomResource(
                child_name(name, "engine-rules"),
                api_version="monitoring.coreos.com/v1",
                kind="PrometheusRule",
                metadata=meta(suffix=f"-{RULE_GROUP}"),
                spec=pulumi.Output.from_input(args.namespace).apply(
                    lambda ns: engine_rule_spec(engine, ns, args.name)
                ),
                opts=self.child_opts(depends_on=list(args.monitoring_crds)),
            )
        autoscaler = self.autoscaler
        # The address in-cluster clients call (url + Host header), for stack outputs and docs.
        self.endpoint: pulumi.Output[dict[str, str]] = pulumi.Output.from_input(args.namespace).apply(
            lambda ns: service_endpoint(
                autoscaler, args.name, ns, SERVICE_PORT, args.predict_path, args.external_host
            )
        )
        self.finish(
            {
                "deployment": self.deployment.metadata.name,
                "service": self.service.metadata.name,
                "autoscaler": self.autoscaler,
                "endpoint": self.endpoint,
            }
        )
