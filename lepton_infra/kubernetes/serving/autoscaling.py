"""Which autoscaler a service gets, and what it scales on. Pure."""

from __future__ import annotations

import math
from typing import Any

from lepton_infra.core.conventions import KEDA_NAMESPACE, MONITORING_NAMESPACE

# Decided in core (the spec needs it to know which charts a platform installs); re-exported here.
from lepton_infra.core.scaling import Autoscaler as Autoscaler
from lepton_infra.core.scaling import autoscaler_for as autoscaler_for
from lepton_infra.kubernetes.charts.pinned import (
    INTERCEPTOR_PROXY_PORT,
    INTERCEPTOR_PROXY_SERVICE,
    PROMETHEUS_PORT,
    PROMETHEUS_SERVICE,
)

# Counter of served requests, labelled with `namespace` and `service` by the ServiceMonitor's scrape.
REQUEST_METRIC = "http_requests_total"
# Gauge of waiting work, published by the tenant's queue exporter: a Service in the tenant's namespace
# labelled QUEUE_OF_LABEL=<service>, which the platform's ServiceMonitor scrapes. `namespace` is the
# exporter's own (Prometheus sets it from the target; the exporter cannot claim another namespace's
# queue), `service` is set to the inference service's name by the scrape's relabelling.
QUEUE_METRIC = "lepton_queue_length"
QUEUE_OF_LABEL = "lepton.ai/queue-of"
QUEUE_EXPORTER_PORT = "metrics"
PROMETHEUS_URL = f"http://{PROMETHEUS_SERVICE}.{MONITORING_NAMESPACE}.svc:{PROMETHEUS_PORT}"

# Where clients of a scale-to-zero service on request rate send their requests (with the service's host).
INTERCEPTOR_ADDRESS = f"{INTERCEPTOR_PROXY_SERVICE}.{KEDA_NAMESPACE}.svc:{INTERCEPTOR_PROXY_PORT}"
# Window of the interceptor's request-rate average, and its bucket size.
REQUEST_RATE_WINDOW = "1m"
REQUEST_RATE_GRANULARITY = "1s"
# Keep the last replica for five minutes after the load stops (GPU cold starts are slow).
SCALE_DOWN_PERIOD_SECONDS = 300


def service_host(service: str, namespace: str) -> str:
    """The Host header that routes a request through the interceptor to one service."""
    return f"{service}.{namespace}"


def scaling_query(metric: str, namespace: str, service: str) -> str:
    selector = f'namespace="{namespace}",service="{service}"'
    if metric == "queue_length":
        return f"sum({QUEUE_METRIC}{{{selector}}})"
    return f"sum(rate({REQUEST_METRIC}{{{selector}}}[2m]))"


def scaled_object_spec(
    deployment: str,
    min_replicas: int,
    max_replicas: int,
    query: Any,
    target: float,
    cpu_utilization: int,
    prometheus_url: str = PROMETHEUS_URL,
    engine_triggers: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A KEDA ScaledObject on the service's metric (a Prometheus query). With replicas kept running (min ≥
    1) a CPU trigger stands beside it, so a CPU-bound server still scales; KEDA refuses CPU triggers at
    min 0. KEDA's HPA is then named like the service's plain HPA of earlier versions and takes it over on
    an upgrade (`TRANSFER_HPA_ANNOTATIONS`). `engine_triggers` (an inference engine's own gauges,
    kubernetes/serving/engine.py) replace the query and the CPU trigger: an engine's CPU is busy whatever
    its load."""
    triggers: list[dict[str, Any]] = list(engine_triggers or []) or [
        {
            "type": "prometheus",
            "metadata": {
                "serverAddress": prometheus_url,
                "query": query,
                "threshold": f"{target:g}",
                "activationThreshold": "0",
            },
        }
    ]
    spec: dict[str, Any] = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment},
        "minReplicaCount": min_replicas,
        "maxReplicaCount": max_replicas,
        "pollingInterval": 15,
        "cooldownPeriod": SCALE_DOWN_PERIOD_SECONDS,
        "triggers": triggers,
    }
    if min_replicas > 0 and not engine_triggers:
        triggers.append(
            {"type": "cpu", "metricType": "Utilization", "metadata": {"value": str(cpu_utilization)}}
        )
        spec["advanced"] = {
            "horizontalPodAutoscalerConfig": {
                "name": deployment,
                # GPU replicas are slow to start: scale down only after five quiet minutes.
                "behavior": {"scaleDown": {"stabilizationWindowSeconds": SCALE_DOWN_PERIOD_SECONDS}},
            }
        }
    return spec


# On the ScaledObject of a service kept running: earlier versions gave it a plain HPA of the same name,
# and KEDA's admission webhook refuses a ScaledObject for a Deployment another HPA already scales unless
# it takes that HPA over, named in `advanced.horizontalPodAutoscalerConfig.name` (kedacore/keda v2.20.2
# apis/keda/v1alpha1/scaledobject_webhook.go, read 2026-12-07). Pulumi then deletes the old HPA object,
# which KEDA, owning it by then, recreates at once (the Deployment keeps its replicas meanwhile).
TRANSFER_HPA_ANNOTATIONS = {"scaledobject.keda.sh/transfer-hpa-ownership": "true"}


def queue_monitor_spec(service: str) -> dict[str, Any]:
    """The ServiceMonitor that brings a tenant's queue exporter to Prometheus for one service. Tenants
    cannot create monitors themselves (their Role has no monitoring.coreos.com rights: a monitor may
    select other namespaces). With `honorLabels` off (the operator's default) a `service` label the
    exporter sets would become `exported_service`; the relabelling names the series after the inference
    service instead, which is what its scaling query asks for. Selects Services in its own namespace only
    (a ServiceMonitor without namespaceSelector)."""
    return {
        "selector": {"matchLabels": {QUEUE_OF_LABEL: service}},
        "endpoints": [
            {
                "port": QUEUE_EXPORTER_PORT,
                "path": "/metrics",
                "interval": "15s",
                "relabelings": [{"action": "replace", "targetLabel": "service", "replacement": service}],
            }
        ],
    }


def service_endpoint(
    autoscaler: Autoscaler,
    service: str,
    namespace: str,
    service_port: int,
    path: str,
    external_host: str | None = None,
) -> dict[str, str]:
    """What an in-cluster client calls: `url`, sent with the `Host` header `host`. A service behind the
    HTTP add-on is reached through the interceptor (calling its own Service directly at zero replicas
    finds no endpoint and wakes nothing); any other service through its own Service. An exposed service
    also has the `external_url` its load balancer serves over HTTPS."""
    external = {"external_url": f"https://{external_host}{path}"} if external_host else {}
    if autoscaler == "keda-http":
        return {
            "url": f"http://{INTERCEPTOR_ADDRESS}{path}",
            "host": service_host(service, namespace),
            **external,
        }
    direct = f"{service}.{namespace}.svc"
    return {"url": f"http://{direct}:{service_port}{path}", "host": direct, **external}


def http_scaled_object_spec(
    deployment: str,
    service: str,
    service_port: int,
    hosts: Any,
    path_prefix: str,
    max_replicas: int,
    target_rps: float,
    response_header_seconds: int | None = None,
    concurrency_target: int | None = None,
) -> dict[str, Any]:
    """An `HTTPScaledObject` (http.keda.sh/v1alpha1): the interceptor routes requests whose Host header
    is one of `hosts` (the in-cluster one, and the load balancer's when exposed) and path starts with
    `path_prefix` to `service:service_port`, and the add-on scales the Deployment on their rate (per
    replica). The CRD takes an integer target: round up, never below 1. `concurrency_target` (an inference
    engine's batch ceiling) scales on requests in flight per replica instead (`scalingMetric.concurrency`,
    exclusive with `requestRate`; the scaler's external metric is averaged over the replicas: http-add-on
    v0.15.0 operator/apis/http/v1alpha1/httpscaledobject_types.go, scaler/handlers.go): an LLM request
    holds its replica for seconds to minutes, so how many are in flight, not how fast they arrive, says
    when the batch is full. `response_header_seconds` (an
    inference engine's longest answer) overrides the interceptor's global response-header timeout for
    this service alone: `spec.timeouts.responseHeader` (http-add-on v0.15.0 operator/apis/http/v1alpha1/
    httpscaledobject_types.go; pkg/routing/table.go copies it onto the route the interceptor's
    handler/upstream.go reads; read 2026-12-08)."""
    metric: dict[str, Any] = (
        {"concurrency": {"targetValue": concurrency_target}}
        if concurrency_target
        else {
            "requestRate": {
                "targetValue": max(1, math.ceil(target_rps)),
                "granularity": REQUEST_RATE_GRANULARITY,
                "window": REQUEST_RATE_WINDOW,
            }
        }
    )
    timeouts = (
        {"timeouts": {"responseHeader": f"{response_header_seconds}s"}} if response_header_seconds else {}
    )
    return {
        "hosts": hosts,
        "pathPrefixes": [path_prefix],
        "scaleTargetRef": {
            "name": deployment,
            "kind": "Deployment",
            "apiVersion": "apps/v1",
            "service": service,
            "port": service_port,
        },
        "replicas": {"min": 0, "max": max_replicas},
        "scalingMetric": metric,
        "scaledownPeriod": SCALE_DOWN_PERIOD_SECONDS,
        **timeouts,
    }
