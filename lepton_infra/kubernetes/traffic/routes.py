"""The way in, as data: which backend each exposed service is routed to, and the Ingress or Gateway API
manifests that route it. Pure functions of plain values (camelCase, what the API server receives), so each
property (TLS, host, backend, redirect, admitted sources) is tested on its own.

Two route APIs, chosen by the cloud's `IngressFacts.api`:
- `ingress`: one Ingress per service with its host and TLS, in the namespace of its backend (an Ingress
  backend must be in the Ingress's namespace): the tenant's, or `keda` for a service behind the HTTP
  add-on's interceptor. The cloud's annotations group them per exposure onto one load balancer.
- `gateway`: one Gateway per exposure in `lepton-ingress` (HTTP:80 that only redirects, one HTTPS listener
  per host), one HTTPRoute per service in the tenant's namespace bound to its host's listener; a route to
  the interceptor crosses into `keda` through a ReferenceGrant there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from lepton_infra.core.conventions import INGRESS_NAMESPACE, KEDA_NAMESPACE
from lepton_infra.core.traffic import EntryPoint, Exposure, RouteTarget
from lepton_infra.kubernetes.charts.pinned import (
    INTERCEPTOR_ADMIN_PORT,
    INTERCEPTOR_HEALTH_PATH,
    INTERCEPTOR_PROXY_PORT,
    INTERCEPTOR_PROXY_SERVICE,
)
from lepton_infra.kubernetes.meta import TENANT_LABEL, common_labels
from lepton_infra.kubernetes.serving.answer_time import interceptor_request_seconds
from lepton_infra.kubernetes.serving.keda import RESPONSE_HEADER_TIMEOUT_SECONDS
from lepton_infra.kubernetes.serving.workload import DRAIN_SECONDS

GATEWAY_API = "gateway.networking.k8s.io"
# The route API a cluster's Gateway API CRDs serve in the standard channel (ReferenceGrant is v1beta1 there).
GATEWAY_VERSION = f"{GATEWAY_API}/v1"
REFERENCE_GRANT_VERSION = f"{GATEWAY_API}/v1beta1"
# The explicit flag, on every object that opens a service to the internet: set only from the spec's
# `expose: public` (which a prod spec accepts only with `network.public_services`). Policy
# `lepton-k8s-public-exposure-flagged` refuses a public load balancer in a tenant namespace without it.
EXPOSURE_ANNOTATION = "lepton.ai/exposure"
# One request to a model, streaming included: the load balancer must not cut it off before this.
REQUEST_TIMEOUT_SECONDS = 300
HTTP_LISTENER = "http"
MAX_LISTENERS = 64  # Gateway spec.listeners maxItems (the HTTP listener included)


@dataclass(frozen=True)
class ServiceRoute:
    """What the layer knows of one exposed service before its objects exist."""

    service: str
    tenant: str  # also the tenant's namespace name
    host: str
    exposure: Exposure
    port: int  # container port (readiness probe, NetworkPolicy)
    health_path: str
    predict_path: str
    via_interceptor: bool  # scale-to-zero on request rate: every request goes through the KEDA interceptor
    # An inference engine's longest answer (kubernetes/serving/answer_time.py); None for other services.
    engine_answer_seconds: int | None = None


def route_target(route: ServiceRoute, service_port: int) -> RouteTarget:
    """The backend the load balancer sends `route`'s host to, and how it checks and drains it. Behind
    the interceptor, the load balancer checks the interceptor's readiness (the service may be at zero
    replicas, which must not take the host out of rotation) and waits as long as a cold start may take.
    An engine's route also waits for its longest non-streaming answer (`engine_answer_seconds`)."""
    answer = route.engine_answer_seconds
    if route.via_interceptor:
        return RouteTarget(
            service=route.service,
            host=route.host,
            exposure=route.exposure,
            namespace=KEDA_NAMESPACE,
            backend_service=INTERCEPTOR_PROXY_SERVICE,
            backend_port=INTERCEPTOR_PROXY_PORT,
            health_path=INTERCEPTOR_HEALTH_PATH,
            health_port=INTERCEPTOR_ADMIN_PORT,
            request_timeout_seconds=interceptor_request_seconds(answer or RESPONSE_HEADER_TIMEOUT_SECONDS),
            drain_seconds=DRAIN_SECONDS,
            engine_answer_seconds=answer,
        )
    return RouteTarget(
        service=route.service,
        host=route.host,
        exposure=route.exposure,
        namespace=route.tenant,
        backend_service=route.service,
        backend_port=service_port,
        health_path=route.health_path,
        health_port=route.port,
        request_timeout_seconds=max(REQUEST_TIMEOUT_SECONDS, answer or 0),
        drain_seconds=DRAIN_SECONDS,
        engine_answer_seconds=answer,
    )


def route_targets(routes: Iterable[ServiceRoute], service_port: int) -> dict[str, RouteTarget]:
    """Each route's target, by service. Routes through the interceptor share one backend Service, whose
    load-balancer settings (GKE's GCPBackendPolicy `timeoutSec`) exist once: every target of a backend
    gets the longest request timeout among them. The interceptor still cuts each service at its own
    response-header timeout (its HTTPScaledObject's `spec.timeouts`)."""
    targets = {r.service: route_target(r, service_port) for r in routes}
    longest: dict[tuple[str, str, int], int] = {}
    for t in targets.values():
        key = (t.namespace, t.backend_service, t.backend_port)
        longest[key] = max(longest.get(key, 0), t.request_timeout_seconds)
    return {
        n: replace(t, request_timeout_seconds=longest[(t.namespace, t.backend_service, t.backend_port)])
        for n, t in targets.items()
    }


def entry_points(targets: Iterable[RouteTarget]) -> list[EntryPoint]:
    """One shared load balancer per exposure used, named after it, with every host it serves."""
    hosts: dict[Exposure, list[str]] = {}
    engine_requests: dict[Exposure, int] = {}
    for t in targets:
        hosts.setdefault(t.exposure, []).append(t.host)
        if t.engine_answer_seconds is not None:
            engine_requests[t.exposure] = max(engine_requests.get(t.exposure, 0), t.request_timeout_seconds)
    return [
        EntryPoint(
            exposure=e,
            name=f"lepton-{e}",
            namespace=INGRESS_NAMESPACE,
            hosts=tuple(sorted(h)),
            longest_engine_request_seconds=engine_requests.get(e, 0),
        )
        for e, h in sorted(hosts.items())
    ]


def tls_secret(service: str) -> str:
    return f"{service}-tls"


def https_listener(service: str) -> str:
    return f"https-{service}"


def route_labels(service: str) -> dict[str, str]:
    return common_labels(service, "route")


def exposure_annotations(exposure: str) -> dict[str, str]:
    return {EXPOSURE_ANNOTATION: exposure} if exposure == "public" else {}


def ingress_manifest(
    target: RouteTarget, class_name: str, secret: str | None, annotations: Mapping[str, Any]
) -> dict[str, Any]:
    """One host to one backend over TLS. `secret`: the cert-manager Secret the controller serves; None
    when the load balancer brings its own certificate (ACM on an ALB: the host alone selects it)."""
    tls: dict[str, Any] = {"hosts": [target.host]}
    if secret is not None:
        tls["secretName"] = secret
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": target.service,
            "namespace": target.namespace,
            "labels": route_labels(target.service),
            "annotations": {**annotations, **exposure_annotations(target.exposure)},
        },
        "spec": {
            "ingressClassName": class_name,
            "tls": [tls],
            "rules": [
                {
                    "host": target.host,
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {
                                    "service": {
                                        "name": target.backend_service,
                                        "port": {"number": target.backend_port},
                                    }
                                },
                            }
                        ]
                    },
                }
            ],
        },
    }


def _tenant_routes() -> dict[str, Any]:
    """Routes may attach only from tenant namespaces (the platform labels each with its tenant)."""
    return {
        "namespaces": {
            "from": "Selector",
            "selector": {"matchExpressions": [{"key": TENANT_LABEL, "operator": "Exists"}]},
        }
    }


def gateway_manifest(
    entry: EntryPoint,
    class_name: str,
    services: Mapping[str, str],
    annotations: Mapping[str, Any],
    addresses: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """`services`: host -> service. HTTP:80 accepts only the Gateway's own redirect route; each host has its
    HTTPS:443 listener terminating TLS with that host's Secret (in this namespace: no grant needed)."""
    listeners: list[dict[str, Any]] = [
        {
            "name": HTTP_LISTENER,
            "protocol": "HTTP",
            "port": 80,
            "allowedRoutes": {
                "namespaces": {"from": "Same"},
                "kinds": [{"group": GATEWAY_API, "kind": "HTTPRoute"}],
            },
        }
    ]
    for host in entry.hosts:
        service = services[host]
        listeners.append(
            {
                "name": https_listener(service),
                "protocol": "HTTPS",
                "port": 443,
                "hostname": host,
                "tls": {
                    "mode": "Terminate",
                    "certificateRefs": [{"group": "", "kind": "Secret", "name": tls_secret(service)}],
                },
                "allowedRoutes": {**_tenant_routes(), "kinds": [{"group": GATEWAY_API, "kind": "HTTPRoute"}]},
            }
        )
    return {
        "apiVersion": GATEWAY_VERSION,
        "kind": "Gateway",
        "metadata": {
            "name": entry.name,
            "namespace": entry.namespace,
            "labels": common_labels(entry.name, "gateway"),
            "annotations": {**annotations, **exposure_annotations(entry.exposure)},
        },
        "spec": {
            "gatewayClassName": class_name,
            "listeners": listeners,
            **({"addresses": [dict(a) for a in addresses]} if addresses else {}),
        },
    }


def http_route_manifest(
    target: RouteTarget, tenant: str, entry: EntryPoint, route_timeouts: bool
) -> dict[str, Any]:
    """The service's host, bound to its HTTPS listener only (never to HTTP:80), to its backend. The route
    stays in the tenant's namespace; a backend in `keda` is allowed by that namespace's ReferenceGrant."""
    backend: dict[str, Any] = {
        "group": "",
        "kind": "Service",
        "name": target.backend_service,
        "port": target.backend_port,
    }
    if target.namespace != tenant:
        backend["namespace"] = target.namespace
    rule: dict[str, Any] = {
        "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
        "backendRefs": [backend],
    }
    if route_timeouts:
        rule["timeouts"] = {"request": f"{target.request_timeout_seconds}s"}
    return {
        "apiVersion": GATEWAY_VERSION,
        "kind": "HTTPRoute",
        "metadata": {
            "name": target.service,
            "namespace": tenant,
            "labels": route_labels(target.service),
            "annotations": exposure_annotations(target.exposure),
        },
        "spec": {
            "parentRefs": [
                {
                    "group": GATEWAY_API,
                    "kind": "Gateway",
                    "name": entry.name,
                    "namespace": entry.namespace,
                    "sectionName": https_listener(target.service),
                }
            ],
            "hostnames": [target.host],
            "rules": [rule],
        },
    }


def redirect_route_manifest(entry: EntryPoint) -> dict[str, Any]:
    """Everything arriving on HTTP:80 is answered with a redirect to HTTPS: no backend is reachable there."""
    return {
        "apiVersion": GATEWAY_VERSION,
        "kind": "HTTPRoute",
        "metadata": {
            "name": f"{entry.name}-https-redirect",
            "namespace": entry.namespace,
            "labels": common_labels(entry.name, "gateway"),
        },
        "spec": {
            "parentRefs": [
                {"group": GATEWAY_API, "kind": "Gateway", "name": entry.name, "sectionName": HTTP_LISTENER}
            ],
            "rules": [
                {
                    "filters": [
                        {"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}
                    ]
                }
            ],
        },
    }


def reference_grant_manifest(tenant: str) -> dict[str, Any]:
    """Lets the tenant's HTTPRoutes (and nothing else) reach the interceptor's proxy Service in `keda`."""
    return {
        "apiVersion": REFERENCE_GRANT_VERSION,
        "kind": "ReferenceGrant",
        "metadata": {
            "name": f"routes-from-{tenant}",
            "namespace": KEDA_NAMESPACE,
            "labels": {**common_labels("interceptor", "route"), TENANT_LABEL: tenant},
        },
        "spec": {
            "from": [{"group": GATEWAY_API, "kind": "HTTPRoute", "namespace": tenant}],
            "to": [{"group": "", "kind": "Service", "name": INTERCEPTOR_PROXY_SERVICE}],
        },
    }


def load_balancer_ingress_spec(
    pod_selector: Mapping[str, str], port: int, peers: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """Admit the load balancer's data plane (and its health checks) to one service's pods, on the
    container port only; the tenant's default deny drops everything else from outside the namespace."""
    return {
        "podSelector": {"matchLabels": dict(pod_selector)},
        "policyTypes": ["Ingress"],
        "ingress": [{"from": [dict(p) for p in peers], "ports": [{"protocol": "TCP", "port": port}]}],
    }


def external_url(host: str, path: str) -> str:
    return f"https://{host}{path}"
