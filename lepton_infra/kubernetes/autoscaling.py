"""Which autoscaler a service gets, and what it scales on. Pure."""

from __future__ import annotations

from typing import Any, Literal

from lepton_infra.core.conventions import MONITORING_NAMESPACE
from lepton_infra.kubernetes.charts import PROMETHEUS_PORT, PROMETHEUS_SERVICE

# Counter of served requests, labelled with `namespace` and `service` by the ServiceMonitor's scrape.
REQUEST_METRIC = "http_requests_total"
# Gauge of waiting work, published by the queue's exporter with `namespace` and `service` labels.
QUEUE_METRIC = "lepton_queue_length"
PROMETHEUS_URL = f"http://{PROMETHEUS_SERVICE}.{MONITORING_NAMESPACE}.svc:{PROMETHEUS_PORT}"

Autoscaler = Literal["hpa", "keda"]


def autoscaler_for(min_replicas: int) -> Autoscaler:
    """An HPA cannot go below one replica; scale to zero needs KEDA."""
    return "keda" if min_replicas == 0 else "hpa"


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
        "metrics": [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu_utilization}}}],
        # GPU replicas are slow to start: scale down only after five quiet minutes.
        "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300}},
    }


def scaled_object_spec(deployment: str, max_replicas: int, query: Any, target: float,
                       prometheus_url: str = PROMETHEUS_URL) -> dict[str, Any]:
    return {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment},
        "minReplicaCount": 0,
        "maxReplicaCount": max_replicas,
        "pollingInterval": 15,
        # Keep the last replica for five minutes after the load stops (GPU cold starts are slow).
        "cooldownPeriod": 300,
        "triggers": [{
            "type": "prometheus",
            "metadata": {"serverAddress": prometheus_url, "query": query, "threshold": f"{target:g}",
                         "activationThreshold": "0"},
        }],
    }
