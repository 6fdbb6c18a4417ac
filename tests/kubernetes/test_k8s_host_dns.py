"""How the in-cluster layer hands the clouds what they need to write each exposed host's DNS records
(`core/traffic.py`: `IngressFacts.publish_host`, `Decoration.addresses`, `DnsZone.recursive_nameservers`),
on the hand-made clouds of tests/kubernetes/traffic_facts.py. The records themselves are the clouds' and
are checked over the shipped stacks in tests/invariants/."""

from __future__ import annotations

from typing import Any

import jsonschema
import pulumi
import pytest

from lepton_infra.core.traffic import Decoration, DnsZone, EntryPoint, HostAddress, IngressFacts
from lepton_infra.plan.record import RecordedResource
from tests.kubernetes.crd_schemas import validate_cr
from tests.kubernetes.manifests import HELM_RELEASE, chart_name
from tests.kubernetes.routing import GATEWAY, INGRESS, docs
from tests.kubernetes.test_k8s_chart_values import chart_keys, unknown_keys
from tests.kubernetes.test_k8s_traffic import EXPOSURE, GATEWAY_API_VERSIONS, HOSTS, plan
from tests.kubernetes.traffic_facts import FACTS, Recorder, exposed_network

RECORD = "test:dns:Record"


class Record(pulumi.CustomResource):
    """Stands in for a cloud's DNS record: what it was given is what the plan records."""

    def __init__(self, name: str, address: HostAddress, opts: pulumi.ResourceOptions) -> None:
        super().__init__(
            RECORD,
            name,
            {
                "host": address.host,
                "exposure": address.exposure,
                "hostname": address.hostname,
                "ip": address.ip,
            },
            opts,
        )


def _publishing(kind: str):
    def make() -> IngressFacts:
        facts = FACTS[kind](Recorder())
        return IngressFacts(
            **{**facts.__dict__, "publish_host": lambda name, address, opts: [Record(name, address, opts)]}
        )

    return make


@pytest.mark.parametrize("kind", ["alb", "nginx"])
def test_each_exposed_host_is_published_with_the_address_its_ingress_reports(kind: str) -> None:
    from tests.kubernetes.conftest import plan_addons
    from tests.kubernetes.harness import shipped_spec

    services = [
        {**s, "expose": EXPOSURE[s["name"]]}
        for s in shipped_spec("aws-prod")["services"]
        if s["name"] in EXPOSURE
    ]
    graph = plan_addons(
        "aws-prod",
        ingress=_publishing(kind),
        network=exposed_network(public_services=True),
        services=services,
    ).graph
    ingresses = {r.inputs["spec"]["rules"][0]["host"]: r for r in graph.of_type(INGRESS)}
    records = {r.inputs["host"]: r for r in graph.of_type(RECORD)}
    assert sorted(records) == sorted(HOSTS.values()) == sorted(ingresses)
    for host, record in records.items():
        ingress = ingresses[host]
        (reported,) = reported_status(ingress)["loadBalancer"]["ingress"]
        field = "hostname" if kind == "alb" else "ip"
        assert record.inputs[field] == reported[field] and record.inputs[field]
        assert record.inputs.get("hostname" if field == "ip" else "ip") is None
        assert record.inputs["exposure"] == EXPOSURE[host.split(".")[0]]
        assert ingress.urn in graph.waits_for(record)  # the address exists only once the Ingress has one


def reported_status(ingress: RecordedResource) -> dict[str, Any]:
    """The status the offline cluster gave this Ingress once its controller had seen it."""
    return ingress.outputs["status"]


def test_an_alb_group_reports_one_address_per_scheme() -> None:
    """The mock answers as the controller does: every Ingress of one IngressGroup shares its ALB's name,
    an internal ALB's name starts `internal-` (so a record per host is a record per group's ALB)."""
    graph = plan("alb").graph
    names = {
        r.inputs["metadata"]["annotations"]["alb.ingress.kubernetes.io/scheme"]: reported_status(r)[
            "loadBalancer"
        ]["ingress"][0]["hostname"]
        for r in graph.of_type(INGRESS)
    }
    assert names["internal"].startswith("internal-k8s-") and names["internal"].endswith(".elb.amazonaws.com")
    assert (
        not names["internet-facing"].startswith("internal-") and names["internet-facing"] != names["internal"]
    )


def test_no_publisher_writes_no_record() -> None:
    assert list(plan("alb").graph.of_type(RECORD)) == []


def test_a_gateway_carries_the_address_its_cloud_reserved() -> None:
    def make() -> IngressFacts:
        facts = FACTS["gke"](Recorder())
        entry = facts.decorate_entry_point

        def decorate(e: EntryPoint) -> Decoration:
            base = entry(e)
            return Decoration(
                objects=base.objects, addresses=[{"type": "NamedAddress", "value": f"{e.name}-vip"}]
            )

        return IngressFacts(**{**facts.__dict__, "decorate_entry_point": decorate})

    from tests.kubernetes.conftest import plan_addons
    from tests.kubernetes.harness import shipped_spec

    services = [
        {**s, "expose": EXPOSURE[s["name"]]}
        for s in shipped_spec("aws-prod")["services"]
        if s["name"] in EXPOSURE
    ]
    graph = plan_addons(
        "aws-prod", ingress=make, network=exposed_network(public_services=True), services=services
    ).graph
    gateways = docs(graph, GATEWAY)
    assert len(gateways) == 2
    for gateway in gateways:
        assert gateway["spec"]["addresses"] == [
            {"type": "NamedAddress", "value": f"{gateway['metadata']['name']}-vip"}
        ]
        for version in GATEWAY_API_VERSIONS:
            validate_cr(gateway, version)
        wrong = {
            **gateway,
            "spec": {**gateway["spec"], "addresses": [{"type": "NamedAddress", "name": "vip"}]},
        }
        with pytest.raises(jsonschema.ValidationError):  # still strict: a field the CRD lacks is refused
            validate_cr(wrong, GATEWAY_API_VERSIONS[-1])
    # Without reserved addresses the Gateway names none (the controller allocates an ephemeral one).
    assert all("addresses" not in g["spec"] for g in docs(plan("gke").graph, GATEWAY))


def _cert_manager_values(recursive: tuple[str, ...], tls_issuer: str = "acme") -> dict[str, Any]:
    def make() -> IngressFacts:
        facts = FACTS["gke"](Recorder())
        assert facts.dns_zone is not None
        zone = DnsZone(**{**facts.dns_zone.__dict__, "recursive_nameservers": recursive})
        return IngressFacts(**{**facts.__dict__, "dns_zone": zone})

    from tests.kubernetes.conftest import plan_addons

    extra = {"tls_issuer": "acme", "acme_email": "certs@acme.dev"} if tls_issuer == "acme" else {}
    graph = plan_addons("aws-prod", ingress=make, network=exposed_network(**extra)).graph
    (release,) = [r for r in graph.of_type(HELM_RELEASE) if chart_name(r) == "cert-manager"]
    values = release.get("values")
    assert list(unknown_keys(values, chart_keys(f"cert-manager-{release.get('version')}"))) == []
    return values


def test_split_horizon_sends_the_dns01_self_check_to_the_clouds_resolvers_only() -> None:
    values = _cert_manager_values(("8.8.8.8:53", "1.1.1.1:53"))
    assert values["dns01RecursiveNameservers"] == "8.8.8.8:53,1.1.1.1:53"
    assert values["dns01RecursiveNameserversOnly"] is True
    for plain in (_cert_manager_values(()), _cert_manager_values(("8.8.8.8:53",), tls_issuer="private-ca")):
        assert "dns01RecursiveNameservers" not in plain and "dns01RecursiveNameserversOnly" not in plain


def test_a_hosts_records_keep_their_name_when_the_service_behind_it_is_renamed() -> None:
    """Records are named by host: renaming the service serving a host must not replace its records, which
    would create the new record (same name in the same zone) before deleting the old and fail."""
    from tests.kubernetes.conftest import plan_addons
    from tests.kubernetes.harness import shipped_spec

    def names(rename: dict[str, str]) -> dict[str, str]:
        services = [
            {
                **s,
                "expose": EXPOSURE[s["name"]],
                "host": HOSTS[s["name"]],
                "name": rename.get(s["name"], s["name"]),
            }
            for s in shipped_spec("aws-prod")["services"]
            if s["name"] in EXPOSURE  # the LLM service `chat` is left out
        ]
        graph = plan_addons(
            "aws-prod",
            ingress=_publishing("alb"),
            network=exposed_network(public_services=True),
            services=services,
        ).graph
        return {r.inputs["host"]: r.name for r in graph.of_type(RECORD)}

    before, after = names({}), names({"sentiment": "sentiment-v2"})
    assert before == after and sorted(before) == sorted(HOSTS.values())
