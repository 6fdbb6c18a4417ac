"""Host DNS on AWS (`network.dns_records`): which zones a host's record goes in, what the component and the
spec refuse before Route 53 would, the records' region and provider, and `dns_records: false`."""

from __future__ import annotations

import copy
from typing import Any

import pulumi
import pytest

from lepton_infra.aws.host_dns import host_dns_problems, record_zones
from lepton_infra.core.args import ComponentArgsError
from lepton_infra.core.errors import SpecError
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.harness import shipped_spec

ZONE = "aws:route53/zone:Zone"
RECORD = "aws:route53/record:Record"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
PCA = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0b6c9a8e-0000-4000-8000-000000000001"
NO_DEFAULT_PROVIDERS = {"pulumi:disable-default-providers": ["*"]}


def _plan(raw: dict[str, Any], project: str) -> PlannedGraph:
    def program() -> None:
        from lepton_infra.platform import build

        for key, value in build(PlatformSpec.from_dict(raw)).outputs.items():
            pulumi.export(key, value)

    return plan_program(program, NO_DEFAULT_PROVIDERS, project=project, stack="dev")


def _dev(**network: Any) -> dict[str, Any]:
    raw = copy.deepcopy(shipped_spec("aws-dev"))
    raw["network"] = {**raw["network"], **network}
    return raw


def test_internal_hosts_only_in_the_private_zone_public_ones_in_both() -> None:
    assert record_zones("internal", public_zone=True) == ("private",)
    assert record_zones("internal", public_zone=False) == ("private",)
    assert record_zones("public", public_zone=True) == ("private", "public")
    with pytest.raises(ValueError, match=r"aws\.dns_zone_id"):
        record_zones("public", public_zone=False)


def test_component_refuses_what_route53_would() -> None:
    hosts = {"sentiment.ai.acme.dev": "internal", "chat.other.dev": "internal", "pub.ai.acme.dev": "public"}
    problems = list(host_dns_problems("ai.acme.dev", hosts, None))
    assert [(p.path, p.value) for p in problems] == [
        ("hosts.chat.other.dev", "chat.other.dev"),
        ("public_zone", None),
    ]
    assert [p.path for p in host_dns_problems(None, hosts, "Z1")] == ["domain"]
    assert list(host_dns_problems("ai.acme.dev", {"ai.acme.dev": "public"}, "Z1")) == []


def test_the_component_refuses_a_host_outside_the_domain_before_registering_anything() -> None:
    from lepton_infra.aws.traffic import Traffic, TrafficArgs

    def program() -> None:
        provider = pulumi.ProviderResource("aws", "aws", {"region": "us-east-1"})
        Traffic(
            "traffic",
            TrafficArgs(
                cluster_name="c",
                hosts={"chat.other.dev": "internal"},
                tls_issuer="private-ca",
                vpc_cidr="10.40.0.0/16",
                zones=2,
                prod=False,
                private_ca_arn=PCA,
                domain="ai.acme.dev",
                vpc_id="vpc-1",
                region="us-east-1",
            ),
            pulumi.ResourceOptions(provider=provider),
        )

    with pytest.raises(ComponentArgsError, match=r"hosts\.chat\.other\.dev"):
        plan_program(program, NO_DEFAULT_PROVIDERS, project="lepton-aws-dns-args")


def test_a_public_host_without_the_public_zone_is_refused_at_spec_time() -> None:
    raw = _dev(tls_issuer="private-ca")
    raw["aws"] = {k: v for k, v in raw["aws"].items() if k != "dns_zone_id"} | {"private_ca_arn": PCA}
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    (problem,) = [p for p in err.value.problems if p.path == "aws.dns_zone_id"]
    assert "sentiment.dev.acme.dev" in problem.why and "network.dns_records: false" in problem.fix
    # Without records to write, the public zone is not needed (certificates come from the private CA).
    PlatformSpec.from_dict({**raw, "network": {**raw["network"], "dns_records": False}})


def test_acme_without_the_zone_is_one_problem_on_the_field() -> None:
    raw = _dev()
    raw["aws"] = {k: v for k, v in raw["aws"].items() if k != "dns_zone_id"}
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    assert err.value.paths.count("aws.dns_zone_id") == 1


def test_no_records_no_zone_and_the_addresses_are_still_stack_outputs() -> None:
    graph = _plan(_dev(dns_records=False), "lepton-aws-no-dns")
    assert graph.of_type(ZONE) == []
    assert [r.name for r in graph.of_type(RECORD) if r.get("aliases")] == []
    (ingress,) = graph.of_type(INGRESS)
    assert graph.outputs["host_addresses"] == {
        "sentiment.dev.acme.dev": ingress.outputs["status"]["loadBalancer"]["ingress"][0]["hostname"]
    }


def test_records_name_the_albs_zone_of_the_stacks_region_through_its_provider() -> None:
    raw = _dev()
    raw["region"] = "us-west-2"
    graph = _plan(raw, "lepton-aws-dns-west")
    (zone,) = graph.of_type(ZONE)
    assert zone.get("vpcs")[0]["vpcRegion"] == "us-west-2"
    records = [r for r in graph.of_type(RECORD) if r.get("aliases")]
    assert len(records) == 2
    # ALBs' canonical hosted zone in us-west-2 (AWS General Reference, Elastic Load Balancing endpoints).
    assert {r.get("aliases")[0]["zoneId"] for r in records} == {"Z1H1FL5HABSF5"}
    (provider,) = graph.of_type("pulumi:providers:aws")
    assert {r.provider for r in [zone, *records]} == {provider.urn}


@pytest.mark.parametrize("stack", ["aws-dev", "aws-prod"])
def test_the_private_zone_is_on_the_idle_bill(stack: str, plan_stack, platform_dir) -> None:
    """Route 53 bills a hosted zone $0.50 a month (the account's first 25; aws.amazon.com/route53/pricing),
    and nothing for alias records or their queries to an ALB: one item per zone, records unpriced."""
    from lepton_infra.cost import estimate_cost

    graph = plan_stack(platform_dir, stack)
    items = [i for i in estimate_cost(graph).items if i.type.startswith("aws:route53/")]
    assert [(i.urn, i.category, i.monthly_usd_idle, i.monthly_usd_max) for i in items] == [
        (z.urn, "dns", 0.5, 0.5) for z in graph.of_type(ZONE)
    ]
    assert items and "route53/pricing" in items[0].price_source
