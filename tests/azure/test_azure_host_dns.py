"""Host DNS on AKS (azure/host_dns.py, wired by `azure.Traffic`): the record names in a zone, the private zone
and its VNet link, `publish_host` writing a host's records through the right provider (or only keeping its
address with `network.dns_records: false`), the spec refusing a public host it could not write, and the
zones priced."""

from __future__ import annotations

import copy
from typing import Any

import pulumi
import pulumi_azure_native as azure_native
import pulumi_kubernetes as k8s
import pytest

from lepton_infra.azure.host_dns import PublicZone, relative_record_name
from lepton_infra.azure.traffic import Traffic, TrafficArgs
from lepton_infra.core.errors import ComponentArgsError, SpecError
from lepton_infra.core.traffic import HostAddress, IngressFacts
from lepton_infra.cost import estimate_cost
from lepton_infra.plan import plan_program
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.harness import KUBECONFIG, shipped_spec

ZONE = (
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/dns"
    "/providers/Microsoft.Network/dnszones/acme.dev"
)
VNET = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet"
PRIVATE_RECORD = "azure-native:privatedns:PrivateRecordSet"
PUBLIC_RECORD = "azure-native:dns:RecordSet"


@pytest.mark.parametrize(
    ("host", "zone", "name"),
    [
        ("sentiment.ai.acme.dev", "ai.acme.dev", "sentiment"),
        ("sentiment.ai.acme.dev", "acme.dev", "sentiment.ai"),  # a public zone may be a parent of the domain
        ("Ai.Acme.dev", "ai.acme.dev.", "@"),
    ],
)
def test_record_names_are_relative_to_their_zone(host: str, zone: str, name: str) -> None:
    assert relative_record_name(host, zone) == name


def test_a_host_outside_the_zone_is_a_bug() -> None:
    with pytest.raises(ValueError, match="not in zone"):
        relative_record_name("sentiment.other.dev", "acme.dev")


def test_the_public_zone_is_read_from_its_resource_id() -> None:
    assert PublicZone.from_id(ZONE.replace("acme.dev", "Acme.dev")) == PublicZone(
        "11111111-2222-3333-4444-555555555555", "dns", "acme.dev"
    )


def _traffic(dns_records: bool, holder: dict[str, Any], zone_id: str | None = ZONE) -> None:
    azure = azure_native.Provider("azure", subscription_id="s", location="eastus")
    zone_provider = azure_native.Provider(
        "azure-zone", subscription_id="11111111-2222-3333-4444-555555555555", location="eastus"
    )
    kube = k8s.Provider("k8s", kubeconfig=pulumi.Output.secret(KUBECONFIG))
    traffic = Traffic(
        "t",
        TrafficArgs(
            exposures=frozenset({"internal", "public"}),
            k8s_provider=kube,
            prod=False,
            location="eastus",
            resource_group_name="rg",
            name_prefix="acme-ai-dev",
            oidc_issuer="https://issuer/",
            azure_provider=azure,
            domain="ai.acme.dev",
            public_zone=zone_id,
            tls_issuer="acme",
            dns_records=dns_records,
            vnet_id=VNET,
            public_zone_provider=zone_provider,
        ),
    )
    facts: IngressFacts = traffic.facts()
    holder["facts"] = facts
    if facts.publish_host is None:
        return
    for exposure in ("internal", "public"):
        ingress = k8s.networking.v1.Ingress(
            f"ing-{exposure}",
            spec={"ingressClassName": f"lepton-{exposure}", "rules": [{"host": f"{exposure}.ai.acme.dev"}]},
            opts=pulumi.ResourceOptions(provider=kube),
        )
        first = ingress.status.apply(lambda s: s.load_balancer.ingress[0])
        address = HostAddress(
            host=f"{exposure}.ai.acme.dev",
            exposure=exposure,  # type: ignore[arg-type]
            hostname=first.apply(lambda e: e.hostname),
            ip=first.apply(lambda e: e.ip),
            source=ingress,
        )
        holder[exposure] = facts.publish_host(
            f"dns-{exposure}", address, pulumi.ResourceOptions(parent=traffic, depends_on=[ingress])
        )


def _plan(dns_records: bool, zone_id: str | None = ZONE) -> tuple[PlannedGraph, dict[str, Any]]:
    holder: dict[str, Any] = {}
    graph = plan_program(
        lambda: _traffic(dns_records, holder, zone_id), {"pulumi:disable-default-providers": ["*"]}
    )
    return graph, holder


def test_records_in_the_private_zone_and_public_hosts_in_the_public_zone_too() -> None:
    # Default providers are disabled: every record reaches Azure through a provider it was given.
    graph, holder = _plan(dns_records=True)
    zone = graph.one("azure-native:privatedns:PrivateZone")
    assert (zone.get("privateZoneName"), zone.get("location")) == ("ai.acme.dev", "global")
    link = graph.one("azure-native:privatedns:VirtualNetworkLink")
    assert (link.get("virtualNetwork.id"), link.get("registrationEnabled"), link.get("location")) == (
        VNET,
        False,
        "global",
    )
    assert "virtualNetwork" in link.inputs and zone.urn in link.dependencies
    assert [len(holder["internal"]), len(holder["public"])] == [1, 2]
    private = {r.get("relativeRecordSetName"): r for r in graph.of_type(PRIVATE_RECORD)}
    [public] = graph.of_type(PUBLIC_RECORD)
    assert set(private) == {"internal", "public"}
    assert (public.get("zoneName"), public.get("resourceGroupName"), public.get("relativeRecordSetName")) == (
        "acme.dev",
        "dns",
        "public.ai",
    )
    # The public zone's record goes through the provider in the zone's subscription, the others through the
    # platform's; each carries who manages it, for whoever reads the operator's zone.
    assert public.provider is not None and graph.by_urn(public.provider).name == "azure-zone"
    assert {graph.by_urn(r.provider).name for r in private.values() if r.provider} == {"azure"}
    assert public.get("metadata") == {"managedBy": "lepton-infra", "platform": "acme-ai-dev"}
    # cert-manager's self-check avoids the VNet's resolver, which answers from the private zone.
    assert holder["facts"].dns_zone.recursive_nameservers


def test_dns_records_off_writes_nothing() -> None:
    """No zone, no publisher, no record. The hosts' addresses are still stack outputs: the in-cluster layer
    exports them from the Ingresses (tests/invariants/test_azure_host_dns_invariants.py,
    `dns-records-off`)."""
    graph, holder = _plan(dns_records=False)
    assert graph.of_type("azure-native:privatedns:PrivateZone") == []
    assert graph.of_type(PRIVATE_RECORD) == graph.of_type(PUBLIC_RECORD) == []
    assert holder["facts"].publish_host is None and "internal" not in holder and "public" not in holder
    # No private zone shadows the public one: cert-manager may ask the cluster's resolver.
    assert holder["facts"].dns_zone.recursive_nameservers == ()


def test_a_public_host_without_a_public_zone_is_refused_before_anything_exists() -> None:
    """azure.Traffic refuses it in its args (it raised at apply time, once the Ingress reported its IP):
    one problem naming the zone, even though acme needs it too."""
    with pytest.raises(ComponentArgsError) as err:
        _plan(dns_records=True, zone_id=None)
    assert err.value.paths == ["public_zone"]
    assert "A record" in str(err.value) and "DNS-01" in str(err.value)
    assert [r.type for r in err.value.recorded_resources if r.type.startswith("lepton:")] == []  # type: ignore[attr-defined]


def _raw(**network: Any) -> dict[str, Any]:
    raw = copy.deepcopy(shipped_spec("azure-prod"))
    raw["network"] = {**raw["network"], "public_services": True, **network}
    raw["services"] = [{**raw["services"][0], "expose": "public"}, *raw["services"][1:]]
    return raw


def test_a_public_host_with_records_and_no_zone_is_refused_naming_the_zone() -> None:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(_raw())
    [problem] = [p for p in err.value.problems if p.path == "azure.dns_zone_id"]
    assert "sentiment" in problem.why and "network.dns_records: false" in problem.fix


def test_acme_without_a_zone_is_refused_once() -> None:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(_raw(tls_issuer="acme", acme_email="certs@acme.dev"))
    assert [p.path for p in err.value.problems].count("azure.dns_zone_id") == 1


@pytest.mark.parametrize("fix", [{"network": {"dns_records": False}}, {"azure": {"dns_zone_id": ZONE}}])
def test_either_fix_is_accepted(fix: dict[str, Any]) -> None:
    raw = _raw(**fix.get("network", {}))
    raw["azure"] = {**raw["azure"], **fix.get("azure", {})}
    PlatformSpec.from_dict(raw)


@pytest.mark.parametrize("domain", ["core.windows.net", "azure.com", ".".join(["a"] * 35)])
def test_a_domain_azure_refuses_for_a_private_zone_is_refused(domain: str) -> None:
    raw = copy.deepcopy(shipped_spec("azure-prod"))
    raw["network"] = {**raw["network"], "domain": domain}
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    # An apex domain (azure.com) is refused for the private zone twice over: reserved, and an apex.
    assert {p.value for p in err.value.problems if p.path == "network.domain"} == {domain}
    raw["network"]["dns_records"] = False  # no private zone: nothing to refuse
    PlatformSpec.from_dict(raw)


def test_a_subdomain_of_a_reserved_name_is_fine() -> None:
    raw = copy.deepcopy(shipped_spec("azure-prod"))
    raw["network"] = {**raw["network"], "domain": "ai.acme.core.windows.net"}
    PlatformSpec.from_dict(raw)


def test_internal_hosts_need_no_public_zone() -> None:
    PlatformSpec.from_dict(shipped_spec("azure-prod"))


def test_private_zones_are_priced(plan_stack, platform_dir) -> None:
    report = estimate_cost(plan_stack(platform_dir, "azure-prod"))
    dns = [i for i in report.items if i.category == "dns"]
    zones = [i for i in dns if i.type == "azure-native:privatedns:PrivateZone"]
    # The hosts' zone and the blob endpoint's privatelink zone, each a monthly fee.
    assert sorted(i.name for i in zones) == ["acme-ai-artifacts-blob-zone", "acme-ai-traffic-hosts-zone"]
    assert all(0 < i.monthly_usd_idle == i.monthly_usd_max < 1 for i in zones)
    assert all(i.price_source and i.price_date for i in dns)
