"""DNS for the exposed hosts on Azure: a Private DNS zone for `network.domain` linked to the platform's VNet,
and per host an A record at the address its Ingress reports (`IngressFacts.publish_host`).

Internal hosts are written in the private zone only; public hosts in the private zone and in the operator's
public zone (`azure.dns_zone_id`), so a public host resolves inside the VNet too: a private zone linked to a
VNet answers every name under its domain there, and a name it lacks is NXDOMAIN, with no fallback to the
public zone (Private DNS docs, "What is an Azure Private DNS zone?": linked zones are queried first; the
link's `resolutionPolicy: NxDomainRedirect` applies to privatelink zones only).

Why the platform writes the records and the application routing add-on writes none: the add-on's
external-dns (aks-app-routing-operator v0.2.25, pkg/manifests/external_dns.go) watches every Ingress of
the cluster (`--source=ingress`, no class or label filter) and keeps only names under each attached zone
(`--domain-filter=<zone>`), so a public zone attached to it would also receive the internal hosts' private
addresses, and it would fight the records written here. No zone is attached (`dnsZoneResourceIds` unset),
so the operator deploys no external-dns at all (pkg/controller/dns/external_dns.go: no zone -> clean).

A record set someone else already holds is never adopted: pulumi-azure-native checks that a resource does
not exist before it creates one (pulumi/pulumi-azure-native#303), so `pulumi up` stops on a clash instead.
A record set's zone, name and type are its ARM id: changing a host replaces its records (a new id, so the
replacement created before the old one goes cannot clash); a new `network.domain` replaces the zone.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import dns, privatedns

from lepton_infra.core.naming import physical_name
from lepton_infra.core.traffic import HostAddress

# Long enough to spare the resolvers, short enough that a re-created load balancer's new address is picked
# up within minutes (the NGINX Service's IP changes only when that Service is re-created).
RECORD_TTL_SECONDS = 300
# Private DNS zones and their VNet links are global resources (ARM refuses a region for them).
GLOBAL = "global"
# Public resolvers cert-manager's DNS-01 self-check asks when a private zone for the same domain shadows
# the public one inside the VNet (split-horizon). Plain DNS on port 53 leaves through the NAT gateway
# (the cluster's only egress; the node subnet's NSG denies only inbound internet traffic) and no
# NetworkPolicy selects cert-manager's namespace. Two operators, so one outage does not stall issuance.
SELF_CHECK_RESOLVERS = ("1.1.1.1:53", "8.8.8.8:53")


def relative_record_name(host: str, zone: str) -> str:
    """The record set's name inside `zone` (`@` for the apex)."""
    host, zone = host.rstrip(".").lower(), zone.rstrip(".").lower()
    if host == zone:
        return "@"
    if not host.endswith(f".{zone}"):
        raise ValueError(f"{host} is not in zone {zone} (refused at spec time; reaching here is a bug)")
    return host[: -len(zone) - 1]


@dataclass(frozen=True)
class PublicZone:
    """The operator's public zone: records only, never the zone itself."""

    subscription_id: str
    resource_group: str
    name: str

    @classmethod
    def from_id(cls, zone_id: str) -> PublicZone:
        parts = zone_id.split(
            "/"
        )  # /subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.Network/dnszones/<z>
        return cls(subscription_id=parts[2], resource_group=parts[4], name=parts[-1].lower())


def private_host_zone(
    name: str,
    domain: str,
    vnet_id: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    name_prefix: str,
    tags: Mapping[str, str],
    opts: pulumi.ResourceOptions,
) -> tuple[privatedns.PrivateZone, privatedns.VirtualNetworkLink]:
    """The private zone for `domain` and its link to the platform's VNet. The link registers nothing
    (`registrationEnabled: false`): node VMs' names have no place in the services' domain."""
    zone = privatedns.PrivateZone(
        f"{name}-zone",
        private_zone_name=domain,
        location=GLOBAL,
        resource_group_name=resource_group_name,
        tags=dict(tags),
        opts=opts,
    )
    link = privatedns.VirtualNetworkLink(
        f"{name}-zone-link",
        virtual_network_link_name=physical_name(name_prefix, "hosts", limit=80),
        private_zone_name=zone.name,
        resource_group_name=resource_group_name,
        location=GLOBAL,
        registration_enabled=False,
        virtual_network=privatedns.SubResourceArgs(id=vnet_id),
        tags=dict(tags),
        # A link's VNet cannot be changed in place (azurerm marks `virtual_network_id` ForceNew).
        opts=pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(replace_on_changes=["virtualNetwork"])
        ),
    )
    return zone, link


@dataclass
class HostRecords:
    """`IngressFacts.publish_host` on AKS: the A records of one exposed host, at the IP the host's Ingress
    reports (the NGINX controller publishes its LoadBalancer Service's address there)."""

    provider: pulumi.ProviderResource
    resource_group_name: pulumi.Input[str]
    domain: str
    private_zone: privatedns.PrivateZone
    public_zone: PublicZone | None = None
    public_zone_provider: pulumi.ProviderResource | None = None  # the public zone's subscription
    metadata: Mapping[str, str] = field(default_factory=dict)

    def __call__(
        self, name: str, address: HostAddress, opts: pulumi.ResourceOptions
    ) -> list[pulumi.Resource]:
        ip = address.ip.apply(lambda value, host=address.host: _reported_ip(host, value))
        records: list[pulumi.Resource] = [
            privatedns.PrivateRecordSet(
                f"{name}-private",
                private_zone_name=self.private_zone.name,
                resource_group_name=self.resource_group_name,
                relative_record_set_name=relative_record_name(address.host, self.domain),
                record_type="A",
                ttl=RECORD_TTL_SECONDS,
                a_records=[privatedns.ARecordArgs(ipv4_address=ip)],
                metadata=dict(self.metadata),
                opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=self.provider)),
            )
        ]
        if address.exposure == "public":
            zone = self.public_zone
            if zone is None:
                raise ValueError(
                    f"public host {address.host} with no azure.dns_zone_id "
                    "(refused at spec time; reaching here is a bug)"
                )
            records.append(
                dns.RecordSet(
                    f"{name}-public",
                    zone_name=zone.name,
                    resource_group_name=zone.resource_group,
                    relative_record_set_name=relative_record_name(address.host, zone.name),
                    record_type="A",
                    ttl=RECORD_TTL_SECONDS,
                    a_records=[dns.ARecordArgs(ipv4_address=ip)],
                    metadata=dict(self.metadata),
                    opts=pulumi.ResourceOptions.merge(
                        opts, pulumi.ResourceOptions(provider=self.public_zone_provider or self.provider)
                    ),
                )
            )
        return records


def _reported_ip(host: str, value: str | None) -> str:
    if not value:
        # The NGINX controller publishes an IP (its Service is `type: LoadBalancer`); a hostname or nothing
        # would mean another controller answers this Ingress: no record is better than a wrong one.
        raise ValueError(f"the Ingress for {host} reports no load-balancer IP in status.loadBalancer.ingress")
    return value
