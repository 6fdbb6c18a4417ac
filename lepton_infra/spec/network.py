"""Network settings: one private CIDR spread over the region's zones."""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from lepton_infra.core.spec_model import SpecModel, described
from lepton_infra.spec.base import Email

NatStrategy = Literal["single", "per-zone"]
TlsIssuer = Literal["private-ca", "acme"]

# A DNS domain of two or more labels, lowercase (hosts under it are matched exactly by load balancers).
DomainName = Annotated[
    str,
    StringConstraints(
        max_length=200,
        pattern=described(
            r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$",
            "a lowercase DNS domain of two or more labels, e.g. `ai.acme.dev`",
        ),
    ),
]


class NetworkSpec(SpecModel):
    cidr: IPv4Network = Field(
        default=IPv4Network("10.40.0.0/16"),
        description="Private (RFC 1918) IPv4 range of the VPC/VNet. Default 10.40.0.0/16. Subnets per "
        "zone are planned from it; it must be /20 or larger and may not overlap service_cidr.",
    )
    service_cidr: IPv4Network = Field(
        default=IPv4Network("172.20.0.0/16"),
        description="Kubernetes Service IP range, outside the VPC. Default 172.20.0.0/16. On AWS it must lie "
        "inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 and be a /12 to /24 (what EKS accepts; it is "
        "fixed when the cluster is created).",
    )
    zones: int | None = Field(
        default=None,
        ge=1,
        le=6,
        description="Availability zones to spread over. Default: 3 in prod, 2 otherwise (managed "
        "Kubernetes needs at least 2).",
    )
    nat: NatStrategy | None = Field(
        default=None,
        description="Egress NAT: `per-zone` (one NAT per zone, no cross-zone dependency) or `single` "
        "(cheapest). Default: per-zone in prod, single otherwise.",
    )
    flow_log_retention_days: int = Field(
        default=90,
        ge=1,
        le=3653,
        description="Retention of network flow logs in days. On AWS they go to "
        "CloudWatch Logs, which accepts only 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, "
        "1096, 1827, 2192, 2557, 2922, 3288 or 3653 (others are refused at spec time). Default on AWS: 365 "
        "in prod, 90 in staging, 30 in dev (CloudWatch storage, estimate $0.03 per GB-month in us-east-1, "
        "2026-12; the volume follows traffic); 90 on the other clouds.",
    )
    domain: DomainName | None = Field(
        default=None,
        description="DNS domain the platform's services are served under (`services[].host` defaults to "
        "`<service>.<domain>`). Unset: services are reachable only inside the cluster and no load balancer "
        "is created. With `tls_issuer: acme` it must be a public zone the cloud's DNS serves.",
    )
    tls_issuer: TlsIssuer = Field(
        default="private-ca",
        description="Who signs the services' certificates: `private-ca` (the platform's own CA: no public "
        "DNS "
        "needed, clients must trust the CA; fit for internal-only platforms) or `acme` (Let's Encrypt by "
        "DNS-01 in the cloud's zone for `domain`, trusted by every client). Default private-ca.",
    )
    acme_email: Email | None = Field(
        default=None,
        description="Account e-mail for ACME (expiry notices); required with `tls_issuer: acme`.",
    )
    public_services: bool = Field(
        default=False,
        description="Allow `services[].expose: public` in prod. Default false: a prod platform exposes "
        "nothing to the internet unless this says so (dev and staging need no flag).",
    )
    dns_records: bool = Field(
        default=True,
        description="Write each exposed host's DNS record, pointing at its load balancer. Internal hosts go "
        "in a private zone for `domain` that the platform creates on its own network (a Route 53 private "
        "hosted zone, a Cloud DNS private zone, an Azure Private DNS zone linked to the VNet: about "
        "$0.20-0.50/month), so they resolve only inside it; public hosts go in the public zone "
        "(`aws.dns_zone_id`, `gcp.dns_zone`, `azure.dns_zone_id`, then required) and in the private one, so "
        "they resolve inside the network too. Default true. false: your own DNS points each host at its "
        "load balancer (`pulumi stack output` lists the addresses).",
    )
