"""Host DNS over whole GCP plans (issue 14): every exposed host resolves to the static address of the Gateway
that serves its listener, from exactly the zones it should (internal: the private zone only; public: the
private zone and the operator's public zone), the private zone is visible to the platform's own VPC, the
internal address sits in the nodes' subnet (never the proxy-only one), and the Gateway and the records wait
for the address. Over the shipped stacks, and over gcp-prod/gcp-dev variants that expose a host publicly
(acme and private-ca) or turn `network.dns_records` off."""

from __future__ import annotations

import copy
import ipaddress
import json
from collections.abc import Callable
from typing import Any

import pytest

from lepton_infra.core.exposure import exposed_services
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR
from tests.kubernetes.crd_schemas import validate_cr
from tests.kubernetes.harness import shipped_spec
from tests.kubernetes.manifests import HELM_RELEASE, chart_name, manifest

ADDRESS = "gcp:compute/address:Address"
ZONE = "gcp:dns/managedZone:ManagedZone"
RECORD = "gcp:dns/recordSet:RecordSet"
SUBNET = "gcp:compute/subnetwork:Subnetwork"
GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
GATEWAY_API_VERSIONS = ["gateway-api-v1.2.1", "gateway-api-v1.4.1"]


def _variant(stack: str, edit: Callable[[dict[str, Any]], None]) -> PlannedGraph:
    raw = copy.deepcopy(shipped_spec(stack))
    edit(raw)

    def program() -> None:
        import pulumi

        from lepton_infra.platform import build

        for key, value in build(PlatformSpec.from_dict(raw)).outputs.items():
            pulumi.export(key, value)

    project = raw["gcp"]["project"]
    return plan_program(
        program,
        {
            "lepton:platform": raw,
            "gcp:project": project,
            "gcp:region": raw["region"],
            "pulumi:disable-default-providers": ["*"],
        },
        project="lepton-platform",
        stack=stack,
    )


def _public_sentiment(raw: dict[str, Any]) -> None:
    raw["network"]["public_services"] = True
    raw["services"][0]["expose"] = "public"


def _public_dev_private_ca(raw: dict[str, Any]) -> None:
    # gcp-dev with a domain, one public and one internal host, the platform's CA: the public zone is
    # needed for the records alone (no DNS-01).
    raw["network"] = {**raw["network"], "domain": "ai.acme.dev"}
    raw["services"][0]["expose"] = "public"
    raw["services"].append({**raw["services"][0], "name": "summarize", "expose": "internal"})
    raw["gcp"]["dns_zone"] = "acme-dev"


VARIANTS: dict[str, Callable[[], PlannedGraph]] = {
    "gcp-prod-public": lambda: _variant("gcp-prod", _public_sentiment),
    "gcp-prod-no-records": lambda: _variant("gcp-prod", lambda raw: raw["network"].update(dns_records=False)),
    "gcp-dev-public-private-ca": lambda: _variant("gcp-dev", _public_dev_private_ca),
}


@pytest.fixture(scope="module", params=["gcp-dev", "gcp-prod", *VARIANTS])
def planned(
    request: pytest.FixtureRequest, plan_stack: Callable[..., PlannedGraph]
) -> tuple[PlannedGraph, PlatformSpec]:
    graph = (
        VARIANTS[request.param]()
        if request.param in VARIANTS
        else plan_stack(PLATFORM_STACK_DIR, request.param)
    )
    return graph, PlatformSpec.from_dict(json.loads(graph.config["lepton:platform"]))


def _serving_gateway(graph: PlannedGraph, host: str) -> RecordedResource:
    """The Gateway with an HTTPS listener for `host` (exactly one)."""
    [gateway] = [
        g
        for g in graph.of_type(GATEWAY)
        if any(
            ls.get("hostname") == host and ls["protocol"] == "HTTPS"
            for ls in manifest(g)["spec"]["listeners"]
        )
    ]
    return gateway


def _named_address(graph: PlannedGraph, gateway: RecordedResource) -> RecordedResource:
    """The reserved Address a Gateway's `spec.addresses` names (a single NamedAddress)."""
    [entry] = manifest(gateway)["spec"]["addresses"]
    assert entry["type"] == "NamedAddress"
    [address] = [a for a in graph.of_type(ADDRESS) if a.get("name") == entry["value"]]
    return address


def _traffic_ips(graph: PlannedGraph) -> dict[str, str]:
    return graph.one("lepton:gcp:Traffic").outputs["gateway_addresses"]


def test_each_gateway_names_its_own_address_which_it_waits_for(planned) -> None:
    graph, spec = planned
    exposed = exposed_services(spec)
    if not exposed:
        assert (graph.of_type(ADDRESS), graph.of_type(ZONE), graph.of_type(RECORD)) == ([], [], [])
        assert "host_addresses" not in graph.outputs
        pytest.skip("nothing exposed: checked that no address, zone or record exists")
    subnets = graph.of_type(SUBNET)
    [nodes] = [s for s in subnets if not s.get("purpose")]
    [proxy_only] = [s for s in subnets if s.get("purpose") == "REGIONAL_MANAGED_PROXY"]
    seen: dict[str, str] = {}
    for e in exposed:
        gateway = _serving_gateway(graph, e.host)
        address = _named_address(graph, gateway)
        seen[e.exposure] = address.urn
        assert address.urn in graph.waits_for(gateway)
        assert address.get("region") == spec.region
        if e.exposure == "internal":
            # Allocated from the nodes' subnet: the proxy-only subnet holds only the proxies' sources.
            assert (address.get("addressType"), address.get("purpose")) == (
                "INTERNAL",
                "SHARED_LOADBALANCER_VIP",
            )
            assert address.property_dependencies["subnetwork"] == [nodes.urn] != [proxy_only.urn]
            assert address.get("subnetwork").endswith(f"/subnetworks/{nodes.get('name')}")
            ip = ipaddress.ip_address(_traffic_ips(graph)["internal"])
            assert ip in ipaddress.ip_network(nodes.get("ipCidrRange"))
            assert ip not in ipaddress.ip_network(proxy_only.get("ipCidrRange"))
        else:
            assert (address.get("addressType"), address.get("networkTier")) == ("EXTERNAL", "STANDARD")
            assert address.get("subnetwork") is None
    # One address per Gateway, none spare; the stack exports each.
    assert sorted(a.urn for a in graph.of_type(ADDRESS)) == sorted(set(seen.values()))
    assert sorted(_traffic_ips(graph)) == sorted(seen)
    # Each host's exported address is its own Gateway's.
    assert graph.outputs["host_addresses"] == {e.host: _traffic_ips(graph)[e.exposure] for e in exposed}


def test_every_exposed_host_has_its_records_in_exactly_the_right_zones(planned) -> None:
    graph, spec = planned
    exposed = exposed_services(spec)
    if not exposed or not spec.network.dns_records:
        assert (graph.of_type(ZONE), graph.of_type(RECORD)) == ([], [])
        pytest.skip("no host records in this variant: checked that no zone or record exists")
    assert spec.gcp is not None
    [zone] = graph.of_type(ZONE)
    assert (zone.get("visibility"), zone.get("dnsName")) == ("private", f"{spec.network.domain}.")
    [vpc] = graph.of_type("gcp:compute/network:Network")
    assert [n["networkUrl"] for n in zone.get("privateVisibilityConfig")["networks"]] == [
        f"projects/{spec.gcp.project}/global/networks/{vpc.get('name')}"
    ]
    assert vpc.urn in zone.property_dependencies["privateVisibilityConfig"]
    # Cloud DNS is enabled before anything is written with it.
    [dns_api] = [
        s for s in graph.of_type("gcp:projects/service:Service") if s.get("service") == "dns.googleapis.com"
    ]
    assert dns_api.urn in graph.waits_for(zone)

    records = graph.of_type(RECORD)
    assert {r.get("name") for r in records} == {f"{e.host}." for e in exposed}
    ips = _traffic_ips(graph)
    for e in exposed:
        mine = [r for r in records if r.get("name") == f"{e.host}."]
        zones = sorted(r.get("managedZone") for r in mine)
        wanted = sorted([zone.get("name"), *([spec.gcp.dns_zone] if e.exposure == "public" else [])])
        assert zones == wanted, e.host
        if e.exposure == "internal":
            assert spec.gcp.dns_zone not in zones  # an internal host never leaks into the public zone
        address = _named_address(graph, _serving_gateway(graph, e.host))
        for r in mine:
            assert (r.get("type"), r.get("rrdatas")) == ("A", [ips[e.exposure]])
            assert r.property_dependencies["rrdatas"] == [address.urn]
            assert address.urn in graph.waits_for(r)
        private = next(r for r in mine if r.get("managedZone") == zone.get("name"))
        assert zone.urn in graph.waits_for(private)


def test_gateways_with_addresses_match_the_gateway_api_crds(planned) -> None:
    graph, _ = planned
    for gateway in graph.of_type(GATEWAY):
        for version in GATEWAY_API_VERSIONS:
            validate_cr(manifest(gateway), version)


def test_cert_manager_self_check_escapes_the_split_horizon(planned) -> None:
    """A private zone for the domain shadows the public one inside the VPC: with acme, cert-manager's DNS-01
    self-check must ask public resolvers only, and its pods must be able to reach them (Cloud NAT on the
    nodes' subnet for every range, no egress firewall, no NetworkPolicy in cert-manager's namespace)."""
    graph, spec = planned
    releases = [r for r in graph.of_type(HELM_RELEASE) if chart_name(r) == "cert-manager"]
    if spec.network.tls_issuer != "acme" or not releases:
        pytest.skip("no DNS-01 here")
    values = releases[0].get("values")
    if not (
        spec.network.dns_records and exposed_services(spec)
    ):  # no private zone: nothing shadows the public one
        assert not graph.of_type(ZONE) and "dns01RecursiveNameservers" not in values
        pytest.skip("no private zone: nothing shadows the public one (checked)")
    assert graph.of_type(ZONE)
    assert values["dns01RecursiveNameserversOnly"] is True
    for resolver in values["dns01RecursiveNameservers"].split(","):
        host, port = resolver.rsplit(":", 1)
        assert ipaddress.ip_address(host).is_global and port == "53"
    [nat] = graph.of_type("gcp:compute/routerNat:RouterNat")
    [nodes] = [s for s in graph.of_type(SUBNET) if not s.get("purpose")]
    assert nat.get("subnetworks") == [
        {"name": nat.get("subnetworks")[0]["name"], "sourceIpRangesToNats": ["ALL_IP_RANGES"]}
    ]
    assert nodes.urn in nat.property_dependencies["subnetworks"]
    assert not [f for f in graph.of_type("gcp:compute/firewall:Firewall") if f.get("direction") == "EGRESS"]
    namespace = releases[0].get("namespace")
    assert not [
        p for p in graph.of_type(NETWORK_POLICY) if manifest(p)["metadata"].get("namespace") == namespace
    ]
    assert not (values.get("networkPolicy") or {}).get("enabled")


def test_the_policy_finds_an_internal_address_moved_to_the_public_zone(planned) -> None:
    """`lepton-gcp-private-address-private-zone` passes on every plan, and catches the mistake it exists for:
    an internal host's record written in the operator's public zone."""
    from lepton_infra.policy.evaluate import evaluate_graph

    rule = "lepton-gcp-private-address-private-zone"
    graph, spec = planned
    assert evaluate_graph(graph).by_policy(rule) == []
    internal = [
        r
        for r in graph.of_type(RECORD)
        if r.get("name") in {f"{e.host}." for e in exposed_services(spec) if e.exposure == "internal"}
    ]
    if not internal or spec.gcp is None:
        pytest.skip("no internal host record on GCP in this variant: nothing to move")
    moved = copy.deepcopy(graph)
    record = next(r for r in moved.of_type(RECORD) if r.urn == internal[0].urn)
    record.inputs["managedZone"] = spec.gcp.dns_zone or "acme-dev"
    record.dependencies = [d for d in record.dependencies if not d.endswith("private-zone")]
    assert [v.urn for v in evaluate_graph(moved).by_policy(rule)] == [record.urn]
