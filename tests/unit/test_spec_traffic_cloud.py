"""What each cloud needs to issue the certificates of exposed services, refused at spec time with the field:
acme needs the cloud's DNS zone; on AWS a private CA must be an ACM Private CA in the stack's region."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.harness import shipped_spec as raw_spec

PCA = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0b6c9a8e-0000-4000-8000-000000000001"
AZURE_ZONE = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dns/providers/"
    "Microsoft.Network/dnszones/acme.dev"
)


def _with(stack: str, network: dict[str, Any], knobs: dict[str, Any] | None = None) -> dict[str, Any]:
    raw = copy.deepcopy(raw_spec(stack))
    base = {
        k: v for k, v in raw.get("network", {}).items() if k not in ("domain", "tls_issuer", "acme_email")
    }
    raw["network"] = {**base, **network}
    cloud = raw["cloud"]
    if knobs is not None:
        raw[cloud] = {
            **{
                k: v
                for k, v in (raw.get(cloud) or {}).items()
                if k not in ("dns_zone_id", "dns_zone", "private_ca_arn")
            },
            **knobs,
        }
    return raw


def _problems(raw: dict[str, Any]) -> dict[str, Any]:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    return {p.path: p for p in err.value.problems}


ACME = {"domain": "ai.acme.dev", "tls_issuer": "acme", "acme_email": "certs@acme.dev"}
PRIVATE = {"domain": "ai.acme.dev", "tls_issuer": "private-ca"}


@pytest.mark.parametrize(
    ("stack", "field"),
    [("aws-prod", "aws.dns_zone_id"), ("gcp-prod", "gcp.dns_zone"), ("azure-prod", "azure.dns_zone_id")],
)
def test_acme_without_the_clouds_zone_is_refused(stack: str, field: str) -> None:
    problems = _problems(_with(stack, ACME, {}))
    assert field in problems
    assert "DNS-01" in problems[field].why and field in problems[field].fix


def test_aws_private_ca_needs_an_acm_private_ca_in_the_region() -> None:
    problems = _problems(_with("aws-prod", PRIVATE, {}))
    assert "ACM Private CA" in problems["aws.private_ca_arn"].why
    elsewhere = PCA.replace("us-east-1", "eu-west-1")
    problems = _problems(_with("aws-prod", PRIVATE, {"private_ca_arn": elsewhere}))
    assert problems["aws.private_ca_arn"].value == elsewhere
    PlatformSpec.from_dict(_with("aws-prod", PRIVATE, {"private_ca_arn": PCA}))


@pytest.mark.parametrize("stack", ["gcp-prod", "azure-prod"])
def test_private_ca_needs_nothing_from_gcp_and_azure(stack: str) -> None:
    PlatformSpec.from_dict(_with(stack, PRIVATE, {}))


def test_the_zone_knobs_satisfy_acme() -> None:
    PlatformSpec.from_dict(_with("aws-prod", ACME, {"dns_zone_id": "Z0123456789ABCDEFGHIJ"}))
    PlatformSpec.from_dict(_with("gcp-prod", ACME, {"dns_zone": "acme-dev"}))
    PlatformSpec.from_dict(_with("azure-prod", ACME, {"dns_zone_id": AZURE_ZONE}))


def test_an_azure_zone_must_serve_the_domain() -> None:
    other = AZURE_ZONE.replace("acme.dev", "other.dev")
    problems = _problems(_with("azure-prod", ACME, {"dns_zone_id": other}))
    assert problems["azure.dns_zone_id"].value == other


@pytest.mark.parametrize(
    ("stack", "knobs", "field"),
    [
        ("aws-prod", {"dns_zone_id": "zone-1"}, "aws.dns_zone_id"),
        (
            "aws-prod",
            {"private_ca_arn": "arn:aws:acm:us-east-1:123456789012:certificate/x"},
            "aws.private_ca_arn",
        ),
        ("gcp-prod", {"dns_zone": "Acme_Zone"}, "gcp.dns_zone"),
        ("azure-prod", {"dns_zone_id": "acme.dev"}, "azure.dns_zone_id"),
    ],
)
def test_malformed_zone_and_ca_ids_are_refused(stack: str, knobs: dict[str, Any], field: str) -> None:
    assert field in _problems(_with(stack, ACME, knobs))


def test_nothing_is_asked_without_a_domain() -> None:
    raw = _with("aws-prod", {}, {})
    PlatformSpec.from_dict(raw)
