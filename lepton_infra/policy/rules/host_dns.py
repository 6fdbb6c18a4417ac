"""Hosts' DNS records on GCP and Azure: a record whose address only the platform's network can reach lies in
a private zone, never in a public one. (AWS's alias records name a load balancer, not an address:
`lepton-aws-internal-lb-private-dns` in rules/aws.py.)

A public record with a private address publishes the internal service's name and the network's addressing
to the internet, and answers nobody outside: clients inside get the private zone's copy anyway.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import as_list, as_mapping, is_unknown, shown
from lepton_infra.policy.registry import stack_rule

GCP_ZONE = "gcp:dns/managedZone:ManagedZone"
GCP_RECORD = "gcp:dns/recordSet:RecordSet"
AZURE_PUBLIC_RECORD = "azure-native:dns:RecordSet"


# Addresses only a network (or a host) itself reaches: RFC 1918, shared address space (RFC 6598, CGNAT),
# link-local, loopback, IPv6 unique-local and link-local.
INTERNAL_RANGES = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "169.254.0.0/16",
        "127.0.0.0/8",
        "fc00::/7",
        "fe80::/10",
        "::1/128",
    )
)


def private_addresses(values: list) -> list[str]:
    """The known addresses among `values` that only the network reaches (`INTERNAL_RANGES`). Unknown values
    (a first preview) and names are not judged."""
    out = []
    for value in values:
        if is_unknown(value) or not isinstance(value, str):
            continue
        try:
            address = ipaddress.ip_address(value)
        except ValueError:
            continue
        if any(address in network for network in INTERNAL_RANGES if network.version == address.version):
            out.append(value)
    return out


def _in_private_zone(record: ResourceView, zones: list[ResourceView]) -> bool:
    zone = record.get("managedZone")
    return any(
        z.urn in record.dependencies or (isinstance(zone, str) and zone == z.get("name")) for z in zones
    )


@stack_rule(
    id="lepton-gcp-private-address-private-zone",
    title="Private addresses are published only in private zones",
    severity=Severity.MEDIUM,
    clouds=("gcp",),
    description="A Cloud DNS record set (`gcp:dns/recordSet:RecordSet`) whose `rrdatas` hold a private "
    "address "
    "(an internal Gateway's, RFC 1918, shared, link-local or unique-local ranges) lies in a private managed "
    "zone of this stack "
    "(`visibility: private`, referred to by `managedZone`). In a public zone it tells the internet that the "
    "internal service exists and how the network is addressed, and serves nobody there.",
    remediation="Write internal hosts in a private managed zone visible to the VPC (`gcp.dns.ManagedZone("
    "visibility='private', private_visibility_config=...)`, `managed_zone=zone.name`); keep the public zone "
    "for "
    "public Gateways' addresses.",
)
def gcp_private_address_private_zone(stack: StackView) -> Iterator[Finding]:
    private_zones = [z for z in stack.of_type(GCP_ZONE) if z.get("visibility") == "private"]
    judged = [
        (r, private_addresses(as_list(r.get("rrdatas"))))
        for r in stack.of_type(GCP_RECORD)
        if r.get("type") in ("A", "AAAA")
    ]
    judged = [(r, found) for r, found in judged if found]
    if not judged:
        raise NotApplicable("no A/AAAA record set holds a known private address")
    for record, found in judged:
        if not _in_private_zone(record, private_zones):
            yield Finding(
                f"record {shown(record.get('name'))} in zone {shown(record.get('managedZone'))} publishes "
                f"the private address {', '.join(found)}, and that zone is not a private zone of this stack",
                record.urn,
            )


@stack_rule(
    id="lepton-azure-private-address-private-zone",
    title="Private addresses are published only in private zones",
    severity=Severity.MEDIUM,
    clouds=("azure",),
    description="An A or AAAA record set in a public Azure DNS zone (`azure-native:dns:RecordSet`) holds no "
    "private address (an internal load balancer's, RFC 1918, shared, link-local or unique-local ranges): "
    "those belong in a "
    "Private DNS zone linked to the VNet (`azure-native:privatedns:PrivateRecordSet`). In a public zone the "
    "record tells the internet that the internal service exists and how the network is addressed.",
    remediation="Write internal hosts as `privatedns.PrivateRecordSet` in a `privatedns.PrivateZone` linked "
    "to "
    "the VNet; keep public zones for internet-facing addresses.",
)
def azure_private_address_private_zone(stack: StackView) -> Iterator[Finding]:
    judged = []
    for record in stack.of_type(AZURE_PUBLIC_RECORD):
        addresses = [as_mapping(a).get("ipv4Address") for a in as_list(record.get("aRecords"))]
        addresses += [as_mapping(a).get("ipv6Address") for a in as_list(record.get("aaaaRecords"))]
        if found := private_addresses(addresses):
            judged.append((record, found))
    if not judged and not stack.of_type(AZURE_PUBLIC_RECORD):
        raise NotApplicable("no record set in a public Azure DNS zone")
    for record, found in judged:
        yield Finding(
            f"record {shown(record.get('relativeRecordSetName'))} in the public zone "
            f"{shown(record.get('zoneName'))} publishes the private address {', '.join(found)}",
            record.urn,
        )
