"""`gcp.Network`: custom-mode VPC, one regional subnet with pod/service ranges, Cloud NAT, firewall."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.aggregated_apis import aggregated_api_ports
from lepton_infra.core.args import at_least, at_most, ipv4_cidr, one_of
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.gcp.flow_logs import AGGREGATION_INTERVALS, METADATA

PODS_RANGE = "pods"
SERVICES_RANGE = "services"
# Admission webhooks and aggregated APIs the control plane must reach on nodes of a private cluster
# (GKE opens only 443 and 10250 itself): operator/KEDA/cert-manager webhooks, metrics-server, Istio.
# Plus every aggregated API's pod port (core/data/aggregated_apis.yaml; GKE opens 10250 itself).
_WEBHOOKS = {"4443", "6443", "8443", "9443", "15017"}
_AGGREGATED = {str(p) for p in aggregated_api_ports() if p != 10250}
WEBHOOK_PORTS: tuple[str, ...] = tuple(sorted(_WEBHOOKS | _AGGREGATED, key=int))


@dataclass
class NetworkArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The GCP project (its id) the resources are created in."""
    region: pulumi.Input[str]
    """The subnets' and router's region."""
    name_prefix: str
    """Prefix of cloud-side names (`<platform>-<environment>`); URN names never depend on it."""
    nodes_cidr: str
    """The nodes' subnet range (primary)."""
    pods_cidr: str
    """The pods' secondary range (VPC-native, `gcp/planning.py` plans it)."""
    services_cidr: str
    """The Services' secondary range."""
    control_plane_cidr: str
    """The private control plane's /28: the source of control plane -> node webhook traffic the firewall
    admits."""
    flow_sampling: float = 0.1
    """Fraction of sampled flows VPC flow logs keep on the node subnet (0.0 to 1.0); the log volume, billed
    per GiB ($0.25/GiB stored in Cloud Logging, cost/fees.yaml), scales with it. Default: 0.1 (the
    platform sets 0.1 in dev, 0.25 in staging, 0.5 in prod: gcp/flow_logs.py)."""
    flow_aggregation_interval: str = "INTERVAL_10_MIN"
    """How long flow logs aggregate a connection into one record: a long-lived connection writes one record
    per interval, so INTERVAL_5_SEC writes up to 120 times the records (and the $/GiB) of INTERVAL_10_MIN.
    Default: INTERVAL_10_MIN (the platform sets 10 minutes in dev, 1 minute in staging, 30 seconds in
    prod)."""
    flow_metadata: str = "EXCLUDE_ALL_METADATA"
    """Whether each record carries VM, GKE (cluster, pod, service) and geographic annotations:
    INCLUDE_ALL_METADATA multiplies a record's bytes, and so its cost. Default: EXCLUDE_ALL_METADATA (the
    platform includes them in prod only, for security investigation)."""
    webhook_ports: Sequence[str] = field(default_factory=lambda: list(WEBHOOK_PORTS))
    """Node ports the control plane may reach (admission webhooks: cert-manager, the GPU operator, KEDA, ...).
    Default: 4443, 6443, 8082 (Kueue's visibility API), 8443, 9443 and 15017."""
    proxy_only_cidr: str | None = None
    """The regional Gateway classes' proxy-only subnet (gcp/traffic.py). Default: none, no exposed service and
    no subnet."""
    load_balancer_ports: Sequence[str] = ()
    """Pod ports the Gateways' proxies and Google's health checks reach (a firewall rule from their ranges).
    Default: none, no rule."""

    def problems(self) -> Iterator[Problem]:
        for arg in ("nodes_cidr", "pods_cidr", "services_cidr", "control_plane_cidr"):
            yield from ipv4_cidr(arg, getattr(self, arg))
        # VPC flow logs sample a fraction of packets: the API takes 0.0 to 1.0.
        yield from at_least("flow_sampling", self.flow_sampling, 0.0, "a sampling fraction is 0.0 to 1.0")
        yield from at_most("flow_sampling", self.flow_sampling, 1.0, "a sampling fraction is 0.0 to 1.0")
        yield from one_of(
            "flow_aggregation_interval", self.flow_aggregation_interval, AGGREGATION_INTERVALS, "interval"
        )
        yield from one_of("flow_metadata", self.flow_metadata, METADATA, "metadata setting")


# Where Google's health checkers connect from (Cloud Load Balancing docs, "Health checks overview", probe
# IP ranges for the regional application load balancers: 35.191.0.0/16 and 130.211.0.0/22).
HEALTH_CHECK_RANGES: tuple[str, ...] = ("35.191.0.0/16", "130.211.0.0/22")


class Network(Component):
    TOKEN = "lepton:gcp:Network"

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        prefix = args.name_prefix
        self.vpc = gcp.compute.Network(
            child_name(name, "vpc"),
            name=physical_name(prefix, "vpc", limit="gcp:generic"),
            project=args.project,
            auto_create_subnetworks=False,  # custom mode: no subnet in every region of the world
            routing_mode="REGIONAL",
            opts=self.child_opts(),
        )
        # Known at plan time: the platform names it where `pulumi up` must run (private endpoint).
        self.subnet_physical_name = physical_name(prefix, "nodes", limit="gcp:generic")
        self.subnet = gcp.compute.Subnetwork(
            child_name(name, "nodes"),
            name=self.subnet_physical_name,
            project=args.project,
            region=args.region,
            network=self.vpc.id,
            ip_cidr_range=args.nodes_cidr,
            secondary_ip_ranges=[
                gcp.compute.SubnetworkSecondaryIpRangeArgs(
                    range_name=PODS_RANGE, ip_cidr_range=args.pods_cidr
                ),
                gcp.compute.SubnetworkSecondaryIpRangeArgs(
                    range_name=SERVICES_RANGE, ip_cidr_range=args.services_cidr
                ),
            ],
            # Nodes have no public IPs: Google APIs (Artifact Registry, GCS, KMS) over Google's network.
            private_ip_google_access=True,
            log_config=gcp.compute.SubnetworkLogConfigArgs(
                aggregation_interval=args.flow_aggregation_interval,
                flow_sampling=args.flow_sampling,
                metadata=args.flow_metadata,
            ),
            opts=self.child_opts(),
        )
        self.router = gcp.compute.Router(
            child_name(name, "router"),
            name=physical_name(prefix, "router", limit="gcp:generic"),
            project=args.project,
            region=args.region,
            network=self.vpc.id,
            opts=self.child_opts(),
        )
        # Cloud NAT is a regional, zone-redundant service: one NAT serves every zone.
        self.nat = gcp.compute.RouterNat(
            child_name(name, "nat"),
            name=physical_name(prefix, "nat", limit="gcp:generic"),
            project=args.project,
            region=args.region,
            router=self.router.name,
            nat_ip_allocate_option="AUTO_ONLY",
            source_subnetwork_ip_ranges_to_nat="LIST_OF_SUBNETWORKS",
            subnetworks=[
                gcp.compute.RouterNatSubnetworkArgs(
                    name=self.subnet.id, source_ip_ranges_to_nats=["ALL_IP_RANGES"]
                )
            ],
            enable_endpoint_independent_mapping=False,
            enable_dynamic_port_allocation=True,
            log_config=gcp.compute.RouterNatLogConfigArgs(enable=True, filter="ERRORS_ONLY"),
            opts=self.child_opts(),
        )
        internal = [args.nodes_cidr, args.pods_cidr, args.services_cidr]
        self.allow_internal = gcp.compute.Firewall(
            child_name(name, "allow-internal"),
            name=physical_name(prefix, "allow-internal", limit="gcp:generic"),
            project=args.project,
            network=self.vpc.id,
            direction="INGRESS",
            priority=1000,
            description="Nodes, pods and services talk to each other; nothing from outside the VPC.",
            source_ranges=internal,
            allows=[
                gcp.compute.FirewallAllowArgs(protocol="tcp"),
                gcp.compute.FirewallAllowArgs(protocol="udp"),
                gcp.compute.FirewallAllowArgs(protocol="icmp"),
            ],
            log_config=gcp.compute.FirewallLogConfigArgs(metadata="EXCLUDE_ALL_METADATA"),
            opts=self.child_opts(),
        )
        self.allow_webhooks = gcp.compute.Firewall(
            child_name(name, "allow-webhooks"),
            name=physical_name(prefix, "allow-webhooks", limit="gcp:generic"),
            project=args.project,
            network=self.vpc.id,
            direction="INGRESS",
            priority=1000,
            description="Private GKE control plane to node admission webhooks and aggregated APIs.",
            source_ranges=[args.control_plane_cidr],
            allows=[gcp.compute.FirewallAllowArgs(protocol="tcp", ports=list(args.webhook_ports))],
            log_config=gcp.compute.FirewallLogConfigArgs(metadata="EXCLUDE_ALL_METADATA"),
            opts=self.child_opts(),
        )
        self.proxy_only_subnet: gcp.compute.Subnetwork | None = None
        if args.proxy_only_cidr is not None:
            self._load_balancer_paths(name, args)
        self.network_id = self.vpc.id
        self.subnet_id = self.subnet.id
        self.pods_range_name = PODS_RANGE
        self.services_range_name = SERVICES_RANGE
        self.finish({"network_id": self.network_id, "subnet_id": self.subnet_id})

    def _load_balancer_paths(self, name: str, args: NetworkArgs) -> None:
        """Regional internal and external application load balancers run Envoy proxies in a proxy-only
        subnet of the VPC (REGIONAL_MANAGED_PROXY, one ACTIVE per region and VPC); they and Google's health
        checkers reach pod IPs (NEGs) on the service ports, which the firewall must admit."""
        self.proxy_only_subnet = gcp.compute.Subnetwork(
            child_name(name, "proxy-only"),
            name=physical_name(args.name_prefix, "proxy-only", limit="gcp:generic"),
            project=args.project,
            region=args.region,
            network=self.vpc.id,
            ip_cidr_range=args.proxy_only_cidr,
            # No flow logs, no Private Google Access: the API refuses both on a proxy-only subnet.
            purpose="REGIONAL_MANAGED_PROXY",
            role="ACTIVE",
            opts=self.child_opts(),
        )
        if not args.load_balancer_ports:
            return  # a rule without ports would admit every port
        gcp.compute.Firewall(
            child_name(name, "allow-load-balancers"),
            name=physical_name(args.name_prefix, "allow-load-balancers", limit="gcp:generic"),
            project=args.project,
            network=self.vpc.id,
            direction="INGRESS",
            priority=1000,
            description="Regional load balancer proxies and Google health checks to exposed services' pods.",
            source_ranges=[str(args.proxy_only_cidr), *HEALTH_CHECK_RANGES],
            allows=[gcp.compute.FirewallAllowArgs(protocol="tcp", ports=list(args.load_balancer_ports))],
            log_config=gcp.compute.FirewallLogConfigArgs(metadata="EXCLUDE_ALL_METADATA"),
            opts=self.child_opts(),
        )
