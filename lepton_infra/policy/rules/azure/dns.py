"""Azure DNS rules: a record in a public zone holds no private address."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import Finding, NotApplicable, Severity, StackView
from lepton_infra.policy.props import as_list, as_mapping, shown
from lepton_infra.policy.registry import stack_rule
from lepton_infra.policy.rules._shared import private_addresses
from lepton_infra.policy.rules.azure.tokens import AZURE_PUBLIC_RECORD


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
