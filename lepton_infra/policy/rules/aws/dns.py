"""Route 53 rules: an internal load balancer's alias records stay in a private hosted zone."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lepton_infra.policy.model import Finding, NotApplicable, Severity, StackView
from lepton_infra.policy.props import (
    as_list,
    as_mapping,
    shown,
)
from lepton_infra.policy.registry import stack_rule
from lepton_infra.policy.rules.aws.tokens import AWS, DNS_RECORD, HOSTED_ZONE

# The DNS name ELB gives an internal Application or Classic Load Balancer (internet-facing ones lack the
# prefix).
INTERNAL_ELB_NAME = re.compile(
    r"^(dualstack\.)?internal-[^.]+\.[a-z0-9-]+\.elb\.amazonaws\.com(\.cn)?\.?$", re.IGNORECASE
)


@stack_rule(
    id="lepton-aws-internal-lb-private-dns",
    title="Internal load balancers are named only in private hosted zones",
    severity=Severity.MEDIUM,
    clouds=AWS,
    description="A Route 53 record aliasing an internal load balancer (DNS name "
    "`internal-...elb.amazonaws.com`) "
    "lies in a private hosted zone of this stack: its `zoneId` comes from an `aws:route53/zone:Zone` with "
    "`vpcs`. "
    "In a public zone the record tells the internet that the internal service exists and which private "
    "addresses serve it, while nobody outside the network can reach them.",
    remediation="Write internal hosts in a private hosted zone associated with the VPC "
    "(`aws.route53.Zone(vpcs="
    "[...])`, `zone_id=zone.zone_id`); keep public zones for internet-facing load balancers.",
)
def internal_lb_private_dns(stack: StackView) -> Iterator[Finding]:
    private = {z.urn for z in stack.of_type(HOSTED_ZONE) if as_list(z.get("vpcs"))}
    internal = [
        (r, target)
        for r in stack.of_type(DNS_RECORD)
        for a in as_list(r.get("aliases"))
        if isinstance(target := as_mapping(a).get("name"), str) and INTERNAL_ELB_NAME.match(target)
    ]
    if not internal:  # unknown alias targets (a first preview) are not judged
        raise NotApplicable("no record aliases an internal load balancer")
    for record, target in internal:
        if not private & set(record.dependencies):
            yield Finding(
                f"record {shown(record.get('name'))} in zone {shown(record.get('zoneId'))} aliases the "
                f"internal load balancer {target}, and that zone is not a private hosted zone of this stack",
                record.urn,
            )
