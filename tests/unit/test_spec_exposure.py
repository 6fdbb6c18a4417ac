"""Exposure through a load balancer: what the spec refuses, each problem naming its field, all at once."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.core.exposure import exposed_services
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.harness import TEST_PRIVATE_CA, shipped_spec
from tests.unit.test_spec_problems import AWS

DOMAIN = "ai.acme.dev"


def _raw(network: dict[str, Any] | None = None, **service: Any) -> dict[str, Any]:
    raw = copy.deepcopy(AWS)
    raw["network"] = {"cidr": "10.40.0.0/16", "zones": 2, **(network or {})}
    raw["services"] = [{**raw["services"][0], **service}]
    # The AWS profile's own certificate checks (tests/unit/test_spec_traffic_cloud.py) are satisfied here.
    raw["aws"] = {
        **raw.get("aws", {}),
        "dns_zone_id": "Z0123456789ABCDEFGHIJ",
        "private_ca_arn": TEST_PRIVATE_CA,
    }
    return raw


def _problems(raw: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    return {p.path: p for p in err.value.problems}


def test_a_service_with_a_domain_is_exposed_internally_on_its_default_host() -> None:
    spec = PlatformSpec.from_dict(_raw({"domain": DOMAIN}))
    (exposed,) = exposed_services(spec)
    assert (exposed.service, exposed.host, exposed.exposure) == ("chat", f"chat.{DOMAIN}", "internal")


@pytest.mark.parametrize("expose", ["internal", "public"])
def test_exposure_without_a_domain_or_host_is_refused(expose: str) -> None:
    problem = _problems(_raw(expose=expose))["services[0].expose"]
    assert problem.value == expose and "network.domain" in problem.fix


def test_a_host_without_a_domain_cannot_be_checked_and_is_refused() -> None:
    problem = _problems(_raw(expose="public", host="chat.example.org"))["services[0].host"]
    assert "network.domain" in problem.fix


def test_a_host_outside_the_domain_is_refused() -> None:
    problem = _problems(_raw({"domain": DOMAIN}, host="chat.acme.dev"))["services[0].host"]
    assert problem.value == "chat.acme.dev" and f".{DOMAIN}" in problem.fix
    # A name that merely ends with the domain's text is outside it too.
    assert "services[0].host" in _problems(_raw({"domain": DOMAIN}, host="chatai.acme.dev"))


@pytest.mark.parametrize(
    "host", ["Chat.ai.acme.dev", "*.ai.acme.dev", "chat_1.ai.acme.dev", "chat..ai.acme.dev"]
)
def test_a_host_that_is_not_a_lowercase_dns_name_is_refused(host: str) -> None:
    assert _problems(_raw({"domain": DOMAIN}, host=host))["services[0].host"].value == host


def test_a_host_on_a_service_that_is_not_exposed_is_refused() -> None:
    problem = _problems(_raw({"domain": DOMAIN}, expose="cluster", host=f"chat.{DOMAIN}"))["services[0].host"]
    assert "expose" in problem.fix


def test_two_services_on_one_host_are_refused_at_the_second() -> None:
    raw = _raw({"domain": DOMAIN})
    raw["services"].append({**raw["services"][0], "name": "chat2", "host": f"chat.{DOMAIN}"})
    problem = _problems(raw)["services[1].host"]
    assert "services[0]" in problem.why


def test_public_in_prod_needs_the_explicit_flag() -> None:
    raw = shipped_spec("aws-prod")
    raw["network"] = {**raw["network"], "domain": DOMAIN}
    raw["services"] = [{**raw["services"][0], "expose": "public"}, *raw["services"][1:]]
    problem = _problems(raw)["services[0].expose"]
    assert "network.public_services" in problem.fix
    raw["network"]["public_services"] = True
    spec = PlatformSpec.from_dict(raw)
    assert [e.exposure for e in exposed_services(spec)] == ["public", "internal", "internal"]


def test_public_in_dev_needs_no_flag() -> None:
    spec = PlatformSpec.from_dict(_raw({"domain": DOMAIN}, expose="public"))
    assert exposed_services(spec)[0].exposure == "public"


def test_acme_needs_an_account_email_and_a_domain() -> None:
    problems = _problems(_raw({"tls_issuer": "acme"}, expose="cluster"))
    assert problems["network.acme_email"].value is None
    assert "network.domain" in problems
    PlatformSpec.from_dict(_raw({"tls_issuer": "acme", "acme_email": "certs@acme.dev", "domain": DOMAIN}))


def test_every_exposure_problem_is_reported_in_one_error() -> None:
    raw = _raw({"domain": DOMAIN, "tls_issuer": "acme"}, host="chat.example.org")
    raw["services"].append({**raw["services"][0], "name": "chat2", "host": None, "expose": "cluster"})
    raw["services"].append({**raw["services"][0], "name": "chat3", "host": "chat.example.org"})
    problems = _problems(raw)
    assert {"services[0].host", "services[2].host", "network.acme_email"} <= set(problems)
