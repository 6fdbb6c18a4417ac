"""Idle load balancers of exposed services, inferred from the recorded routing objects.

The clouds' controllers create the load balancers themselves (no cloud resource in the plan), so each is
counted from what makes it: an ALB per IngressGroup (`alb.ingress.kubernetes.io/group.name`; an Ingress of
class `alb` without one is its own ALB), a regional application load balancer per GKE Gateway of a
regional class (its forwarding rules, one per listener port, and its Envoy proxies), an Azure Standard load
balancer per AKS NginxIngressController (and a public IP for a public one).
"""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.cost.prices import fees
from lepton_infra.cost.registry import CostItem, cost_item, rule
from lepton_infra.plan.record import PlannedGraph, RecordedResource

INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
NGINX_CONTROLLER = "kubernetes:approuting.kubernetes.azure.com/v1alpha1:NginxIngressController"
ALB_GROUP = "alb.ingress.kubernetes.io/group.name"
REGIONAL_GATEWAY_CLASSES = ("gke-l7-rilb", "gke-l7-regional-external-managed")
FIRST_FORWARDING_RULES = 5
AZURE_INTERNAL = "service.beta.kubernetes.io/azure-load-balancer-internal"


def _alb_key(r: RecordedResource) -> str | None:
    """The ALB an Ingress of class `alb` lands on: its group, or itself; None for any other class."""
    spec = r.get("spec") or {}
    annotations = (r.get("metadata") or {}).get("annotations") or {}
    if spec.get("ingressClassName") != "alb" and annotations.get("kubernetes.io/ingress.class") != "alb":
        return None
    return f"group:{annotations[ALB_GROUP]}" if annotations.get(ALB_GROUP) else f"ingress:{r.urn}"


@rule(INGRESS)
def _alb(r: RecordedResource, graph: PlannedGraph, book) -> Iterator[CostItem]:
    key = _alb_key(r)
    if key is None or next(i for i in graph.of_type(INGRESS) if _alb_key(i) == key) is not r:
        return  # priced once, on the first Ingress of its group
    lcu = float(fees()["assumed-alb-lcu-at-idle"]["lcu"])
    yield cost_item(r, "load_balancer", book.fee("aws-alb"), 1, 1, note=f"ALB {key}")
    yield cost_item(
        r,
        "load_balancer",
        book.fee("aws-alb-lcu"),
        lcu,
        lcu,
        note=f"{lcu:g} LCU assumed at idle; plus LCUs by traffic (usage)",
    )


def _regional_gateways(graph: PlannedGraph) -> list[RecordedResource]:
    return [
        g
        for g in graph.of_type(GATEWAY)
        if (g.get("spec") or {}).get("gatewayClassName") in REGIONAL_GATEWAY_CLASSES
    ]


def _listener_ports(gateway: RecordedResource) -> int:
    return len({listener.get("port") for listener in (gateway.get("spec") or {}).get("listeners") or []}) or 1


@rule(GATEWAY)
def _gke_gateway(r: RecordedResource, graph: PlannedGraph, book) -> Iterator[CostItem]:
    gateways = _regional_gateways(graph)
    if r not in gateways:
        return
    if r is gateways[0]:
        # Forwarding rules are priced per project and region: the first five together, then each one more.
        rules = sum(_listener_ports(g) for g in gateways)
        yield cost_item(
            r,
            "load_balancer",
            book.fee("gcp-forwarding-rules-first-5"),
            1,
            1,
            note=f"{rules} forwarding rules (one per listener port) in all",
        )
        extra = max(0, rules - FIRST_FORWARDING_RULES)
        if extra:
            yield cost_item(r, "load_balancer", book.fee("gcp-forwarding-rule-additional"), extra, extra)
    yield cost_item(
        r,
        "load_balancer",
        book.fee("gcp-l7-proxy-instance"),
        1,
        1,
        note="1 proxy assumed at idle; plus $0.008/GiB processed (usage)",
    )


@rule(NGINX_CONTROLLER)
def _aks_nginx(r: RecordedResource, graph: PlannedGraph, book) -> Iterator[CostItem]:
    annotations = (r.get("spec") or {}).get("loadBalancerAnnotations") or {}
    yield cost_item(
        r, "load_balancer", book.fee("azure-standard-lb"), 1, 1, note="plus data processed (usage)"
    )
    if annotations.get(AZURE_INTERNAL) != "true":
        yield cost_item(r, "load_balancer", book.fee("azure-public-ip-standard"), 1, 1)
