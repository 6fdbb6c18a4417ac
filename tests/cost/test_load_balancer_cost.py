"""Idle load balancers of exposed services, counted from the routing objects of a plan and priced by hand:
one ALB per IngressGroup, a GKE regional Gateway's forwarding rules and proxy, an AKS NginxIngressController's
Standard load balancer (and public IP)."""

from __future__ import annotations

from typing import Any

from lepton_infra.catalog import HOURS_PER_MONTH
from lepton_infra.cost import estimate_cost
from lepton_infra.plan.record import PlannedGraph, RecordedResource

INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
NIC = "kubernetes:approuting.kubernetes.azure.com/v1alpha1:NginxIngressController"


def _r(type_: str, name: str, inputs: dict[str, Any]) -> RecordedResource:
    return RecordedResource(
        urn=f"urn:pulumi:s::p::{type_}::{name}",
        type=type_,
        name=name,
        parent=None,
        custom=True,
        protect=False,
        inputs=inputs,
        dependencies=[],
    )


def _graph(*resources: RecordedResource) -> PlannedGraph:
    return PlannedGraph(project="p", stack="s", resources=list(resources), outputs={})


def _ingress(name: str, group: str | None, cls: str = "alb") -> RecordedResource:
    annotations = {"alb.ingress.kubernetes.io/group.name": group} if group else {}
    return _r(
        INGRESS,
        name,
        {"metadata": {"name": name, "annotations": annotations}, "spec": {"ingressClassName": cls}},
    )


def _lb_monthly(graph: PlannedGraph) -> float:
    return round(
        sum(i.monthly_usd_idle for i in estimate_cost(graph).items if i.category == "load_balancer"), 2
    )


def test_one_alb_per_ingress_group() -> None:
    # Two routes in the internal group, one in the public group, one ungrouped: three ALBs.
    graph = _graph(
        _ingress("a", "lepton-internal"),
        _ingress("b", "lepton-internal"),
        _ingress("c", "lepton-public"),
        _ingress("d", None),
        _ingress("e", "x", cls="nginx"),
    )
    # Each ALB: $0.0225/h plus 1 LCU assumed at $0.008/h = $0.0305/h.
    assert _lb_monthly(graph) == round(
        3 * (round(0.0225 * HOURS_PER_MONTH, 2) + round(0.008 * HOURS_PER_MONTH, 2)), 2
    )


def test_gke_gateways_share_the_first_five_forwarding_rules() -> None:
    def gateway(name: str, ports: list[int], cls: str = "gke-l7-rilb") -> RecordedResource:
        return _r(
            GATEWAY,
            name,
            {"spec": {"gatewayClassName": cls, "listeners": [{"name": f"l{p}", "port": p} for p in ports]}},
        )

    one = _graph(gateway("internal", [80, 443, 443]))
    # 2 forwarding rules (80, 443) within the first five: $0.025/h, plus 1 proxy at $0.025/h.
    assert _lb_monthly(one) == round(2 * round(0.025 * HOURS_PER_MONTH, 2), 2)
    three = _graph(
        gateway("a", [80, 443]),
        gateway("b", [80, 443], "gke-l7-regional-external-managed"),
        gateway("c", [80, 443, 8443]),
        gateway("global", [443], "gke-l7-global-external-managed"),
    )
    # 7 rules: first five $0.025/h, 2 more at $0.01/h; 3 proxies at $0.025/h (the global class is not priced).
    expected = (
        round(0.025 * HOURS_PER_MONTH, 2)
        + round(2 * 0.01 * HOURS_PER_MONTH, 2)
        + 3 * round(0.025 * HOURS_PER_MONTH, 2)
    )
    assert _lb_monthly(three) == round(expected, 2)


def test_aks_controllers_each_bring_a_standard_load_balancer() -> None:
    internal = _r(
        NIC,
        "lepton-internal",
        {
            "spec": {
                "loadBalancerAnnotations": {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}
            }
        },
    )
    public = _r(NIC, "lepton-public", {"spec": {"loadBalancerAnnotations": {}}})
    assert _lb_monthly(_graph(internal)) == round(0.025 * HOURS_PER_MONTH, 2)
    assert _lb_monthly(_graph(internal, public)) == round(
        2 * round(0.025 * HOURS_PER_MONTH, 2) + round(0.005 * HOURS_PER_MONTH, 2), 2
    )


def test_azure_prod_prices_its_internal_controller(plan_stack, platform_dir) -> None:
    graph = plan_stack(platform_dir, "azure-prod")
    items = [i for i in estimate_cost(graph).items if i.category == "load_balancer"]
    assert [(i.type, i.usd_per_hour) for i in items] == [(NIC, 0.025)]
