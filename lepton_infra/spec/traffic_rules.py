"""Per-cloud rules for exposed services: what each cloud needs to issue their certificates and to write
their DNS records.

An ACME certificate is proven by DNS-01 in the zone serving `network.domain`, so acme needs that zone on
every cloud (AWS: ACM validates by DNS in Route 53; GCP/Azure: cert-manager writes the TXT records). On
AWS an ALB serves only ACM certificates, so a private CA must be an ACM Private CA the spec names.
With `network.dns_records` on, a public host is written in the public zone whatever the issuer, so the
zone is needed then too (every cloud). Checked only when some service is exposed: a domain without exposed
services needs nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.spec.checks import rule
from lepton_infra.spec.exposure import exposed_services
from lepton_infra.spec.exposure_rules import within

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


def _acme_needs_zone(spec: PlatformSpec, path: str, zone: str | None, what: str) -> Iterator[Problem]:
    if spec.network.tls_issuer == "acme" and exposed_services(spec) and zone is None:
        yield Problem(
            path,
            None,
            f"`network.tls_issuer: acme` proves each host by DNS-01 in {what} serving {spec.network.domain}",
            f"set {path}, or use `network.tls_issuer: private-ca`",
        )


def _public_records_need_zone(
    spec: PlatformSpec, path: str, zone: str | None, what: str
) -> Iterator[Problem]:
    """`network.dns_records` writes each public host in the public zone (acme's own refusal says it first)."""
    if zone is not None or not spec.network.dns_records or spec.network.tls_issuer == "acme":
        return
    public = [e.host for e in exposed_services(spec) if e.exposure == "public"]
    if public:
        yield Problem(
            path,
            None,
            f"`network.dns_records` writes each public host ({', '.join(public)}) in "
            f"{what} serving {spec.network.domain}",
            f"set {path} to that zone, or `network.dns_records: false` and point the hosts at their "
            "load balancers yourself (stack output host_addresses)",
        )


@rule("aws", "network", "services", "region")
def aws_certificate_sources(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.aws is None:
        return
    yield from _acme_needs_zone(
        spec, "aws.dns_zone_id", spec.aws.dns_zone_id, "the public Route 53 hosted zone"
    )
    yield from _public_records_need_zone(
        spec, "aws.dns_zone_id", spec.aws.dns_zone_id, "the public Route 53 hosted zone"
    )
    if spec.network.tls_issuer == "private-ca" and exposed_services(spec) and spec.aws.private_ca_arn is None:
        yield Problem(
            "aws.private_ca_arn",
            None,
            "an ALB serves only ACM certificates: with `network.tls_issuer: "
            "private-ca` they are issued by an ACM Private CA",
            "set aws.private_ca_arn to an existing ACM Private CA in the stack's region, or use "
            "`network.tls_issuer: acme` with aws.dns_zone_id",
        )
    arn = spec.aws.private_ca_arn
    if arn is not None and arn.split(":")[3] != spec.region:
        yield Problem(
            "aws.private_ca_arn",
            arn,
            f"ACM issues private certificates only from a CA in the certificate's region ({spec.region})",
            f"name a Private CA in {spec.region}",
        )


@rule("gcp", "network", "services")
def gcp_certificate_sources(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.gcp is None:
        return
    yield from _acme_needs_zone(spec, "gcp.dns_zone", spec.gcp.dns_zone, "the Cloud DNS managed zone")
    yield from _public_records_need_zone(
        spec, "gcp.dns_zone", spec.gcp.dns_zone, "the public Cloud DNS managed zone (in gcp.project)"
    )


# Names Azure refuses for a private DNS zone in the public cloud, and its label limit ("What is an Azure
# Private DNS zone?", Restrictions). Their subdomains are allowed (privatelink.blob.core.windows.net is one).
AZURE_RESERVED_PRIVATE_ZONES = frozenset(
    {
        "azclient.ms",
        "azure.com",
        "cloudapp.net",
        "core.windows.net",
        "microsoft.com",
        "msidentity.com",
        "trafficmanager.net",
        "windows.net",
    }
)
AZURE_PRIVATE_ZONE_MAX_LABELS = 34


def _azure_private_zone_name(spec: PlatformSpec) -> Iterator[Problem]:
    """`network.dns_records` makes a Private DNS zone named `network.domain`: a name Azure accepts."""
    domain = spec.network.domain
    if domain is None or not spec.network.dns_records or not exposed_services(spec):
        return
    fix = "choose another network.domain, or set `network.dns_records: false`"
    if domain in AZURE_RESERVED_PRIVATE_ZONES:
        yield Problem(
            "network.domain",
            domain,
            "Azure reserves this name: no private DNS zone may be created "
            "with it, and the hosts' records live in one",
            fix,
        )
    if domain.count(".") + 1 > AZURE_PRIVATE_ZONE_MAX_LABELS:
        yield Problem(
            "network.domain",
            domain,
            f"an Azure private DNS zone has at most {AZURE_PRIVATE_ZONE_MAX_LABELS} labels",
            fix,
        )


@rule("azure", "network", "services")
def azure_certificate_sources(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.azure is None:
        return
    zone_id = spec.azure.dns_zone_id
    yield from _acme_needs_zone(spec, "azure.dns_zone_id", zone_id, "the public Azure DNS zone")
    yield from _public_records_need_zone(spec, "azure.dns_zone_id", zone_id, "the public Azure DNS zone")
    yield from _azure_private_zone_name(spec)
    domain = spec.network.domain
    if zone_id is not None and domain is not None:
        zone = zone_id.rsplit("/", 1)[-1].lower()
        if not within(domain, zone):
            yield Problem(
                "azure.dns_zone_id",
                zone_id,
                f"the zone {zone} does not serve network.domain {domain}",
                f"name the zone serving {domain} (or a parent of it)",
            )
