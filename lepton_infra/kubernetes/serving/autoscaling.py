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
# Gauge of waiting work, published by the queue's exporter with `namespace` and `service` labels.
QUEUE_METRIC = "lepton_queue_length"
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


def hpa_spec(deployment: str, min_replicas: int, max_replicas: int, cpu_utilization: int) -> dict[str, Any]:
    return {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment},
        "minReplicas": min_replicas,
        "maxReplicas": max_replicas,
        "metrics": [
            {
                "type": "Resource",
                "resource": {
                    "name": "cpu",
                    "target": {"type": "Utilization", "averageUtilization": cpu_utilization},
                },
            }
        ],
        # GPU replicas are slow to start: scale down only after five quiet minutes.
        "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}},
    }


def scaled_object_spec(
    deployment: str, max_replicas: int, query: Any, target: float, prometheus_url: str = PROMETHEUS_URL
) -> dict[str, Any]:
    return {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment},
        "minReplicaCount": 0,
        "maxReplicaCount": max_replicas,
        "pollingInterval": 15,
        "cooldownPeriod": SCALE_DOWN_PERIOD_SECONDS,
        "triggers": [
            {
                "type": "prometheus",
                "metadata": {
                    "serverAddress": prometheus_url,
                    "query": query,
                    "threshold": f"{target:g}",
                    "activationThreshold": "0",
                },
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
) -> dict[str, Any]:
    """An `HTTPScaledObject` (http.keda.sh/v1alpha1): the interceptor routes requests whose Host header
    is one of `hosts` (the in-cluster one, and the load balancer's when exposed) and path starts with
    `path_prefix` to `service:service_port`, and the add-on scales the Deployment on their rate (per
    replica). The CRD takes an integer target: round up, never below 1."""
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
        "scalingMetric": {
            "requestRate": {
                "targetValue": max(1, math.ceil(target_rps)),
                "granularity": REQUEST_RATE_GRANULARITY,
                "window": REQUEST_RATE_WINDOW,
            }
        },
        "scaledownPeriod": SCALE_DOWN_PERIOD_SECONDS,
    }
