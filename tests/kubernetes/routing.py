"""Reading the way in back out of a recorded plan, whichever route API it uses: route -> backend Service,
the interceptor's proxy Service as the HTTP add-on release renders it, the Certificate behind a Secret."""

from __future__ import annotations

import re
from typing import Any

from lepton_infra.plan.record import PlannedGraph
from tests.kubernetes.manifests import HELM_RELEASE, chart_name, manifest

INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
SERVICE = "kubernetes:core/v1:Service"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
REFERENCE_GRANT = "kubernetes:gateway.networking.k8s.io/v1beta1:ReferenceGrant"
CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate"
CLUSTER_ISSUER = "kubernetes:cert-manager.io/v1:ClusterIssuer"
HTTP_SCALED_OBJECT = "kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject"


def docs(graph: PlannedGraph, kind_type: str) -> list[dict[str, Any]]:
    return [manifest(r) for r in graph.of_type(kind_type)]


def where(doc: dict[str, Any]) -> tuple[str, str]:
    return doc["metadata"].get("namespace", ""), doc["metadata"]["name"]


def certificates(graph: PlannedGraph) -> dict[tuple[str, str], dict[str, Any]]:
    """(namespace, secret) -> the Certificate writing it."""
    return {(d["metadata"]["namespace"], d["spec"]["secretName"]): d for d in docs(graph, CERTIFICATE)}


def duration_seconds(text: str) -> int:
    return sum(int(n) * {"h": 3600, "m": 60, "s": 1}[u] for n, u in re.findall(r"(\d+)([hms])", text))


def interceptor(graph: PlannedGraph) -> tuple[str, str, int, dict[str, Any]]:
    """(namespace, Service name, port, values) of the interceptor proxy, as the HTTP add-on release renders
    it (keda-add-ons-http templates/interceptor/service-proxy.yaml: `<chart>-<interceptor.proxy.service>`)."""
    (release,) = [r for r in graph.of_type(HELM_RELEASE) if chart_name(r) == "keda-add-ons-http"]
    values = release.get("values")
    proxy = values["interceptor"]["proxy"]
    return release.get("namespace"), f"{chart_name(release)}-{proxy['service']}", int(proxy["port"]), values


def backends(graph: PlannedGraph) -> dict[str, tuple[str, str, int, str]]:
    """service -> (backend namespace, backend Service, port, host), from its HTTPRoute or its Ingress."""
    out = {}
    for r in docs(graph, HTTP_ROUTE):
        for rule in r["spec"]["rules"]:
            for b in rule.get("backendRefs", []):
                out[r["metadata"]["name"]] = (
                    b.get("namespace", r["metadata"]["namespace"]),
                    b["name"],
                    b["port"],
                    r["spec"]["hostnames"][0],
                )
    for ing in docs(graph, INGRESS):
        (rule,) = ing["spec"]["rules"]
        backend = rule["http"]["paths"][0]["backend"]["service"]
        out[ing["metadata"]["name"]] = (
            ing["metadata"]["namespace"],
            backend["name"],
            backend["port"]["number"],
            rule["host"],
        )
    return out
