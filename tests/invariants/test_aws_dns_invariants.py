"""Host DNS on AWS, over the shipped AWS stacks' whole plans as their own program builds them
(`network.dns_records`, default on): a private hosted zone for `network.domain` on the platform's VPC, and
for every exposed host an alias A record in exactly the zones it belongs in (internal: the private zone;
public: the private zone and the operator's public zone), aimed at the DNS name the host's own Ingress
reports, with the canonical hosted zone of ALBs in the stack's region, created only once that Ingress is."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.core.exposure import exposed_services
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS

AWS_STACKS = [s for s in SHIPPED_STACKS if s.startswith("aws-")]
ZONE = "aws:route53/zone:Zone"
RECORD = "aws:route53/record:Record"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
VPC = "aws:ec2/vpc:Vpc"
# The canonical hosted zone of ALBs per region, as AWS publishes it (General Reference, "Elastic Load
# Balancing endpoints and quotas"): what an alias to an ALB must name as its zone.
ALB_ZONE = {"us-east-1": "Z35SXDOTRQ7X7K"}


def _spec(graph: PlannedGraph) -> PlatformSpec:
    return PlatformSpec.from_dict(json.loads(graph.config["lepton:platform"]))


def _ingress_serving(graph: PlannedGraph, host: str) -> RecordedResource:
    (ingress,) = [
        i for i in graph.of_type(INGRESS) if host in [r.get("host") for r in i.get("spec.rules") or []]
    ]
    return ingress


def _reported_hostname(ingress: RecordedResource) -> str:
    return ingress.outputs["status"]["loadBalancer"]["ingress"][0]["hostname"]


def _alias_records(graph: PlannedGraph) -> list[RecordedResource]:
    return [r for r in graph.of_type(RECORD) if r.get("aliases")]


@pytest.fixture(params=AWS_STACKS)
def graph(request, plan_stack: Callable[[Path, str], PlannedGraph]) -> PlannedGraph:
    return plan_stack(PLATFORM_STACK_DIR, request.param)


def test_shipped_aws_stacks_expose_hosts_of_both_kinds_between_them(
    plan_stack: Callable[[Path, str], PlannedGraph],
) -> None:
    """The invariants below cover internal and public hosts only if the shipped stacks have both."""
    kinds = {
        e.exposure for s in AWS_STACKS for e in exposed_services(_spec(plan_stack(PLATFORM_STACK_DIR, s)))
    }
    assert kinds == {"internal", "public"}


def test_one_private_zone_for_the_domain_on_the_platforms_vpc(graph: PlannedGraph) -> None:
    spec = _spec(graph)
    (zone,) = graph.of_type(ZONE)
    (vpc,) = graph.of_type(VPC)
    assert zone.get("name") == spec.network.domain
    assert [v.get("vpcId") for v in zone.get("vpcs")] == [vpc.outputs["id"]] and vpc.urn in graph.waits_for(
        zone
    )
    assert zone.get("vpcs")[0].get("vpcRegion") == spec.region
    # A private zone answers only in a VPC that resolves through the Amazon DNS server and has DNS hostnames.
    assert vpc.get("enableDnsSupport") is True and vpc.get("enableDnsHostnames") is True
    assert zone.get("delegationSetId") is None  # a delegation set would make it a public zone
    assert zone.get("forceDestroy") is False  # never deletes records someone else wrote


def test_every_exposed_host_has_its_alias_records_in_exactly_the_right_zones(graph: PlannedGraph) -> None:
    spec = _spec(graph)
    assert spec.aws is not None
    (zone,) = graph.of_type(ZONE)
    private, public = zone.outputs["zoneId"], spec.aws.dns_zone_id
    expected = {(e.host, private) for e in exposed_services(spec)}
    expected |= {(e.host, public) for e in exposed_services(spec) if e.exposure == "public"}
    records = _alias_records(graph)
    assert sorted((r.get("name"), r.get("zoneId")) for r in records) == sorted(expected)
    internal = {e.host for e in exposed_services(spec) if e.exposure == "internal"}
    assert [r.name for r in records if r.get("name") in internal and r.get("zoneId") != private] == []
    # The private zone's records take its id from the zone itself; the public zone is never created here.
    assert all(zone.urn in graph.waits_for(r) for r in records if r.get("zoneId") == private)
    assert all(z.get("name") == spec.network.domain and z.get("vpcs") for z in graph.of_type(ZONE))


def test_each_record_aims_at_the_ingress_serving_its_host_and_waits_for_it(graph: PlannedGraph) -> None:
    spec = _spec(graph)
    records = _alias_records(graph)
    assert len(records) >= len(exposed_services(spec)) > 0
    for record in records:
        ingress = _ingress_serving(graph, record.get("name"))
        (alias,) = record.get("aliases")
        assert record.get("type") == "A"
        assert alias.get("name") == _reported_hostname(ingress)
        assert alias.get("zoneId") == ALB_ZONE[spec.region]
        assert alias.get("evaluateTargetHealth") is True
        assert ingress.urn in graph.waits_for(record)
        # An existing record of that name in the operator's zone stays theirs: creating ours fails instead.
        assert record.get("allowOverwrite") is False


def test_the_host_addresses_are_stack_outputs(graph: PlannedGraph) -> None:
    spec = _spec(graph)
    hosts = [e.host for e in exposed_services(spec)]
    assert graph.outputs["host_addresses"] == {
        h: _reported_hostname(_ingress_serving(graph, h)) for h in sorted(hosts)
    }
