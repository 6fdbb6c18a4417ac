"""Host DNS and the addresses it points at: managed zones the plan creates (Cloud DNS bills each zone per
month; queries are usage) and static addresses (GCP: free while a forwarding rule uses them)."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.cost.model import CostItem, _item, rule
from lepton_infra.plan.record import PlannedGraph, RecordedResource


@rule("gcp:dns/managedZone:ManagedZone")
def _cloud_dns_zone(r: RecordedResource, graph: PlannedGraph, book) -> Iterator[CostItem]:
    yield _item(r, "dns", book.fee("gcp-dns-managed-zone"), 1, 1,
                note=f"{r.get('visibility') or 'public'} zone {r.get('dnsName')}; plus $0.40 per million queries (usage)")


@rule("gcp:compute/address:Address")
def _gcp_static_address(r: RecordedResource, graph: PlannedGraph, book) -> Iterator[CostItem]:
    if r.get("addressType") == "INTERNAL":
        yield _item(r, "load_balancer", book.fee("gcp-static-ip-internal"), 1, 1)
    else:
        yield _item(r, "load_balancer", book.fee("gcp-static-ip-external-in-use"), 1, 1,
                    note="free while the Gateway's forwarding rules use it; $0.01/hour reserved and unused")
