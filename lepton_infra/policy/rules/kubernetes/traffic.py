"""In-cluster traffic rules: what a public load balancer may serve, and who may open one.

"Public" is read from the objects themselves, the way the clouds' controllers read them: the Ingress or
Gateway class (GKE's external Gateway classes, AKS app routing's default class), annotations (the AWS Load
Balancer Controller's `scheme: internet-facing`), and for a `type: LoadBalancer` Service the absence of
every cloud's internal-LB annotation. The built-in lists cover the three clouds' documented names; a pack
config extends them (`publicClasses`, `publicAnnotations`, `internalAnnotations`) for other controllers.

The explicit flag is the annotation `lepton.ai/exposure: public`, which the platform's layer sets only
from a service's `expose: public` (accepted in prod only with `network.public_services`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import as_list, as_mapping
from lepton_infra.policy.registry import stack_rule
from lepton_infra.policy.rules.kubernetes.objects import (
    NAMESPACES_SCHEMA,
    NON_TENANT_NAMESPACES,
    namespace_of,
)
from lepton_infra.policy.rules.kubernetes.tokens import (
    GATEWAY,
    GATEWAY_BETA,
    HTTP_ROUTE,
    HTTP_ROUTE_BETA,
    INGRESS,
    K8S,
    SERVICE,
)

FLAG = "lepton.ai/exposure"


# Classes whose load balancers face the internet (GKE "GatewayClass capabilities"; AKS app routing's
# default IngressClass gets a public Azure LB; GKE Ingress class `gce` is external).
PUBLIC_CLASSES = frozenset(
    {
        "gke-l7-global-external-managed",
        "gke-l7-regional-external-managed",
        "gke-l7-gxlb",
        "gke-l7-global-external-managed-mc",
        "gke-l7-regional-external-managed-mc",
        "gke-l7-gxlb-mc",
        "webapprouting.kubernetes.azure.com",
        "gce",
    }
)


PUBLIC_ANNOTATIONS = {"alb.ingress.kubernetes.io/scheme": "internet-facing", FLAG: "public"}


# A `type: LoadBalancer` Service is internet-facing on every cloud unless one of these says internal.
INTERNAL_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "networking.gke.io/load-balancer-type": "Internal",
    "cloud.google.com/load-balancer-type": "Internal",
    "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
}


# Annotations that turn an Ingress controller's HTTP-to-HTTPS redirect off (nginx redirects by default
# once TLS is set; GKE Ingress serves HTTP unless allow-http is false).
PLAIN_HTTP_ANNOTATIONS = {
    "nginx.ingress.kubernetes.io/ssl-redirect": "false",
    "kubernetes.io/ingress.allow-http": "true",
}


ALB_LISTEN_PORTS = "alb.ingress.kubernetes.io/listen-ports"


ALB_SSL_REDIRECT = "alb.ingress.kubernetes.io/ssl-redirect"


ANNOTATIONS_SCHEMA = {"type": "object", "additionalProperties": {"type": "string"}}


CONFIG = {
    "publicClasses": NAMESPACES_SCHEMA,
    "publicAnnotations": ANNOTATIONS_SCHEMA,
    "internalAnnotations": ANNOTATIONS_SCHEMA,
}


def _annotations(r: ResourceView) -> Mapping[str, Any]:
    return as_mapping(r.get("metadata.annotations"))


def _matches(annotations: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    return any(str(annotations.get(k, "")).lower() == str(v).lower() for k, v in wanted.items())


def is_public(r: ResourceView, config: Mapping[str, Any]) -> bool:
    annotations = _annotations(r)
    classes = PUBLIC_CLASSES | set(as_list(config.get("publicClasses")))
    if r.type == SERVICE:
        if r.get("spec.type") != "LoadBalancer":
            return False
        return not _matches(
            annotations, {**INTERNAL_ANNOTATIONS, **as_mapping(config.get("internalAnnotations"))}
        )
    if _matches(annotations, {**PUBLIC_ANNOTATIONS, **as_mapping(config.get("publicAnnotations"))}):
        return True
    if r.type in (GATEWAY, GATEWAY_BETA):
        return r.get("spec.gatewayClassName") in classes
    return (r.get("spec.ingressClassName") or annotations.get("kubernetes.io/ingress.class")) in classes


def _attached(route: ResourceView, gateway: ResourceView) -> list[Any]:
    """The sectionNames `route` binds to on `gateway` (None: every listener)."""
    name, ns = gateway.get("metadata.name"), namespace_of(gateway)
    out = []
    for ref in as_list(route.get("spec.parentRefs")):
        ref = as_mapping(ref)
        if (
            ref.get("kind", "Gateway") == "Gateway"
            and ref.get("name") == name
            and (ref.get("namespace") or namespace_of(route)) == ns
        ):
            out.append(ref.get("sectionName"))
    return out


def _only_redirects(route: ResourceView) -> bool:
    rules = [as_mapping(x) for x in as_list(route.get("spec.rules"))] or [{}]
    for rule in rules:
        redirects = [
            as_mapping(f)
            for f in as_list(rule.get("filters"))
            if as_mapping(f).get("type") == "RequestRedirect"
        ]
        if as_list(rule.get("backendRefs")) or not any(
            as_mapping(f.get("requestRedirect")).get("scheme") == "https" for f in redirects
        ):
            return False
    return True


def _ingress_http_problems(r: ResourceView) -> Iterator[str]:
    hosts = {str(h) for rule in as_list(r.get("spec.rules")) if (h := as_mapping(rule).get("host"))}
    covered = {str(h) for t in as_list(r.get("spec.tls")) for h in as_list(as_mapping(t).get("hosts"))}
    if not as_list(r.get("spec.tls")):
        yield "has no TLS: it serves plain HTTP"
    elif hosts - covered:
        yield f"serves {sorted(hosts - covered)} without TLS"
    annotations = _annotations(r)
    if _matches(annotations, PLAIN_HTTP_ANNOTATIONS):
        yield "turns the HTTP-to-HTTPS redirect off"
    ports = annotations.get(ALB_LISTEN_PORTS)
    if isinstance(ports, str) and ALB_SSL_REDIRECT not in annotations:
        try:
            listens = [k for p in json.loads(ports) for k in as_mapping(p)]
        except ValueError:
            listens = []
        if "HTTP" in listens:
            yield f"listens on HTTP ({ALB_LISTEN_PORTS}) without {ALB_SSL_REDIRECT}"


@stack_rule(
    id="lepton-k8s-public-lb-https-only",
    title="Public load balancers serve HTTPS only; HTTP only redirects",
    severity=Severity.HIGH,
    clouds=K8S,
    description="An internet-facing Ingress has TLS for every host it serves and no annotation that turns "
    "the HTTP-to-HTTPS redirect off (an ALB HTTP listener needs `ssl-redirect`); on an internet-facing "
    "Gateway, every HTTPRoute bound to an HTTP listener only redirects to https (no backend).",
    remediation="Add `spec.tls` for each host and the controller's redirect; bind service routes to the "
    "HTTPS listener (`sectionName`) and give the HTTP listener one route with a RequestRedirect filter.",
    config_schema=CONFIG,
)
def public_lb_https_only(stack: StackView) -> Iterator[Finding]:
    ingresses = [r for r in stack.of_type(INGRESS) if is_public(r, stack.config)]
    gateways = [g for g in stack.of_type(GATEWAY, GATEWAY_BETA) if is_public(g, stack.config)]
    if not ingresses and not gateways:
        raise NotApplicable("no internet-facing Ingress or Gateway")
    for r in ingresses:
        for problem in _ingress_http_problems(r):
            yield Finding(f"public Ingress {r.name} {problem}", r.urn)
    routes = stack.of_type(HTTP_ROUTE, HTTP_ROUTE_BETA)
    for g in gateways:
        http = {
            as_mapping(ls).get("name")
            for ls in as_list(g.get("spec.listeners"))
            if as_mapping(ls).get("protocol") == "HTTP"
        }
        for route in routes:
            sections = _attached(route, g)
            if any(s is None or s in http for s in sections) and http and not _only_redirects(route):
                yield Finding(
                    f"HTTPRoute {route.name} serves plain HTTP on public Gateway {g.name} (its HTTP "
                    "listener must only redirect to https)",
                    route.urn,
                )


def _tenant(r: ResourceView, config: Mapping[str, Any]) -> bool:
    ns = namespace_of(r)
    return ns not in NON_TENANT_NAMESPACES and ns not in set(as_list(config.get("systemNamespaces")))


@stack_rule(
    id="lepton-k8s-public-exposure-flagged",
    title="No public load balancer in a tenant namespace without the flag",
    severity=Severity.HIGH,
    clouds=K8S,
    description="An internet-facing Ingress, Gateway or `type: LoadBalancer` Service in a tenant namespace, "
    f"or an HTTPRoute there bound to an internet-facing Gateway, carries the annotation `{FLAG}: public`, "
    "set by the platform only for services the spec exposes publicly (in prod only with "
    "`network.public_services`).",
    remediation="Expose the service through the spec (`services[].expose: public`), or use the internal "
    "class / the cloud's internal load balancer annotation.",
    config_schema={**CONFIG, "systemNamespaces": NAMESPACES_SCHEMA},
)
def public_exposure_flagged(stack: StackView) -> Iterator[Finding]:
    config = stack.config
    public_gateways = [g for g in stack.of_type(GATEWAY, GATEWAY_BETA) if is_public(g, config)]
    candidates = [
        r
        for r in stack.of_type(INGRESS, SERVICE, GATEWAY, GATEWAY_BETA)
        if _tenant(r, config) and is_public(r, config)
    ]
    candidates += [
        r
        for r in stack.of_type(HTTP_ROUTE, HTTP_ROUTE_BETA)
        if _tenant(r, config) and any(bool(_attached(r, g)) for g in public_gateways)
    ]
    if not candidates:
        raise NotApplicable("nothing in a tenant namespace is exposed to the internet")
    for r in candidates:
        if _annotations(r).get(FLAG) != "public":
            kind = r.type.rsplit(":", 1)[-1]
            yield Finding(
                f"{kind} {r.name} in tenant namespace {namespace_of(r)} is internet-facing without "
                f"`{FLAG}: public`",
                r.urn,
            )
