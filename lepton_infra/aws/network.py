"""`Network`: a VPC spread over the region's zones, ready for EKS and its load balancers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import Literal

import pulumi
import pulumi_aws as aws

from lepton_infra.aws.account import AwsAccount, lookup_account
from lepton_infra.aws.flow_logs import vpc_flow_logs
from lepton_infra.catalog import catalog
from lepton_infra.core.args import at_least, known
from lepton_infra.core.cidr import plan_subnets
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.profiles.aws.rules import cloudwatch_retention_problem
from lepton_infra.spec import NetworkSpec
from lepton_infra.spec.problems import like_spec_field

# Interface endpoints that let private nodes pull images, get tokens, ship logs and call EC2 without
# crossing the NAT (cheaper egress, and no internet path needed for the control loop).
INTERFACE_ENDPOINT_SERVICES = ("ecr.api", "ecr.dkr", "sts", "logs", "ec2")


@dataclass
class NetworkArgs(ComponentArgs):
    cidr: str
    """The VPC's IPv4 range (e.g. `10.40.0.0/16`), split by `plan_subnets` into one private, one public and
    one load-balancer subnet per zone; it must fit them (about a /23 per zone)."""
    zones: int
    """How many availability zones the subnets span: at least 2 (EKS needs subnets in two zones)."""
    cluster_name: str
    """The EKS cluster that will live here: the subnets carry its discovery tag
    (`kubernetes.io/cluster/<name>: shared`)."""
    region: str
    """The VPC's region: the S3 gateway and interface endpoints name their service in it."""
    key_id: pulumi.Input[str]
    """ARN of the KMS key the flow-log group is encrypted with: flow logs are never stored unencrypted."""
    nat: Literal["single", "per-zone"] = "single"
    """Egress NAT: `single` puts one NAT gateway in the first zone and every private subnet egresses through
    it (cheapest; a zone outage there cuts egress), `per-zone` one NAT gateway per zone ($0.045 an hour each,
    about $33/month, plus data: cost/fees.yaml). Default: `single`."""
    interface_endpoints: bool = False
    """Interface endpoints for ECR api/dkr, STS, CloudWatch Logs and EC2 in every zone, so image pulls and
    IRSA stay in the VPC ($0.01 an hour, about $7/month, per endpoint per zone: cost/fees.yaml). Default: off;
    only the free S3 gateway endpoint."""
    flow_log_retention_days: int = 90
    """Retention of the VPC flow logs' CloudWatch group, a value CloudWatch accepts (1, 3, 5, 7, 14, 30, 60,
    90, ...). Default: 90 days."""
    name_prefix: str = ""
    """Prefix of the cloud-side `Name` tags. Default: the component's name."""
    availability_zones: Sequence[str] = field(default_factory=tuple)
    """Explicit zone names, one per subnet trio (at least `zones`; per account: `us-east-1a` is a different
    physical zone in each account). Default: see `availability_zone_ids`."""
    availability_zone_ids: Sequence[str] = field(default_factory=tuple)
    """Explicit zone IDs (`use1-az4`: the same physical zone in every account), at least `zones`. Default
    (neither set): the `zones` lowest zone IDs among the region's standard zones, leaving out Local and
    Wavelength zones and the zone IDs EKS refuses (see `default_zone_ids`)."""
    account: AwsAccount | None = None
    """The partition and account id every ARN here names (`aws.Platform` passes its one lookup). Default:
    looked up here with the provider's credentials (`aws.get_caller_identity`, `aws.get_partition`)."""
    runner_routes: Sequence[str] = field(default_factory=tuple)
    """Networks outside the VPC (a deploy runner's) routed through `transit_gateway_id` from every private
    route table, so replies from the private EKS endpoint reach them. Default: none."""
    transit_gateway_id: str | None = None
    """A transit gateway the private subnets attach to, carrying `runner_routes` (an attachment, about $36 a
    month in us-east-1, plus $0.02/GB). Default: none, no attachment and no route."""

    def problems(self) -> Iterator[Problem]:
        yield from like_spec_field("cidr", self.cidr, NetworkSpec, "cidr")
        yield from like_spec_field("zones", self.zones, NetworkSpec, "zones")
        yield from at_least("zones", self.zones, 2, "EKS needs subnets in at least 2 zones")
        yield from like_spec_field("nat", self.nat, NetworkSpec, "nat")
        if known(self.flow_log_retention_days):
            yield from cloudwatch_retention_problem("flow_log_retention_days", self.flow_log_retention_days)
        if self.availability_zones and self.availability_zone_ids:
            yield Problem(
                "availability_zone_ids",
                list(self.availability_zone_ids),
                "set together with availability_zones",
                "name the zones one way: by ID (the same physical zone in every account) or by name",
            )
        for field_name in ("availability_zones", "availability_zone_ids"):
            chosen = list(getattr(self, field_name))
            if chosen and known(self.zones) and len(chosen) < self.zones:
                yield Problem(
                    field_name,
                    chosen,
                    f"fewer than zones={self.zones}",
                    "name one zone per subnet, or lower zones",
                )


def default_zone_ids(args: NetworkArgs, parent: pulumi.Resource) -> pulumi.Output[list[str]]:
    """The region's usable zone IDs, lowest first. `DescribeAvailabilityZones` also answers the Local Zones
    an account opted into (`us-east-1-atl-2a` sorts before `us-east-1a`, and the provider sorts by name),
    where managed node groups cannot run; the filters keep `zone-type` availability-zone with
    `opt-in-status` opt-in-not-required (EC2 API reference, DescribeAvailabilityZones filters). Zone IDs,
    not names, are sorted: the same IDs on every account, so two accounts' stacks share physical zones."""
    azs = aws.get_availability_zones_output(
        state="available",
        filters=[
            aws.GetAvailabilityZonesFilterArgs(name="zone-type", values=["availability-zone"]),
            aws.GetAvailabilityZonesFilterArgs(name="opt-in-status", values=["opt-in-not-required"]),
        ],
        exclude_zone_ids=list(catalog("aws").unsupported_zone_ids),
        opts=pulumi.InvokeOutputOptions(parent=parent),
    )
    return azs.zone_ids.apply(lambda ids: sorted(ids)[: args.zones])


def lb_subnet_name(label: str, zone_index: int) -> str:
    """The Name tag of a zone's load-balancer subnet (`<label>-lb-a`, ...)."""
    return f"{label}-lb-{chr(ord('a') + zone_index)}"


def nat_zone_indexes(strategy: str, zones: int) -> list[int]:
    """The zones that get a NAT gateway: one per zone, or only the first."""
    return list(range(zones)) if strategy == "per-zone" else [0]


class Network(Component):
    TOKEN = "lepton:aws:Network"

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        label = args.name_prefix or name
        plan = plan_subnets(IPv4Network(args.cidr), args.zones)
        # Subnets are placed by zone ID unless the caller names zones; either way the zone is read once, at
        # creation (ignore_changes below): a later `up` never moves a subnet, even when the region gains a
        # zone or this default changes (subnets created by names[:N] before stay where they are).
        by_name = bool(args.availability_zones)
        if args.availability_zones or args.availability_zone_ids:
            chosen = list(args.availability_zones or args.availability_zone_ids)
            zones: pulumi.Output[list[str]] = pulumi.Output.from_input(chosen)
        else:
            zones = default_zone_ids(args, self)
        keep_zone = ["availabilityZone", "availabilityZoneId"]
        cluster_tag = {f"kubernetes.io/cluster/{args.cluster_name}": "shared"}

        self.vpc = aws.ec2.Vpc(
            child_name(name, "vpc"),
            cidr_block=args.cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,  # required for EKS private endpoints and interface endpoints
            tags={"Name": label},
            opts=self.child_opts(),
        )
        # Adopt the default security group and strip every rule: nothing may rely on it by accident.
        aws.ec2.DefaultSecurityGroup(
            child_name(name, "default-sg"),
            vpc_id=self.vpc.id,
            ingress=[],
            egress=[],
            tags={"Name": f"{label}-default-deny"},
            opts=self.child_opts(),
        )
        igw = aws.ec2.InternetGateway(
            child_name(name, "igw"), vpc_id=self.vpc.id, tags={"Name": label}, opts=self.child_opts()
        )

        public_rt = aws.ec2.RouteTable(
            child_name(name, "public-rt"),
            vpc_id=self.vpc.id,
            tags={"Name": f"{label}-public"},
            opts=self.child_opts(),
        )
        aws.ec2.Route(
            child_name(name, "public-default"),
            route_table_id=public_rt.id,
            destination_cidr_block="0.0.0.0/0",
            gateway_id=igw.id,
            opts=self.child_opts(),
        )

        public: list[aws.ec2.Subnet] = []
        private: list[aws.ec2.Subnet] = []
        load_balancer: list[aws.ec2.Subnet] = []
        for i in range(args.zones):
            zone = zones.apply(lambda chosen, i=i: chosen[i])
            zone_name, zone_id = (zone, None) if by_name else (None, zone)
            suffix = chr(ord("a") + i)
            pub = aws.ec2.Subnet(
                child_name(name, f"public-{suffix}"),
                vpc_id=self.vpc.id,
                cidr_block=str(plan.public[i]),
                map_public_ip_on_launch=False,  # nothing in a public subnet gets a public IP implicitly
                tags={"Name": f"{label}-public-{suffix}", "kubernetes.io/role/elb": "1", **cluster_tag},
                availability_zone=zone_name,
                availability_zone_id=zone_id,
                opts=self.child_opts(ignore_changes=keep_zone),
            )
            aws.ec2.RouteTableAssociation(
                child_name(name, f"public-{suffix}-rta"),
                subnet_id=pub.id,
                route_table_id=public_rt.id,
                opts=self.child_opts(),
            )
            priv = aws.ec2.Subnet(
                child_name(name, f"private-{suffix}"),
                vpc_id=self.vpc.id,
                cidr_block=str(plan.private[i]),
                map_public_ip_on_launch=False,
                tags={"Name": f"{label}-private-{suffix}", **cluster_tag},
                availability_zone=zone_name,
                availability_zone_id=zone_id,
                opts=self.child_opts(ignore_changes=keep_zone),
            )
            # Internal ALBs get subnets of their own. The VPC CNI gives pods addresses from their node's
            # subnet, so an ALB in the private subnets shares its addresses with every pod: a NetworkPolicy
            # admitting "the load balancers" by CIDR would admit every pod too. The load balancer
            # controller picks, per zone, the subnets tagged with the internal-elb role (v3.5.0
            # docs/deploy/subnet_discovery.md, read 2026-12-07): only these carry it. They share the zone's
            # private route table: the ALB answers exactly whom it answered from the private subnets.
            lb = aws.ec2.Subnet(
                child_name(name, f"lb-{suffix}"),
                vpc_id=self.vpc.id,
                cidr_block=str(plan.load_balancer[i]),
                map_public_ip_on_launch=False,
                tags={
                    "Name": lb_subnet_name(label, i),
                    "kubernetes.io/role/internal-elb": "1",
                    **cluster_tag,
                },
                availability_zone=zone_name,
                availability_zone_id=zone_id,
                opts=self.child_opts(ignore_changes=keep_zone),
            )
            public.append(pub)
            private.append(priv)
            load_balancer.append(lb)

        nats: dict[int, aws.ec2.NatGateway] = {}
        for i in nat_zone_indexes(args.nat, args.zones):
            suffix = chr(ord("a") + i)
            eip = aws.ec2.Eip(
                child_name(name, f"nat-{suffix}-eip"),
                domain="vpc",
                tags={"Name": f"{label}-nat-{suffix}"},
                opts=self.child_opts(),
            )
            nats[i] = aws.ec2.NatGateway(
                child_name(name, f"nat-{suffix}"),
                allocation_id=eip.id,
                subnet_id=public[i].id,
                connectivity_type="public",
                tags={"Name": f"{label}-nat-{suffix}"},
                opts=self.child_opts(depends_on=[igw]),
            )

        private_rts: list[aws.ec2.RouteTable] = []
        for i, subnet in enumerate(private):
            suffix = chr(ord("a") + i)
            nat = nats.get(i, nats[0])  # single NAT: every zone egresses through zone a
            rt = aws.ec2.RouteTable(
                child_name(name, f"private-{suffix}-rt"),
                vpc_id=self.vpc.id,
                tags={"Name": f"{label}-private-{suffix}"},
                opts=self.child_opts(),
            )
            aws.ec2.Route(
                child_name(name, f"private-{suffix}-default"),
                route_table_id=rt.id,
                destination_cidr_block="0.0.0.0/0",
                nat_gateway_id=nat.id,
                opts=self.child_opts(),
            )
            aws.ec2.RouteTableAssociation(
                child_name(name, f"private-{suffix}-rta"),
                subnet_id=subnet.id,
                route_table_id=rt.id,
                opts=self.child_opts(),
            )
            aws.ec2.RouteTableAssociation(
                child_name(name, f"lb-{suffix}-rta"),
                subnet_id=load_balancer[i].id,
                route_table_id=rt.id,
                opts=self.child_opts(),
            )
            private_rts.append(rt)
        self._runner_routes(name, label, args, private, private_rts)

        # S3 through a free gateway endpoint: model downloads never pay NAT data processing.
        aws.ec2.VpcEndpoint(
            child_name(name, "s3"),
            vpc_id=self.vpc.id,
            service_name=f"com.amazonaws.{args.region}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=[rt.id for rt in private_rts],
            tags={"Name": f"{label}-s3"},
            opts=self.child_opts(),
        )
        self.endpoint_security_group: aws.ec2.SecurityGroup | None = None
        if args.interface_endpoints:
            self._interface_endpoints(name, label, args, private)
        vpc_flow_logs(
            self,
            name,
            label,
            self.vpc.id,
            retention_days=args.flow_log_retention_days,
            key_id=args.key_id,
            account_id=(args.account or lookup_account(self)).account_id,
        )

        self.vpc_id: pulumi.Output[str] = self.vpc.id
        self.public_subnet_ids: list[pulumi.Output[str]] = [s.id for s in public]
        self.private_subnet_ids: list[pulumi.Output[str]] = [s.id for s in private]
        self.load_balancer_subnet_ids: list[pulumi.Output[str]] = [s.id for s in load_balancer]
        # Their Name tags, known before they exist: what internal Ingresses name them by.
        self.load_balancer_subnet_names: list[str] = [lb_subnet_name(label, i) for i in range(args.zones)]
        self.finish(
            {
                "vpc_id": self.vpc_id,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
                "load_balancer_subnet_ids": self.load_balancer_subnet_ids,
            }
        )

    def _interface_endpoints(
        self, name: str, label: str, args: NetworkArgs, private: list[aws.ec2.Subnet]
    ) -> None:
        sg = aws.ec2.SecurityGroup(
            child_name(name, "endpoints-sg"),
            vpc_id=self.vpc.id,
            description="HTTPS from inside the VPC to AWS interface endpoints",
            tags={"Name": f"{label}-endpoints"},
            opts=self.child_opts(),
        )
        aws.vpc.SecurityGroupIngressRule(
            child_name(name, "endpoints-https"),
            security_group_id=sg.id,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=args.cidr,
            description="HTTPS from the VPC",
            opts=self.child_opts(),
        )
        for service in INTERFACE_ENDPOINT_SERVICES:
            slug = service.replace(".", "-")
            aws.ec2.VpcEndpoint(
                child_name(name, slug),
                vpc_id=self.vpc.id,
                service_name=f"com.amazonaws.{args.region}.{service}",
                vpc_endpoint_type="Interface",
                private_dns_enabled=True,
                subnet_ids=[s.id for s in private],
                security_group_ids=[sg.id],
                tags={"Name": f"{label}-{slug}"},
                opts=self.child_opts(),
            )
        self.endpoint_security_group = sg

    def _runner_routes(
        self,
        name: str,
        label: str,
        args: NetworkArgs,
        private: Sequence[aws.ec2.Subnet],
        route_tables: Sequence[aws.ec2.RouteTable],
    ) -> None:
        """Attach the private subnets to the transit gateway and route each runner network through it."""
        if not args.transit_gateway_id or not args.runner_routes:
            return
        attachment = aws.ec2transitgateway.VpcAttachment(
            child_name(name, "runner-tgw"),
            transit_gateway_id=args.transit_gateway_id,
            vpc_id=self.vpc.id,
            subnet_ids=[s.id for s in private],
            tags={"Name": f"{label}-runner"},
            opts=self.child_opts(),
        )
        for i, rt in enumerate(route_tables):
            suffix = chr(ord("a") + i)
            for cidr in args.runner_routes:
                aws.ec2.Route(
                    child_name(name, f"private-{suffix}-runner-{cidr.replace('.', '-').replace('/', '-')}"),
                    route_table_id=rt.id,
                    destination_cidr_block=cidr,
                    transit_gateway_id=args.transit_gateway_id,
                    opts=self.child_opts(depends_on=[attachment]),
                )
