"""AKS traffic (issue 14): the application routing add-on without its default public controller, one
NginxIngressController per exposure used (validated against the operator's CRD), the Ingress facts, and
cert-manager's DNS-01 identity with DNS Zone Contributor on the zone only."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from lepton_infra.core.traffic import EntryPoint, RouteTarget
from lepton_infra.plan.engine import plan_program
from tests.kubernetes.harness import shipped_spec as raw_spec

CRD = json.loads((Path(__file__).parent / "crds" / "aks-app-routing-v0.2.25.json").read_text())["kinds"][
    "NginxIngressController"
]
NIC = "kubernetes:approuting.kubernetes.azure.com/v1alpha1:NginxIngressController"
AKS = "azure-native:containerservice:ManagedCluster"
ROLE = "azure-native:authorization:RoleAssignment"
ZONE = (
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/dns"
    "/providers/Microsoft.Network/dnszones/acme.dev"
)
DNS_ZONE_CONTRIBUTOR = "befefa01-2a29-4197-83a8-272ff33ce314"  # Azure built-in roles reference


@pytest.fixture(scope="module")
def prod(plan_stack, platform_dir):
    return plan_stack(platform_dir, "azure-prod")


def _controller_doc(r) -> dict[str, Any]:
    return {
        "apiVersion": r.get("apiVersion"),
        "kind": r.get("kind"),
        "metadata": r.get("metadata"),
        "spec": r.get("spec"),
    }


def test_the_add_on_is_on_without_its_default_public_controller(prod) -> None:
    routing = prod.one(AKS, "acme-ai-cluster-aks").get("ingressProfile")["webAppRouting"]
    assert routing["enabled"] is True
    # The add-on's own controller would put a public load balancer in front of nothing.
    assert routing["nginx"] == {"defaultIngressControllerType": "None"}
    assert "dnsZoneResourceIds" not in routing  # private-ca: no public zone


def test_one_internal_controller_valid_for_the_crd(prod) -> None:
    [controller] = prod.of_type(NIC)
    doc = _controller_doc(controller)
    jsonschema.validate(json.loads(json.dumps(doc)), CRD["schema"])
    assert CRD["scope"] == "Cluster" and "namespace" not in (doc["metadata"] or {})
    spec = doc["spec"]
    annotations = spec["loadBalancerAnnotations"]
    assert annotations["service.beta.kubernetes.io/azure-load-balancer-internal"] == "true"
    # The interceptor may hold a request 20 minutes while a replica cold-starts: the LB must not cut it.
    assert 20 < int(annotations["service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout"]) <= 100
    assert spec["scaling"]["minReplicas"] == 2
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            {**doc, "spec": {"ingressClassName": "Lepton_Internal", "controllerNamePrefix": "x"}},
            CRD["schema"],
        )


def test_no_domain_no_add_on(plan_stack, platform_dir) -> None:
    dev = plan_stack(platform_dir, "azure-dev")
    assert dev.one(AKS, "acme-ai-cluster-aks").get("ingressProfile") is None
    assert dev.of_type(NIC) == []


def _plan(raw: dict[str, Any]):
    holder: dict[str, Any] = {}

    def program() -> None:
        from lepton_infra.platform import build
        from lepton_infra.spec import PlatformSpec

        ingress = build(PlatformSpec.from_dict(raw)).cloud.cluster_handle.ingress
        holder["facts"] = ingress

    return plan_program(
        program, {"pulumi:disable-default-providers": ["*"]}, project="lepton-azure-traffic"
    ), holder


def _acme_public() -> dict[str, Any]:
    raw = copy.deepcopy(raw_spec("azure-prod"))
    raw["network"] = {
        **raw["network"],
        "tls_issuer": "acme",
        "acme_email": "certs@acme.dev",
        "public_services": True,
        "domain": "ai.acme.dev",
    }
    raw["azure"] = {**raw["azure"], "dns_zone_id": ZONE}
    raw["services"] = [{**raw["services"][0], "expose": "public"}, *raw["services"][1:]]
    return raw


def test_acme_zone_grants_and_the_solver() -> None:
    graph, holder = _plan(_acme_public())
    routing = graph.one(AKS, "acme-ai-cluster-aks").get("ingressProfile")["webAppRouting"]
    # No zone for the add-on: its external-dns would write every Ingress there (azure/host_dns.py).
    assert "dnsZoneResourceIds" not in routing
    zone_grants = [r for r in graph.of_type(ROLE) if r.get("scope") == ZONE]
    assert len(zone_grants) == 1  # cert-manager's (challenges); the records are the deployer's to write
    assert all(r.get("roleDefinitionId").endswith(DNS_ZONE_CONTRIBUTOR) for r in zone_grants)
    assert all(r.get("principalId") for r in zone_grants)
    [federation] = [
        r
        for r in graph.of_type("azure-native:managedidentity:FederatedIdentityCredential")
        if "dns01" in r.name
    ]
    assert federation.get("subject") == "system:serviceaccount:cert-manager:cert-manager"
    solver = holder["facts"].dns_zone.dns01_solver["azureDNS"]
    assert (solver["hostedZoneName"], solver["resourceGroupName"], solver["subscriptionID"]) == (
        "acme.dev",
        "dns",
        "11111111-2222-3333-4444-555555555555",
    )
    # The in-cluster layer bound cert-manager (build() wires it): its pods carry the webhook's label.
    [release] = [
        r for r in graph.of_type("kubernetes:helm.sh/v3:Release") if r.get("chart") == "cert-manager"
    ]
    assert release.get("values")["podLabels"] == {"azure.workload.identity/use": "true"}
    # Both exposures in use: an internal and a public controller, each its own class.
    classes = sorted(r.get("spec")["ingressClassName"] for r in graph.of_type(NIC))
    assert classes == sorted(holder["facts"].classes.values())
    public = next(
        r
        for r in graph.of_type(NIC)
        if r.get("spec")["ingressClassName"] == holder["facts"].classes["public"]
    )
    assert (
        "service.beta.kubernetes.io/azure-load-balancer-internal"
        not in public.get("spec")["loadBalancerAnnotations"]
    )


def test_facts_peers_and_decorations(prod) -> None:
    _, holder = _plan(raw_spec("azure-prod"))
    facts = holder["facts"]
    assert (facts.api, facts.certificates, facts.dns_zone) == ("ingress", "cert-manager", None)
    # The operator runs its NGINX in app-routing-system (aks-app-routing-operator pkg/config DefaultNs).
    [peer] = facts.data_plane_peers
    assert peer["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "app-routing-system"}
    assert len(facts.controller_dependencies) == 1
    target = RouteTarget(
        service="sentiment",
        host="sentiment.ai.acme.dev",
        exposure="internal",
        namespace="keda",
        backend_service="keda-add-ons-http-interceptor-proxy",
        backend_port=8080,
        health_path="/livez",
        health_port=9090,
        request_timeout_seconds=1260,
        drain_seconds=30,
    )
    route = facts.decorate_route(target).annotations
    assert route["nginx.ingress.kubernetes.io/proxy-read-timeout"] == "1260"
    assert route["nginx.ingress.kubernetes.io/proxy-buffering"] == "off"
    entry = facts.decorate_entry_point(
        EntryPoint("internal", "lepton-internal", "lepton-ingress", ("a.b.c",))
    )
    assert entry.annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] == "true"
