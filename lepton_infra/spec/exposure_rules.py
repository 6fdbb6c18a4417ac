"""What the spec refuses about exposing services through a load balancer: each exposed service needs a
host within `network.domain`, hosts are unique, public exposure in prod needs the explicit flag, and ACME
needs an account e-mail. Refused here because the cloud would refuse it later (a certificate for a name
outside the zone cannot be validated; two routes claiming one host conflict) or because it would open the
platform to the internet without anyone having said so."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.core.exposure import service_exposure, service_host, within
from lepton_infra.core.spec_checks import rule

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

# An FQDN load balancers match exactly: lowercase labels, no wildcard (one certificate per host).
_HOST = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")
_HOST_MAX = 253


@rule("environment", "network", "services")
def _exposure(spec: PlatformSpec) -> Iterator[Problem]:
    net = spec.network
    owners: dict[str, int] = {}
    for i, svc in enumerate(spec.services):
        path = f"services[{i}]"
        exposure = service_exposure(spec, svc)
        if svc.host is not None and exposure == "cluster":
            yield Problem(
                f"{path}.host",
                svc.host,
                "a host on a service reached only inside the cluster (expose: cluster) would be ignored",
                "set expose: internal or public, or drop host",
            )
            continue
        if exposure == "cluster":
            continue
        host = service_host(spec, svc)
        if host is None:
            yield Problem(
                f"{path}.expose",
                exposure,
                f"an {exposure} service needs a host name and network.domain is unset",
                "set network.domain (hosts default to "
                f"`{svc.name}.<domain>`), or services[{i}].host within it",
            )
            continue
        if len(host) > _HOST_MAX or not _HOST.match(host):
            yield Problem(
                f"{path}.host",
                host,
                "not a lowercase DNS name (a load balancer matches the Host header exactly; no wildcard)",
                "write an FQDN such as `chat.ai.acme.dev`",
            )
            continue
        if net.domain is None:
            yield Problem(
                f"{path}.host",
                host,
                "network.domain is unset, so the host cannot be checked "
                "against the zone its certificate and DNS record come from",
                "set network.domain to the zone the host lies in",
            )
        elif not within(host, net.domain):
            yield Problem(
                f"{path}.host",
                host,
                f"outside network.domain {net.domain} (its certificate and DNS record come from that zone)",
                f"use a name ending in .{net.domain}",
            )
        if host in owners:
            other = spec.services[owners[host]].name
            yield Problem(
                f"{path}.host",
                host,
                f"also the host of services[{owners[host]}] ({other}): two "
                "routes for one host conflict on the load balancer",
                "give each service its own host",
            )
        else:
            owners[host] = i
        if exposure == "public" and spec.environment == "prod" and not net.public_services:
            yield Problem(
                f"{path}.expose",
                "public",
                "a prod platform exposes nothing to the internet unless network.public_services says so",
                "set network.public_services: true, or expose: internal",
            )
    if net.tls_issuer == "acme" and net.acme_email is None:
        yield Problem(
            "network.acme_email",
            None,
            "ACME (tls_issuer: acme) registers an account with an e-mail for expiry notices",
            "set network.acme_email, or tls_issuer: private-ca",
        )
    if net.tls_issuer == "acme" and net.domain is None:
        yield Problem(
            "network.domain",
            None,
            "ACME proves control of the domain by DNS-01 in its zone",
            "set network.domain to a public zone the cloud's DNS serves, or tls_issuer: private-ca",
        )


# Second-level public suffixes under which a three-label name is still an organisation's apex (each one
# checked against the ICANN section of the Public Suffix List, github.com/publicsuffix/list
# public_suffix_list.dat, read 2026-12-07). Not the whole list: an apex under another multi-label suffix
# is not caught.
_SECOND_LEVEL_SUFFIXES = frozenset(
    [
        "co.uk",
        "org.uk",
        "ac.uk",
        "gov.uk",
        "com.au",
        "net.au",
        "org.au",
        "co.jp",
        "ne.jp",
        "or.jp",
        "co.nz",
        "com.br",
        "com.cn",
        "co.in",
        "co.za",
        "com.mx",
        "com.sg",
        "com.tr",
        "co.kr",
        "com.tw",
        "com.hk",
    ]
)


def is_apex(domain: str) -> bool:
    """A registrable domain itself (`acme.dev`, `acme.co.uk`), not a subdomain of one."""
    labels = domain.split(".")
    return len(labels) <= 2 or (len(labels) == 3 and ".".join(labels[1:]) in _SECOND_LEVEL_SUFFIXES)


@rule("network", "services")
def _own_subdomain(spec: PlatformSpec) -> Iterator[Problem]:
    """With exposed hosts and `dns_records`, the platform creates a private zone for `network.domain` on
    its network (docs/architecture.md, "Host DNS"): inside the network that zone answers for every name
    under the domain, so an organisation's apex would stop every other host of it resolving there."""
    net = spec.network
    if net.domain is None or not net.dns_records or not is_apex(net.domain):
        return
    if not any(service_exposure(spec, s) != "cluster" for s in spec.services):
        return
    yield Problem(
        "network.domain",
        net.domain,
        "an apex domain: the platform's private zone for it would answer for every name under it inside "
        "the network, hiding the organisation's other hosts there",
        f"use the platform's own subdomain, e.g. ai.{net.domain}",
    )


EXPOSURE_RULES = (_exposure, _own_subdomain)
