"""Host DNS on Azure, over whole recorded plans: the shipped stacks as their own program builds them, and
azure-prod turned public (acme, and the private CA with the public zone in another subscription), and with
`network.dns_records: false`. Every exposed host has its A record in exactly the zones it belongs in
(internal: the private zone; public: the private and the public zone), at the IP its Ingress reports,
created after that Ingress; internal hosts never reach the public zone; the private zone is linked to the
platform's VNet and registers nothing; no zone is attached to the routing add-on (whose external-dns would
write every Ingress there); the stack outputs list each host's address; and under split-horizon ACME,
cert-manager's self-check asks public resolvers it can reach."""

from __future__ import annotations

import copy
import ipaddress
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.core.exposure import exposed_services
from lepton_infra.plan import plan_program
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.harness import shipped_spec

AZ = "azure-native"
PRIVATE_ZONE = f"{AZ}:privatedns:PrivateZone"
LINK = f"{AZ}:privatedns:VirtualNetworkLink"
PRIVATE_RECORD = f"{AZ}:privatedns:PrivateRecordSet"
PUBLIC_RECORD = f"{AZ}:dns:RecordSet"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
ROLE = f"{AZ}:authorization:RoleAssignment"
DNS_ZONE_CONTRIBUTOR = "befefa01-2a29-4197-83a8-272ff33ce314"  # Azure built-in roles reference
ZONE_SUBSCRIPTION = "11111111-2222-3333-4444-555555555555"
ZONE = f"/subscriptions/{ZONE_SUBSCRIPTION}/resourceGroups/dns/providers/Microsoft.Network/dnszones/acme.dev"
RFC1918 = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


def _spec(graph: PlannedGraph) -> PlatformSpec:
    return PlatformSpec.from_dict(json.loads(graph.config["lepton:platform"]))


def _fqdn(name: str, zone: str) -> str:
    return zone if name == "@" else f"{name}.{zone}"


def _ingresses(graph: PlannedGraph) -> dict[str, RecordedResource]:
    """host -> the Ingress routing it."""
    return {rule["host"]: ing for ing in graph.of_type(INGRESS) for rule in ing.get("spec")["rules"]}


def _address(record: RecordedResource) -> str:
    [entry] = record.get("aRecords")
    return entry["ipv4Address"]


def _records(graph: PlannedGraph, type_: str, zone_key: str) -> dict[str, list[RecordedResource]]:
    out: dict[str, list[RecordedResource]] = {}
    for r in graph.of_type(type_):
        out.setdefault(_fqdn(r.get("relativeRecordSetName"), r.get(zone_key)), []).append(r)
    return out


def _provider_subscription(graph: PlannedGraph, record: RecordedResource) -> str:
    assert record.provider is not None
    return graph.by_urn(record.provider).get("subscriptionId")


def host_records_are_sound(graph: PlannedGraph, spec: PlatformSpec) -> None:
    """The invariant itself, for any Azure plan and its spec."""
    routing = (graph.one(f"{AZ}:containerservice:ManagedCluster").get("ingressProfile") or {}).get(
        "webAppRouting"
    )
    assert not (routing or {}).get("dnsZoneResourceIds")  # the add-on writes no record anywhere
    exposed = exposed_services(spec)
    domain = spec.network.domain
    host_zones = [z for z in graph.of_type(PRIVATE_ZONE) if z.get("privateZoneName") == domain]
    private = _records(graph, PRIVATE_RECORD, "privateZoneName")
    public = _records(graph, PUBLIC_RECORD, "zoneName")
    if not exposed or not spec.network.dns_records:
        assert (host_zones, private, public) == ([], {}, {})
    else:
        [zone] = host_zones
        assert zone.get("location") == "global"
        [link] = [link for link in graph.of_type(LINK) if link.get("privateZoneName") == domain]
        vnet = graph.one(f"{AZ}:network:VirtualNetwork")
        assert link.get("registrationEnabled") is False
        assert vnet.urn in link.property_dependencies["virtualNetwork"]  # its id is the platform VNet's
        assert zone.urn in link.property_dependencies["privateZoneName"]
        ingresses = _ingresses(graph)
        public_zone = (spec.azure.dns_zone_id or "").rsplit("/", 1)[-1].lower() if spec.azure else ""
        # Exactly the exposed hosts in the private zone, exactly the public ones in the public zone.
        assert set(private) == {e.host for e in exposed}
        assert set(public) == {e.host for e in exposed if e.exposure == "public"}
        by_class: dict[str, set[str]] = {}
        for e in exposed:
            ingress = ingresses[e.host]
            wanted = [(private[e.host], "privateZoneName", domain)]
            if e.exposure == "public":
                wanted.append((public[e.host], "zoneName", public_zone))
            addresses = set()
            for records, zone_key, zone_name in wanted:
                [record] = records
                assert (record.get("recordType"), record.get(zone_key)) == ("A", zone_name)
                assert 0 < record.get("ttl") <= 3600
                # The address is the one this host's Ingress reports (its value flows from that Ingress's
                # status), and the record is written only once the Ingress has it.
                assert ingress.urn in record.property_dependencies["aRecords"]
                assert ingress.urn in graph.waits_for(record)
                addresses.add(_address(record))
            [ip] = addresses  # the same address in both zones
            by_class.setdefault(ingress.get("spec")["ingressClassName"], set()).add(ip)
            in_rfc1918 = any(ipaddress.ip_address(ip) in n for n in RFC1918)
            assert in_rfc1918 == (e.exposure == "internal"), (e.host, ip)
            if e.exposure == "public":
                [record] = public[e.host]
                assert record.get("resourceGroupName") == (spec.azure.dns_zone_id or "").split("/")[4]
                assert _provider_subscription(graph, record) == (spec.azure.dns_zone_id or "").split("/")[2]
        # One load balancer per IngressClass: its hosts share one address, and no two classes share one.
        assert all(len(ips) == 1 for ips in by_class.values())
        assert len(set().union(*by_class.values())) == len(by_class)
        assert not any(zone.urn in graph.waits_for(r) for r in graph.of_type(INGRESS))  # no needless wait
    if exposed:
        # Listed whether or not records are written; each one's value flows from the host's Ingress too.
        addresses = graph.outputs["host_addresses"]
        assert set(addresses) == {e.host for e in exposed}
        for e in exposed:
            if e.host in private:
                assert addresses[e.host] == _address(private[e.host][0])
    # Only cert-manager's identity may change the public zone, and only for its challenges.
    zone_grants = [
        r for r in graph.of_type(ROLE) if str(r.get("roleDefinitionId")).endswith(DNS_ZONE_CONTRIBUTOR)
    ]
    dns01 = {i.urn for i in graph.of_type(f"{AZ}:managedidentity:UserAssignedIdentity") if "dns01" in i.name}
    assert all(set(r.property_dependencies["principalId"]) & dns01 for r in zone_grants)


def self_check_is_public_and_reachable(graph: PlannedGraph, spec: PlatformSpec) -> None:
    releases = [r for r in graph.of_type("kubernetes:helm.sh/v3:Release") if r.get("chart") == "cert-manager"]
    values = releases[0].get("values") if releases else {}
    # acme proves hosts in the public zone, and with records on a private zone for the domain is on the VNet.
    split_horizon = (
        spec.network.tls_issuer == "acme" and spec.network.dns_records and bool(exposed_services(spec))
    )
    if not split_horizon:
        assert "dns01RecursiveNameservers" not in (values or {})
        return
    assert values["dns01RecursiveNameserversOnly"] is True
    resolvers = values["dns01RecursiveNameservers"].split(",")
    assert len(resolvers) >= 2
    for resolver in resolvers:
        host, port = resolver.rsplit(":", 1)
        assert ipaddress.ip_address(host).is_global and port == "53"
    # The way out: the nodes' only egress is the NAT gateway, nothing outbound is denied, and no
    # NetworkPolicy selects cert-manager's pods.
    cluster = graph.one(f"{AZ}:containerservice:ManagedCluster")
    assert cluster.get("networkProfile.outboundType") == "userAssignedNATGateway"
    [nodes] = [s for s in graph.one(f"{AZ}:network:VirtualNetwork").get("subnets") if s["name"] == "nodes"]
    assert nodes.get("natGateway", {}).get("id")
    nsg = next(
        n
        for n in graph.of_type(f"{AZ}:network:NetworkSecurityGroup")
        if nodes["networkSecurityGroup"]["id"].endswith(
            f"/networkSecurityGroups/{n.get('networkSecurityGroupName')}"
        )
    )
    assert not [
        r for r in nsg.get("securityRules") or [] if r["direction"] == "Outbound" and r["access"] == "Deny"
    ]
    policies = graph.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
    assert not [p for p in policies if p.get("metadata.namespace") == "cert-manager"]


def _variant(edit: Callable[[dict[str, Any]], None]) -> PlannedGraph:
    raw = copy.deepcopy(shipped_spec("azure-prod"))
    edit(raw)

    def program() -> None:
        import pulumi

        from lepton_infra.platform import build

        for key, value in build(PlatformSpec.from_dict(raw)).outputs.items():
            pulumi.export(key, value)

    return plan_program(
        program,
        {"lepton:platform": raw, "pulumi:disable-default-providers": ["*"]},
        project="lepton-platform",
        stack="azure-prod-variant",
    )


def _public(tls_issuer: str, zone: str) -> Callable[[dict[str, Any]], None]:
    def edit(raw: dict[str, Any]) -> None:
        raw["network"] = {
            **raw["network"],
            "tls_issuer": tls_issuer,
            "public_services": True,
            **({"acme_email": "certs@acme.dev"} if tls_issuer == "acme" else {}),
        }
        raw["azure"] = {**raw["azure"], "dns_zone_id": zone}
        raw["services"] = [{**raw["services"][0], "expose": "public"}, *raw["services"][1:]]

    return edit


def _no_records(raw: dict[str, Any]) -> None:
    raw["network"] = {**raw["network"], "dns_records": False}


VARIANTS = {
    "public-acme": _public("acme", ZONE),
    # The private CA for a public host, the zone in its own subscription: records through a provider there.
    "public-private-ca-other-subscription": _public("private-ca", ZONE),
    "public-acme-same-subscription": _public(
        "acme", ZONE.replace(ZONE_SUBSCRIPTION, shipped_spec("azure-prod")["azure"]["subscription_id"])
    ),
    "dns-records-off": _no_records,
}


@pytest.fixture(scope="module", params=["azure-dev", "azure-prod", *VARIANTS])
def graph(
    request: pytest.FixtureRequest, plan_stack: Callable[..., PlannedGraph], platform_dir: Path
) -> PlannedGraph:
    if request.param in VARIANTS:
        return _variant(VARIANTS[request.param])
    return plan_stack(platform_dir, request.param)


def test_every_exposed_host_has_its_records_in_exactly_the_right_zones(graph: PlannedGraph) -> None:
    host_records_are_sound(graph, _spec(graph))


def test_cert_manager_self_check_asks_reachable_public_resolvers_under_split_horizon(
    graph: PlannedGraph,
) -> None:
    self_check_is_public_and_reachable(graph, _spec(graph))


def test_the_shipped_prod_stack_writes_its_internal_hosts(plan_stack, platform_dir) -> None:
    """Not vacuous: azure-prod exposes its three services internally, so each has private records."""
    graph = plan_stack(platform_dir, "azure-prod")
    assert {
        _fqdn(r.get("relativeRecordSetName"), r.get("privateZoneName")) for r in graph.of_type(PRIVATE_RECORD)
    } == {"sentiment.ai.acme.dev", "embeddings.ai.acme.dev", "chat.ai.acme.dev"}
    assert graph.of_type(PUBLIC_RECORD) == []


def test_the_policy_finds_an_internal_address_in_a_public_zone(graph: PlannedGraph) -> None:
    """`lepton-azure-private-address-private-zone` passes on every plan, and catches a public record
    carrying an internal host's address."""
    from lepton_infra.policy.evaluate import evaluate_graph

    rule = "lepton-azure-private-address-private-zone"
    assert evaluate_graph(graph).by_policy(rule) == []
    spec = _spec(graph)
    internal = {e.host for e in exposed_services(spec) if e.exposure == "internal"}
    private = _records(graph, PRIVATE_RECORD, "privateZoneName")
    public = [r for rs in _records(graph, PUBLIC_RECORD, "zoneName").values() for r in rs]
    if not public or not internal & set(private):
        pytest.skip("no internal host record and a public zone in this variant: nothing to move")
    leaked = copy.deepcopy(graph)
    record = next(r for r in leaked.of_type(PUBLIC_RECORD) if r.urn == public[0].urn)
    record.inputs["aRecords"] = [{"ipv4Address": _address(private[sorted(internal & set(private))[0]][0])}]
    assert [v.urn for v in evaluate_graph(leaked).by_policy(rule)] == [record.urn]
