"""Route 53 records for the exposed hosts (`network.dns_records`): a private hosted zone for the domain on the
platform's VPC, and per host an alias A record to the ALB its Ingress reports.

Internal hosts live only in the private zone, so they resolve only inside the VPC (and its peers' resolvers,
if the operator associates them); public hosts also get a record in the operator's public zone
(`aws.dns_zone_id`), and the private copy makes them resolve the same inside the VPC, where the private zone
answers for the whole domain (split-horizon: a name under the domain that only the public zone holds is
NXDOMAIN inside the VPC).

Facts this module relies on (Route 53 and pulumi-aws 7 / terraform-provider-aws `aws_route53_zone`):
- a private hosted zone is created with its first VPC association and must keep at least one; the VPC
  needs `enableDnsSupport` and `enableDnsHostnames` (aws.Network sets both);
- `name` (and `delegation_set_id`, which a private zone may not have) forces a new zone; VPC associations
  change in place (the new one is added before the old one goes);
- a zone holding records other than its SOA and NS is not deleted unless `force_destroy` deletes them all,
  including records someone else wrote;
- an alias to an ALB names the ALB's DNS name and the canonical hosted zone of ALBs in its region (the
  provider's `aws.lb.get_hosted_zone_id` table, no API call); queries for alias records to an ELB are free.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from lepton_infra.core.errors import Problem
from lepton_infra.core.exposure import within
from lepton_infra.core.naming import child_name
from lepton_infra.core.traffic import Exposure, HostAddress

RECORD_TYPE = "A"  # the ALBs the controller makes are IPv4 only (no `ip-address-type: dualstack` annotation)


def record_zones(exposure: Exposure, *, public_zone: bool) -> tuple[str, ...]:
    """The zones (by role) holding a host's record: the private one always, the public one for a public
    host."""
    if exposure == "public":
        if not public_zone:
            raise ValueError(
                "a public host's record needs the public hosted zone (aws.dns_zone_id); "
                "refused at spec time, reaching here is a bug"
            )
        return ("private", "public")
    return ("private",)


def host_dns_problems(
    domain: str | None, hosts: Mapping[str, str], public_zone: str | None
) -> Iterator[Problem]:
    """What Route 53 would refuse at apply time: a record outside the zone's domain, a public host with no
    public zone to write it in."""
    if domain is None:
        yield Problem(
            "domain",
            None,
            "the private hosted zone is created for this domain",
            "set domain (network.domain), or dns_records=False",
        )
        return
    for host, exposure in sorted(hosts.items()):
        if not within(host, domain):
            yield Problem(
                f"hosts.{host}",
                host,
                f"outside {domain}: Route 53 refuses a record outside its zone",
                f"use a host within {domain}",
            )
        if exposure == "public" and public_zone is None:
            yield Problem(
                "public_zone",
                None,
                f"the public host {host} is also written in the public zone",
                "set public_zone to the public hosted zone serving the domain, or write no records",
            )


def private_zone(
    name: str, domain: str, vpc_id: pulumi.Input[str], region: str | None, opts: pulumi.ResourceOptions
) -> aws.route53.Zone:
    return aws.route53.Zone(
        child_name(name, "private-zone"),
        name=domain,
        comment=f"Exposed hosts under {domain}, resolved inside the platform's VPC (lepton-infra)",
        vpcs=[aws.route53.ZoneVpcArgs(vpc_id=vpc_id, vpc_region=region)],
        # Pulumi deletes our records before the zone; anything left is someone else's, and deleting the zone
        # then fails loudly instead of taking their records with it.
        force_destroy=False,
        tags={"Name": domain},
        opts=opts,
    )


def alb_hosted_zone_id(region: str | None, parent: pulumi.Resource) -> pulumi.Output[str]:
    """The canonical hosted zone id of ALBs in `region` (what an alias to an ALB names as its zone)."""
    return aws.lb.get_hosted_zone_id_output(
        load_balancer_type="application", region=region, opts=pulumi.InvokeOutputOptions(parent=parent)
    ).id


def _alb_hostname(address: HostAddress) -> pulumi.Output[str]:
    def required(hostname: str | None) -> str:
        if not hostname:
            raise ValueError(
                f"the Ingress for {address.host} reported no load-balancer hostname: an alias record "
                "needs the ALB's DNS name (is the Ingress served by the AWS Load Balancer Controller?)"
            )
        return hostname

    return address.hostname.apply(required)


@dataclass(frozen=True)
class HostRecords:
    """`IngressFacts.publish_host` on AWS: one alias A record per zone the host belongs in."""

    private_zone: pulumi.Input[str]
    """The private hosted zone's id (every host's record)."""
    public_zone: str | None
    """The operator's public hosted zone id (public hosts' records too); None: no public host."""
    alb_zone_id: pulumi.Input[str]
    provider: pulumi.ProviderResource | None
    """The platform's AWS provider: the caller's options carry only the Kubernetes provider's parent chain."""

    def __call__(
        self, name: str, address: HostAddress, opts: pulumi.ResourceOptions
    ) -> list[aws.route53.Record]:
        zones = {"private": self.private_zone, "public": self.public_zone}
        target = _alb_hostname(address)
        return [
            aws.route53.Record(
                child_name(name, role),
                zone_id=zones[role],
                name=address.host,
                type=RECORD_TYPE,
                # No health check of ours: Route 53 answers with the ALB while any of its target groups is
                # healthy.
                aliases=[
                    aws.route53.RecordAliasArgs(
                        name=target, zone_id=self.alb_zone_id, evaluate_target_health=True
                    )
                ],
                # A record of that name already in the operator's public zone is theirs: creating ours fails
                # there
                # rather than taking it over.
                allow_overwrite=False,
                opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=self.provider)),
            )
            for role in record_zones(address.exposure, public_zone=self.public_zone is not None)
        ]
