"""GKE hosts' DNS: a static address per Gateway, and the A records that point each exposed host at it.

The address is reserved before the Gateway exists and named in its `spec.addresses` (`NamedAddress`, the
form GKE's "Deploying Gateways" static-IP example uses), so the records can be written from it up front
and outlive a re-created Gateway:
- internal (`gke-l7-rilb`): a regional INTERNAL address in the nodes' subnet (GKE reserves it "--subnet" of
  the cluster's region; never the proxy-only subnet, which holds only the Envoy proxies' source addresses),
  with purpose SHARED_LOADBALANCER_VIP: the Gateway's HTTP:80 and HTTPS:443 listeners are two forwarding
  rules on one address, and an internal address may serve several forwarding rules only with that purpose
  (Compute API Address.purpose; a GCE_ENDPOINT address answers the second rule with 409
  IP_IN_USE_BY_ANOTHER_RESOURCE).
- public (`gke-l7-regional-external-managed`): a regional EXTERNAL address in the STANDARD tier (Compute API
  Address.networkTier: a regional forwarding rule's tier must equal its address's, and regional Premium
  addresses serve only network load balancers, Standard ones any external load balancer).

With `network.dns_records`, a Cloud DNS private zone for `network.domain` visible to the platform's VPC
holds every exposed host; public hosts also get their record in the operator's public zone
(`gcp.dns_zone`), where the platform writes records only and never touches the zone itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.args import one_of
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.core.traffic import Exposure
from lepton_infra.spec.exposure_rules import within

INTERNAL_ADDRESS_PURPOSE = "SHARED_LOADBALANCER_VIP"
EXTERNAL_NETWORK_TIER = "STANDARD"
RECORD_TTL_SECONDS = 300
# Public recursive resolvers (Google Public DNS, Cloudflare) cert-manager's DNS-01 self-check asks once a
# private zone for the domain shadows the public one inside the VPC (split-horizon). The pods reach them
# through the node subnet's Cloud NAT (all its ranges, pods' included); GCP allows egress by default and
# the platform adds no egress rule or NetworkPolicy in cert-manager's namespace.
PUBLIC_RESOLVERS: tuple[str, ...] = ("8.8.8.8:53", "1.1.1.1:53")


def gateway_address(
    name: str,
    exposure: Exposure,
    *,
    project: pulumi.Input[str],
    region: str,
    name_prefix: str,
    node_subnet: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> gcp.compute.Address:
    """The static address one Gateway (one per exposure) is given, named `<prefix>-gateway-<exposure>`."""
    physical = physical_name(name_prefix, f"gateway-{exposure}", limit="gcp:generic")
    if exposure == "internal":
        return gcp.compute.Address(
            name,
            name=physical,
            project=project,
            region=region,
            address_type="INTERNAL",
            subnetwork=node_subnet,
            purpose=INTERNAL_ADDRESS_PURPOSE,
            description="lepton-infra: the internal Gateway's address (HTTP and HTTPS forwarding rules)",
            opts=opts,
        )
    return gcp.compute.Address(
        name,
        name=physical,
        project=project,
        region=region,
        address_type="EXTERNAL",
        network_tier=EXTERNAL_NETWORK_TIER,
        description="lepton-infra: the public Gateway's address",
        opts=opts,
    )


def gateway_addresses_field(address: gcp.compute.Address) -> list[dict[str, pulumi.Input[str]]]:
    """Gateway `spec.addresses`: the reserved address by name (GKE resolves it in the cluster's region)."""
    return [{"type": "NamedAddress", "value": address.name}]


@dataclass
class HostDnsArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The GCP project (its id) the resources are created in."""
    name_prefix: str
    """Prefix of the private zone's name (`<platform>-<environment>`)."""
    domain: str
    """`network.domain`: the private zone's DNS name; every host lies within it."""
    network: pulumi.Input[str]
    """The VPC (its id) the private zone is visible to."""
    hosts: Sequence[tuple[str, Exposure]]
    """Every exposed host with its exposure (internal | public): an A record each in the private zone, public
    hosts in `public_zone` too."""
    addresses: Mapping[Exposure, pulumi.Input[str]]
    """Exposure -> the static IP of its Gateway (`Traffic.gateway_ips`): where each host's records point."""
    public_zone: str | None = None
    """The operator's public Cloud DNS zone (`gcp.dns_zone`), where public hosts' records go (the zone itself
    is never touched). Default: none (then no public host)."""

    def problems(self) -> Iterator[Problem]:
        """What Cloud DNS would refuse: a record outside the zone's domain, a public host with no public
        zone to write it in; and a host whose exposure has no Gateway address to point at."""
        for host, exposure in self.hosts:
            yield from one_of(f"hosts.{host}", exposure, ("internal", "public"), "exposure")
            if not within(host, self.domain):
                yield Problem(
                    f"hosts.{host}",
                    host,
                    f"outside {self.domain}: Cloud DNS refuses a record outside its zone",
                    f"use a host within {self.domain}",
                )
            if exposure not in self.addresses:
                yield Problem(
                    "addresses",
                    sorted(self.addresses),
                    f"no {exposure} Gateway address for {host}",
                    f"add the {exposure} Gateway's address",
                )
        if any(e == "public" for _, e in self.hosts) and self.public_zone is None:
            yield Problem(
                "public_zone",
                None,
                "a public host's record also goes in the operator's public zone",
                "set public_zone (gcp.dns_zone), or expose no host publicly",
            )


class HostDns(Component):
    """The private zone for the domain on the VPC, and each host's A record(s) pointing at its Gateway."""

    TOKEN = "lepton:gcp:HostDns"

    def __init__(self, name: str, args: HostDnsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        self._project = args.project
        # Holds only records this component manages (no state of its own): not protected, and Cloud DNS
        # refuses to delete it while a record other than SOA/NS remains, so `destroy` removes ours first.
        self.zone = gcp.dns.ManagedZone(
            child_name(name, "private-zone"),
            name=physical_name(args.name_prefix, "hosts", limit="gcp:generic"),
            project=args.project,
            dns_name=f"{args.domain}.",
            visibility="private",
            description=f"lepton-infra: the exposed services' hosts under {args.domain}, inside the VPC",
            private_visibility_config=gcp.dns.ManagedZonePrivateVisibilityConfigArgs(
                networks=[gcp.dns.ManagedZonePrivateVisibilityConfigNetworkArgs(network_url=args.network)]
            ),
            opts=self.child_opts(),
        )
        self.records: dict[str, list[gcp.dns.RecordSet]] = {}
        for host, exposure in args.hosts:
            ip = args.addresses[exposure]
            records = [self._record(child_name(name, f"private-{host}"), host, self.zone.name, ip)]
            if exposure == "public":
                # The operator's zone: a record there that someone else owns makes the create fail (409)
                # rather than be overwritten.
                records.append(
                    self._record(child_name(name, f"public-{host}"), host, str(args.public_zone), ip)
                )
            self.records[host] = records
        self.finish({"zone": self.zone.name, "hosts": sorted(self.records)})

    def _record(
        self, name: str, host: str, zone: pulumi.Input[str], ip: pulumi.Input[str]
    ) -> gcp.dns.RecordSet:
        return gcp.dns.RecordSet(
            name,
            project=self._project,
            managed_zone=zone,
            name=f"{host}.",
            type="A",
            ttl=RECORD_TTL_SECONDS,
            rrdatas=[ip],
            opts=self.child_opts(),
        )
