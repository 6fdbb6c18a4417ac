"""What every cloud needs of the public DNS zone its knobs name, when some service is exposed (read by each
cloud's certificate rule, profiles/<cloud>/rules.py).

An ACME certificate is proven by DNS-01 in the zone serving `network.domain`, so acme needs that zone on
every cloud (AWS: ACM validates by DNS in Route 53; GCP/Azure: cert-manager writes the TXT records). With
`network.dns_records` on, a public host is written in the public zone whatever the issuer, so the zone is
needed then too. Checked only when some service is exposed: a domain without exposed services needs
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.core.exposure import exposed_services

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


def acme_needs_zone(spec: PlatformSpec, path: str, zone: str | None, what: str) -> Iterator[Problem]:
    if spec.network.tls_issuer == "acme" and exposed_services(spec) and zone is None:
        yield Problem(
            path,
            None,
            f"`network.tls_issuer: acme` proves each host by DNS-01 in {what} serving {spec.network.domain}",
            f"set {path}, or use `network.tls_issuer: private-ca`",
        )


def public_records_need_zone(spec: PlatformSpec, path: str, zone: str | None, what: str) -> Iterator[Problem]:
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
