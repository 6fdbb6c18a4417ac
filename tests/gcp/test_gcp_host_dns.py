"""GKE host DNS, piece by piece: the spec refuses public hosts whose records have no zone to go in, each
Gateway gets its own reserved address in `spec.addresses` (a form the Gateway API CRDs accept), HostDns
writes each host in exactly its zones, and the zone and addresses are priced."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from lepton_infra.core.errors import ComponentArgsError, SpecError
from lepton_infra.core.traffic import EntryPoint
from lepton_infra.cost import estimate_cost
from lepton_infra.gcp.host_dns import HostDns, HostDnsArgs
from lepton_infra.plan.engine import plan_program
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.crd_schemas import validate_cr
from tests.kubernetes.harness import shipped_spec

PUBLIC_DEV = {"domain": "ai.acme.dev", "tls_issuer": "private-ca"}


def _dev(network: dict[str, Any], expose: str = "public", **gcp: Any) -> dict[str, Any]:
    raw = copy.deepcopy(shipped_spec("gcp-dev"))
    raw["network"] = {**raw["network"], **network}
    raw["services"][0]["expose"] = expose
    raw["gcp"] = {**raw["gcp"], **gcp}
    return raw


def test_a_public_host_with_records_needs_the_public_zone_whatever_the_issuer() -> None:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(_dev(PUBLIC_DEV))
    [problem] = [p for p in err.value.problems if p.path == "gcp.dns_zone"]
    assert "sentiment.ai.acme.dev" in problem.why and "network.dns_records: false" in problem.fix
    # Satisfied by the zone, or by writing no records; internal hosts need no public zone at all.
    PlatformSpec.from_dict(_dev(PUBLIC_DEV, dns_zone="acme-dev"))
    PlatformSpec.from_dict(_dev({**PUBLIC_DEV, "dns_records": False}))
    PlatformSpec.from_dict(_dev(PUBLIC_DEV, expose="internal"))


def test_acme_without_a_zone_is_one_problem_not_two() -> None:
    raw = _dev({"domain": "ai.acme.dev", "tls_issuer": "acme", "acme_email": "certs@acme.dev"})
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    assert [p.path for p in err.value.problems].count("gcp.dns_zone") == 1


def _facts_of(raw: dict[str, Any]) -> dict[str, Any]:
    holder: dict[str, Any] = {}

    def program() -> None:
        from lepton_infra.platform import build

        holder["facts"] = build(PlatformSpec.from_dict(raw)).cloud.cluster_handle.ingress

    holder["graph"] = plan_program(
        program, {"pulumi:disable-default-providers": ["*"]}, project="lepton-host-dns"
    )
    return holder


def test_each_exposure_gets_its_own_named_address_and_a_gateway_without_one_is_refused() -> None:
    raw = _dev(PUBLIC_DEV, dns_zone="acme-dev")
    raw["services"].append({**raw["services"][0], "name": "summarize", "expose": "internal"})
    holder = _facts_of(raw)
    facts, graph = holder["facts"], holder["graph"]
    addresses = {a.get("name"): a for a in graph.of_type("gcp:compute/address:Address")}
    assert sorted(addresses) == ["acme-ai-dev-gateway-internal", "acme-ai-dev-gateway-public"]
    for exposure in ("internal", "public"):
        entry = EntryPoint(
            exposure=exposure, name=f"lepton-{exposure}", namespace="lepton-ingress", hosts=("x",)
        )
        decoration = facts.decorate_entry_point(entry)
        [named] = decoration.addresses
        assert named["type"] == "NamedAddress"
        assert any(
            getattr(d, "_name", None) == f"acme-ai-traffic-address-{exposure}" for d in decoration.depends_on
        )
    # gcp-prod exposes nothing publicly: the layer asking for a public Gateway is a bug, said so.
    prod = _facts_of(copy.deepcopy(shipped_spec("gcp-prod")))["facts"]
    with pytest.raises(ValueError, match="no address reserved for a public Gateway"):
        prod.decorate_entry_point(
            EntryPoint(
                exposure="public", name="lepton-public", namespace="lepton-ingress", hosts=("a.ai.acme.dev",)
            )
        )


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "NamedAddres", "value": "acme-ai-prod-gateway-internal"},  # misspelled: no such type
        {"type": "NamedAddress", "value": "acme-ai-prod-gateway-internal", "name": "x"},  # no such field
    ],
)
def test_the_address_crd_check_can_fail(bad: dict[str, str]) -> None:
    gateway = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": {"name": "lepton-internal", "namespace": "lepton-ingress"},
        "spec": {
            "gatewayClassName": "gke-l7-rilb",
            "listeners": [{"name": "http", "protocol": "HTTP", "port": 80}],
            "addresses": [{"type": "NamedAddress", "value": "acme-ai-prod-gateway-internal"}],
        },
    }
    validate_cr(gateway, "gateway-api-v1.4.1")
    gateway["spec"]["addresses"] = [bad]
    with pytest.raises(jsonschema.ValidationError):
        validate_cr(gateway, "gateway-api-v1.4.1")


def _host_dns(hosts: list[tuple[str, str]], public_zone: str | None):
    def program() -> None:
        HostDns(
            "dns",
            HostDnsArgs(
                project="p",
                name_prefix="acme-ai-dev",
                domain="ai.acme.dev",
                network="projects/p/global/networks/vpc",
                hosts=hosts,  # type: ignore[arg-type]
                addresses={"internal": "10.40.0.9", "public": "198.51.100.7"},
                public_zone=public_zone,
            ),
        )

    return plan_program(program, project="lepton-host-dns")


def test_host_dns_writes_each_host_in_its_zones_only() -> None:
    graph = _host_dns([("a.ai.acme.dev", "internal"), ("b.ai.acme.dev", "public")], "acme-dev")
    [zone] = graph.of_type("gcp:dns/managedZone:ManagedZone")
    assert (zone.get("dnsName"), zone.get("visibility"), zone.protect) == ("ai.acme.dev.", "private", False)
    placed = sorted(
        (r.get("name"), r.get("managedZone"), tuple(r.get("rrdatas")))
        for r in graph.of_type("gcp:dns/recordSet:RecordSet")
    )
    assert placed == [
        ("a.ai.acme.dev.", "acme-ai-dev-hosts", ("10.40.0.9",)),
        ("b.ai.acme.dev.", "acme-ai-dev-hosts", ("198.51.100.7",)),
        ("b.ai.acme.dev.", "acme-dev", ("198.51.100.7",)),
    ]
    assert not graph.of_type("gcp:dns/managedZone:ManagedZone")[1:]  # the public zone is never created
    # Refused before HostDns registers anything (it used to raise after creating itself).
    with pytest.raises(ComponentArgsError) as refused:
        _host_dns([("b.ai.acme.dev", "public"), ("c.example.org", "internal")], None)
    assert refused.value.paths == ["hosts.c.example.org", "public_zone"]


def test_the_private_zone_and_addresses_are_priced(plan_stack, platform_dir) -> None:
    items = {
        i.type: i
        for i in estimate_cost(plan_stack(platform_dir, "gcp-prod")).items
        if i.type in ("gcp:dns/managedZone:ManagedZone", "gcp:compute/address:Address")
    }
    assert items["gcp:dns/managedZone:ManagedZone"].monthly_usd_idle == 0.2
    assert items["gcp:dns/managedZone:ManagedZone"].category == "dns"
    assert items["gcp:compute/address:Address"].monthly_usd_idle == 0.0  # internal: never billed
    assert "cloud.google.com/vpc/network-pricing" in items["gcp:compute/address:Address"].price_source


def test_the_deployers_documented_roles_cover_host_dns(plan_stack, platform_dir) -> None:
    """docs/gcp.md "Deploy readiness" names the role the deploying identity needs for every DNS object the
    plan writes (zones, their VPC binding, records, the DNS-01 grant) and for the Gateways' addresses."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "gcp.md").read_text()
    readiness = doc.split("### Project prerequisites")[1].split("### ")[0]
    graph = plan_stack(platform_dir, "gcp-prod")
    types = {r.type.split(":")[1].split("/")[0] for r in graph.managed if r.type.startswith("gcp:")}
    assert "dns" in types and graph.of_type("gcp:compute/address:Address")
    assert "roles/dns.admin" in readiness and "dns.networks.bindPrivateDNSZone" in readiness
    assert "roles/compute.networkAdmin" in readiness and "compute.addresses.create" in readiness
    assert re.search(r"dns with\s+`network.dns_records`", readiness)  # the API the stack enables for it
