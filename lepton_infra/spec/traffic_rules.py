"""Per-cloud rules for exposed services: what each cloud needs to issue their certificates.

An ACME certificate is proven by DNS-01 in the zone serving `network.domain`, so acme needs that zone on
every cloud (AWS: ACM validates by DNS in Route 53; GCP/Azure: cert-manager writes the TXT records). On
AWS an ALB serves only ACM certificates, so a private CA must be an ACM Private CA the spec names.
Checked only when some service is exposed: a domain without exposed services needs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.spec.checks import rule
from lepton_infra.spec.exposure import exposed_services

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


def _acme_needs_zone(spec: PlatformSpec, path: str, zone: str | None, what: str) -> Iterator[Problem]:
    if spec.network.tls_issuer == "acme" and exposed_services(spec) and zone is None:
        yield Problem(path, None, f"`network.tls_issuer: acme` proves each host by DNS-01 in {what} serving "
                      f"{spec.network.domain}", f"set {path}, or use `network.tls_issuer: private-ca`")


@rule("aws", "network", "services", "region")
def aws_certificate_sources(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.aws is None:
        return
    yield from _acme_needs_zone(spec, "aws.dns_zone_id", spec.aws.dns_zone_id, "the public Route 53 hosted zone")
    if spec.network.tls_issuer == "private-ca" and exposed_services(spec) and spec.aws.private_ca_arn is None:
        yield Problem("aws.private_ca_arn", None, "an ALB serves only ACM certificates: with `network.tls_issuer: "
                      "private-ca` they are issued by an ACM Private CA",
                      "set aws.private_ca_arn to an existing ACM Private CA in the stack's region, or use "
                      "`network.tls_issuer: acme` with aws.dns_zone_id")
    arn = spec.aws.private_ca_arn
    if arn is not None and arn.split(":")[3] != spec.region:
        yield Problem("aws.private_ca_arn", arn, f"ACM issues private certificates only from a CA in the "
                      f"certificate's region ({spec.region})", f"name a Private CA in {spec.region}")


@rule("gcp", "network", "services")
def gcp_certificate_sources(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.gcp is None:
        return
    problems = list(_acme_needs_zone(spec, "gcp.dns_zone", spec.gcp.dns_zone, "the Cloud DNS managed zone"))
    yield from problems
    public = [e.host for e in exposed_services(spec) if e.exposure == "public"]
    if public and spec.network.dns_records and spec.gcp.dns_zone is None and not problems:
        yield Problem("gcp.dns_zone", None, f"`network.dns_records` writes the public hosts ({', '.join(public)}) "
                      "in the public Cloud DNS managed zone serving them, and none is named",
                      f"set gcp.dns_zone to the public zone (in gcp.project) serving {spec.network.domain}, or "
                      "`network.dns_records: false` and point those hosts at the public Gateway's address yourself")


@rule("azure", "network", "services")
def azure_certificate_sources(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.azure is None:
        return
    zone_id = spec.azure.dns_zone_id
    yield from _acme_needs_zone(spec, "azure.dns_zone_id", zone_id, "the public Azure DNS zone")
    domain = spec.network.domain
    if zone_id is not None and domain is not None:
        zone = zone_id.rsplit("/", 1)[-1].lower()
        if domain != zone and not domain.endswith(f".{zone}"):
            yield Problem("azure.dns_zone_id", zone_id, f"the zone {zone} does not serve network.domain {domain}",
                          f"name the zone serving {domain} (or a parent of it)")
