"""Cloud DNS rules: a record holding a private address lies in a private zone."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import as_list, shown
from lepton_infra.policy.registry import stack_rule
from lepton_infra.policy.rules._shared import private_addresses
from lepton_infra.policy.rules.gcp.tokens import GCP_RECORD, GCP_ZONE


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
