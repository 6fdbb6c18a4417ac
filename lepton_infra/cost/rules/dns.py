"""DNS zones the plan creates, each billed per month (queries are usage): the hosts' private zones on every
cloud and Azure's privatelink zones; and the static addresses the hosts' records point at (GCP: free while
a forwarding rule uses them)."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.cost.registry import CostItem, cost_item, rule
from lepton_infra.plan.record import PlannedGraph, RecordedResource


@rule("gcp:dns/managedZone:ManagedZone")
def _cloud_dns_zone(r: RecordedResource, graph: PlannedGraph, book) -> Iterator[CostItem]:
    yield cost_item(
        r,
        "dns",
        book.fee("gcp-dns-managed-zone"),
        1,
        1,
        note=f"{r.get('visibility') or 'public'} zone {r.get('dnsName')}; plus $0.40 per million queries "
        f"(usage)",
    )


@rule("gcp:compute/address:Address")
def _gcp_static_address(r: RecordedResource, graph: PlannedGraph, book) -> Iterator[CostItem]:
    if r.get("addressType") == "INTERNAL":
        yield cost_item(r, "load_balancer", book.fee("gcp-static-ip-internal"), 1, 1)
    else:
        yield cost_item(
            r,
            "load_balancer",
            book.fee("gcp-static-ip-external-in-use"),
            1,
            1,
            note="free while the Gateway's forwarding rules use it; $0.01/hour reserved and unused",
        )


@rule("aws:route53/zone:Zone")
def _aws_hosted_zone(r, graph, book):
    yield cost_item(
        r,
        "dns",
        book.fee("aws-route53-hosted-zone"),
        1,
        1,
        note="first 25 zones of the account; $0.10/month beyond; queries $0.40/million (alias to ELB free)",
    )


@rule("azure-native:privatedns:PrivateZone")
def _azure_private_zone(r, graph, book):
    # Every private zone: the hosts' zone and the privatelink zones of the private endpoints alike.
    yield cost_item(
        r, "dns", book.fee("azure-private-dns-zone"), 1, 1, note="plus $0.40 per million queries (usage)"
    )


@rule("azure-native:privatedns:VirtualNetworkLink")
def _azure_private_zone_link(r, graph, book):
    yield cost_item(r, "dns", book.fee("azure-private-dns-vnet-link"), 1, 1)
