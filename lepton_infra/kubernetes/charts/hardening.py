"""Pod hardening for the system charts the platform installs, as Helm values: what each chart's defaults
leave out (read from its values.yaml at the pinned tag), set where the chart has a key for it.

Every chart's own defaults already run its containers non-root with a read-only root, no privilege
escalation and all capabilities dropped, except where named here; most leave `resources` empty. The
values below add requests and a memory limit to every container a chart leaves without them, the
RuntimeDefault seccomp profile and the container restrictions node-exporter and the KEDA HTTP add-on lack.
No CPU limits, on purpose (docs/security.md: throttling, CKV_K8S_11). What no key can set is a named
exception in docs/security.md ("System charts"); tests/kubernetes/test_k8s_system_workload_hardening.py
merges these values over the charts' recorded defaults and checks every component.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

RUNTIME_DEFAULT_SECCOMP = {"seccompProfile": {"type": "RuntimeDefault"}}
RESTRICTED_CONTAINER = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}


def resources(cpu: str, memory: str, memory_limit: str) -> dict[str, Any]:
    """Requests for scheduling, a memory limit so a leak is killed before it starves the node."""
    return {"requests": {"cpu": cpu, "memory": memory}, "limits": {"memory": memory_limit}}


# kube-prometheus-stack 88.5.3 and its subcharts (grafana 12.11.1, kube-state-metrics 8.4.0,
# prometheus-node-exporter 4.56.1). Prometheus's own resources are sized from the spec (observability.py).
KUBE_PROMETHEUS_STACK_HARDENING: dict[str, Any] = {
    # The Helm-hook Job that applies the CRDs before an upgrade (kubectl apply of ten large CRDs); its
    # security contexts are the chart's (non-root, read-only, RuntimeDefault, no capabilities).
    "crds": {"upgradeJob": {"resources": resources("50m", "128Mi", "512Mi")}},
    "prometheusOperator": {
        "resources": resources("100m", "128Mi", "512Mi"),
        # The config-reloader sidecar of the Prometheus and Alertmanager pods.
        "prometheusConfigReloader": {"resources": resources("10m", "32Mi", "64Mi")},
        # The Helm-hook Jobs that create and patch the admission webhook's certificate.
        "admissionWebhooks": {"patch": {"resources": resources("10m", "32Mi", "64Mi")}},
    },
    "alertmanager": {"alertmanagerSpec": {"resources": resources("50m", "128Mi", "256Mi")}},
    "grafana": {
        "resources": resources("100m", "256Mi", "512Mi"),
        "sidecar": {"resources": resources("50m", "64Mi", "128Mi")},
        # The chart's `helm test` Pod (a bats image run as root); nothing of the platform runs Helm tests.
        "testFramework": {"enabled": False},
    },
    "kube-state-metrics": {"resources": resources("50m", "128Mi", "512Mi")},
    "prometheus-node-exporter": {
        "resources": resources("50m", "32Mi", "128Mi"),
        # The chart sets only readOnlyRootFilesystem; node-exporter reads /proc and /sys and needs none
        # of the rest. Pod-level keys merge with the chart's runAsNonRoot/uid 65534.
        "containerSecurityContext": RESTRICTED_CONTAINER,
        "securityContext": RUNTIME_DEFAULT_SECCOMP,
    },
}

# keda-add-ons-http 0.15.0: the pod context is the whole `podSecurityContext` map (templates/*/
# deployment.yaml, when no per-component map is set); its images are distroless `nonroot` (uid 65532).
KEDA_HTTP_ADD_ON_HARDENING: dict[str, Any] = {
    "podSecurityContext": {"runAsNonRoot": True, **RUNTIME_DEFAULT_SECCOMP},
}

# metrics-server 3.13.1: requests only by default.
METRICS_SERVER_HARDENING: dict[str, Any] = {"resources": resources("100m", "200Mi", "512Mi")}


def merged(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """`base` with `extra` merged in, maps recursively (as Helm merges values), `extra` winning."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out
