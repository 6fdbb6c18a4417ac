"""GKE traffic (issue 14): the Gateway API on the cluster, the proxy-only subnet (never overlapping the
planned ranges), the firewall for the proxies and health checks, the SSL policy, the DNS-01 identity, and
the policies the facts decorate Gateways and backend Services with (validated against the GKE CRDs)."""

from __future__ import annotations

import copy
import json
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lepton_infra.core.traffic import EntryPoint, RouteTarget
from lepton_infra.gcp.planning import plan_network_layout, plan_proxy_only_range
from lepton_infra.gcp.traffic import DNS01_PERMISSIONS, data_plane_peers, route_decoration
from lepton_infra.kubernetes.charts.pinned import INTERCEPTOR_PROXY_SERVICE
from lepton_infra.plan.engine import plan_program
from tests.kubernetes.harness import shipped_spec
from tests.kubernetes.harness import shipped_spec as raw_spec

CRDS = json.loads((Path(__file__).parent / "crds" / "gke-gateway-api-v1.4.0.json").read_text())["kinds"]


@pytest.fixture(scope="module")
def prod(plan_stack, platform_dir):
    return plan_stack(platform_dir, "gcp-prod")


def _validate(doc: dict[str, Any]) -> None:
    body = json.loads(json.dumps(doc, default=str))
    jsonschema.validate(body, CRDS[doc["kind"]]["schema"])


@given(st.integers(min_value=8, max_value=20), st.integers(min_value=0, max_value=2**12 - 1))
def test_the_proxy_only_subnet_overlaps_nothing_planned(prefix: int, n: int) -> None:
    base = IPv4Network("10.0.0.0/8")
    cidr = list(base.subnets(new_prefix=prefix))[n % 2 ** (prefix - 8)]
    layout = plan_network_layout(cidr)
    proxy = plan_proxy_only_range(cidr)
    assert proxy.subnet_of(cidr) and 23 <= proxy.prefixlen <= 26
    for planned in (layout.nodes, layout.pods, layout.services, layout.control_plane):
        assert not proxy.overlaps(planned)


def test_gateway_api_proxy_subnet_and_firewall_in_the_plan(prod) -> None:
    cluster = prod.one("gcp:container/cluster:Cluster", "acme-ai-cluster-gke")
    assert cluster.get("gatewayApiConfig") == {"channel": "CHANNEL_STANDARD"}
    subnets = prod.of_type("gcp:compute/subnetwork:Subnetwork")
    proxy = [s for s in subnets if s.get("purpose") == "REGIONAL_MANAGED_PROXY"]
    assert len(proxy) == 1 and proxy[0].get("role") == "ACTIVE" and proxy[0].get("logConfig") is None
    proxy_range = IPv4Network(proxy[0].get("ipCidrRange"))
    for other in subnets:
        if other is proxy[0]:
            continue
        ranges = [other.get("ipCidrRange"), *(r["ipCidrRange"] for r in other.get("secondaryIpRanges") or [])]
        assert not any(proxy_range.overlaps(IPv4Network(r)) for r in ranges)
    rule = prod.one("gcp:compute/firewall:Firewall", "acme-ai-network-allow-load-balancers")
    assert sorted(rule.get("sourceRanges")) == sorted([str(proxy_range), "35.191.0.0/16", "130.211.0.0/22"])


def _firewall_ports(graph) -> list[str]:
    rule = graph.one("gcp:compute/firewall:Firewall", "acme-ai-network-allow-load-balancers")
    [allow] = rule.get("allows")
    assert allow["protocol"] == "tcp"
    return allow["ports"]


def _pod_port(graph, ref: dict[str, Any]) -> int:
    """The container port a Gateway backendRef reaches: its Service port's targetPort, by name through
    the Deployment's container ports."""
    [service] = [
        s for s in graph.of_type("kubernetes:core/v1:Service") if s.get("metadata.name") == ref["name"]
    ]
    [port] = [p for p in service.get("spec.ports") if p["port"] == ref["port"]]
    target = port["targetPort"]
    if isinstance(target, (int, float)):
        return int(target)
    [deployment] = [
        d for d in graph.of_type("kubernetes:apps/v1:Deployment") if d.get("metadata.name") == ref["name"]
    ]
    return next(
        int(c["containerPort"])
        for container in deployment.get("spec.template.spec.containers")
        for c in container.get("ports") or []
        if c.get("name") == target
    )


def test_the_load_balancer_firewall_opens_only_backend_and_health_check_ports(prod) -> None:
    """Issue 24 item 8. sentiment scales from zero, so its host is routed to the KEDA interceptor: the
    proxies reach it on 8080 and Google's health checks ask its /readyz on 9090; sentiment's own port
    (5000) is reached only by the interceptor, inside the cluster. embeddings is routed straight to its
    pods on 8080. Every health-check port and every routed pod port is open, and nothing else."""
    assert _firewall_ports(prod) == ["8080", "9090"]
    checked = {
        int(p.get("spec.default.config.httpHealthCheck.port"))
        for p in prod.of_type("kubernetes:networking.gke.io/v1:HealthCheckPolicy")
    }
    routed = {
        _pod_port(prod, ref)
        for route in prod.of_type("kubernetes:gateway.networking.k8s.io/v1:HTTPRoute")
        for rule in route.get("spec.rules") or []
        for ref in rule.get("backendRefs") or []
        if ref["name"] != INTERCEPTOR_PROXY_SERVICE  # the chart's Service, not in the plan: 8080 (above)
    }
    assert checked == {8080, 9090} and routed == {8080}
    assert {str(p) for p in checked | routed} == set(_firewall_ports(prod))


def test_a_service_routed_to_its_pods_opens_its_own_port() -> None:
    raw = copy.deepcopy(shipped_spec("gcp-prod"))
    # sentiment no longer scales from zero (kept running in prod: two replicas at least), and chat, the
    # other service that does, is left out: no host is routed to the interceptor
    raw["services"][0]["replicas"] = {"min": 2, "max": 10}
    raw["services"] = [s for s in raw["services"] if s["name"] != "chat"]
    graph, _ = _facts(raw)
    assert _firewall_ports(graph) == ["5000", "8080"]


def test_the_ssl_policy_is_tls12_restricted(prod) -> None:
    [policy] = prod.of_type("gcp:compute/regionSslPolicy:RegionSslPolicy")
    assert (policy.get("minTlsVersion"), policy.get("profile"), policy.get("region")) == (
        "TLS_1_2",
        "RESTRICTED",
        "us-central1",
    )


def test_no_domain_no_gateway(plan_stack, platform_dir) -> None:
    dev = plan_stack(platform_dir, "gcp-dev")
    assert dev.one("gcp:container/cluster:Cluster", "acme-ai-cluster-gke").get("gatewayApiConfig") is None
    assert not [s for s in dev.of_type("gcp:compute/subnetwork:Subnetwork") if s.get("purpose")]
    assert dev.of_type("gcp:compute/regionSslPolicy:RegionSslPolicy") == []


def _target() -> RouteTarget:
    return RouteTarget(
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


def test_route_policies_validate_against_the_gke_crds() -> None:
    objects = route_decoration(_target()).objects
    assert sorted(o["kind"] for o in objects) == ["GCPBackendPolicy", "HealthCheckPolicy"]
    for doc in objects:
        _validate(dict(doc))
        assert doc["metadata"]["namespace"] == "keda"  # the backend Service's namespace (GKE requires it)
        assert doc["spec"]["targetRef"] == {"group": "", "kind": "Service", "name": _target().backend_service}
    health = next(o for o in objects if o["kind"] == "HealthCheckPolicy")["spec"]["default"]["config"]
    assert health["httpHealthCheck"]["requestPath"] == "/livez" and health["httpHealthCheck"]["port"] == 9090
    backend = next(o for o in objects if o["kind"] == "GCPBackendPolicy")["spec"]["default"]
    assert backend == {"timeoutSec": 1260, "connectionDraining": {"drainingTimeoutSec": 30}}
    bad = copy.deepcopy(dict(objects[0]))
    bad["spec"]["default"]["config"] = {"type": "HTTP"}  # the CRD wants exactly the type and its check
    with pytest.raises(jsonschema.ValidationError):
        _validate(bad)


def _facts(raw: dict[str, Any]):
    holder: dict[str, Any] = {}

    def program() -> None:
        from lepton_infra.platform import build
        from lepton_infra.spec import PlatformSpec

        handle = build(PlatformSpec.from_dict(raw)).cloud.cluster_handle
        holder["facts"] = handle.ingress
        entry = EntryPoint(
            exposure="internal",
            name="lepton-internal",
            namespace="lepton-ingress",
            hosts=("sentiment.ai.acme.dev",),
        )
        holder["gateway"] = handle.ingress.decorate_entry_point(entry)

    graph = plan_program(program, {"pulumi:disable-default-providers": ["*"]}, project="lepton-gcp-traffic")
    return graph, holder


def test_facts_of_a_private_ca_stack() -> None:
    raw = copy.deepcopy(raw_spec("gcp-prod"))
    raw["network"] = {k: v for k, v in raw["network"].items() if k != "acme_email"} | {
        "tls_issuer": "private-ca"
    }
    graph, holder = _facts(raw)
    facts = holder["facts"]
    assert (facts.api, facts.certificates, facts.gateway_api_crds_installed) == (
        "gateway",
        "cert-manager",
        True,
    )
    assert facts.classes == {"internal": "gke-l7-rilb"} and facts.dns_zone is None
    proxy = next(
        s.get("ipCidrRange")
        for s in graph.of_type("gcp:compute/subnetwork:Subnetwork")
        if s.get("purpose") == "REGIONAL_MANAGED_PROXY"
    )
    assert facts.data_plane_peers == data_plane_peers(proxy)
    [policy] = holder["gateway"].objects
    assert policy["kind"] == "GCPGatewayPolicy" and policy["metadata"]["namespace"] == "lepton-ingress"
    assert policy["spec"]["targetRef"]["name"] == "lepton-internal"
    assert holder["gateway"].depends_on


def test_acme_binds_cert_manager_to_the_zone_only() -> None:
    raw = copy.deepcopy(raw_spec("gcp-prod"))
    raw["network"] = {**raw["network"], "tls_issuer": "acme", "acme_email": "certs@acme.dev"}
    raw["gcp"] = {**raw["gcp"], "dns_zone": "acme-zone"}
    raw["services"] = [{**raw["services"][0], "expose": "public"}, *raw["services"][1:]]
    raw["network"]["public_services"] = True
    graph, holder = _facts(raw)
    zone = holder["facts"].dns_zone
    assert zone.dns01_solver == {
        "cloudDNS": {"project": raw["gcp"]["project"], "hostedZoneName": "acme-zone"}
    }
    assert holder["facts"].classes["public"] == "gke-l7-regional-external-managed"
    [member] = graph.of_type("gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember")
    [role] = graph.of_type("gcp:projects/iAMCustomRole:IAMCustomRole")
    assert member.get("managedZone") == "acme-zone" and member.get(
        "role"
    ) == f"projects/{raw['gcp']['project']}/roles/" + role.get("roleId")
    assert sorted(role.get("permissions")) == sorted(DNS01_PERMISSIONS)
    assert not any(
        p.startswith("dns.managedZones.") and p != "dns.managedZones.get" for p in role.get("permissions")
    )
    # No project-level grant: the only IAM member on DNS is the zone's.
    assert not [m for m in graph.of_type("gcp:projects/iAMMember:IAMMember") if "dns" in str(m.get("role"))]
    trust = [
        t
        for t in graph.of_type("gcp:serviceaccount/iAMMember:IAMMember")
        if "cert-manager" in str(t.get("member"))
    ]
    assert trust[0].get("member").endswith("[cert-manager/cert-manager]")
