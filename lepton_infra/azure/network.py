"""`azure.Network`: the resource group (or an existing one), a VNet with node, private-endpoint and
API-server subnets, NSGs that deny the internet (but for a public ingress on 80 and 443), and zone-redundant
NAT gateway egress for the nodes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Network

import pulumi
from pulumi_azure_native import network, resources

from lepton_infra.azure.planning import plan_vnet
from lepton_infra.core.args import known
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.profiles.azure.knobs import AzureKnobs
from lepton_infra.profiles.azure.limits import POD_CIDR
from lepton_infra.profiles.azure.tags import AZURE_TAGS
from lepton_infra.spec import NetworkSpec
from lepton_infra.spec.problems import like_spec_field

# Priority 4096 is the lowest a custom rule can take: anything the platform opens later (e.g. an
# ingress on 443) sits above it, and the internet stays denied below it whatever Azure's defaults become.
DENY_INTERNET_PRIORITY = 4096
# Above the deny: HTTP and HTTPS from the internet to the public NGINX controller's load balancer.
PUBLIC_INGRESS_PRIORITY = 4000
PUBLIC_INGRESS_PORTS = ("80", "443")
AKS_DELEGATION = "Microsoft.ContainerService/managedClusters"
# The NAT gateway's and its public IP's SKU. azure-native 3.29 sends Microsoft.Network API 2024-05-01
# for both, whose enums list only Standard (SDK docstrings); the value is passed as a string.
NAT_SKU = "StandardV2"
# A zone-redundant public IP names every zone of the region (the catalog's regions have three).
REGION_ZONES = ("1", "2", "3")


@dataclass
class NetworkArgs(ComponentArgs):
    name_prefix: str
    """Prefix of cloud-side names (`<platform>-<environment>`): the VNet, NSGs, NAT gateway and the resource
    group."""
    location: str
    """The Azure region (e.g. `eastus`)."""
    cidr: str
    """The VNet's IPv4 range (outside the overlay pod range `10.244.0.0/16`): nodes take the first half,
    private endpoints and the API server subnets come from the second."""
    resource_group_name: str | None = None
    """An existing resource group to use (created and owned elsewhere). Default: none, the component creates
    `<name_prefix>-rg`."""
    public_ingress: bool = False
    """A public ingress controller exists (a service exposed `public`): the node subnet's NSG admits TCP 80
    and 443 from the internet (priority 4000). AKS opens a LoadBalancer Service's ports only in the NSG it
    manages on the node NICs, never in a subnet's NSG (AKS "Network security groups"), so the subnet's own
    deny-internet rule would drop every public request. Default: off."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Azure tags on every resource (the platform's: `team`, `cost-center`, ...), checked against Azure's tag
    rules. Default: none."""
    protect: bool = False
    """Pulumi `protect` on the stateful resources: `pulumi destroy` and replacements stop at them. Default:
    off (the platform sets it in prod)."""

    def problems(self) -> Iterator[Problem]:
        refused = like_spec_field("cidr", self.cidr, NetworkSpec, "cidr")
        yield from refused
        if known(self.cidr) and not refused and IPv4Network(self.cidr).overlaps(POD_CIDR):
            yield Problem(
                "cidr",
                self.cidr,
                f"overlaps the AKS overlay pod range {POD_CIDR}",
                f"pick a range outside {POD_CIDR}",
            )
        yield from like_spec_field(
            "resource_group_name", self.resource_group_name, AzureKnobs, "resource_group"
        )
        yield from AZURE_TAGS.problems(self.tags)


class Network(Component):
    TOKEN = "lepton:azure:Network"

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        layout = plan_vnet(IPv4Network(args.cidr))
        tags = dict(args.tags)
        if args.resource_group_name is None:
            self.resource_group: resources.ResourceGroup | None = resources.ResourceGroup(
                child_name(name, "rg"),
                resource_group_name=physical_name(args.name_prefix, "rg", limit=90),
                location=args.location,
                tags=tags,
                opts=self.child_opts(protect=args.protect),
            )
            rg_name: pulumi.Output[str] = self.resource_group.name
            self.resource_group_id: pulumi.Output[str] = self.resource_group.id
        else:
            self.resource_group = None
            existing = resources.get_resource_group_output(
                resource_group_name=args.resource_group_name, opts=pulumi.InvokeOutputOptions(parent=self)
            )
            rg_name, self.resource_group_id = existing.name, existing.id
        self.resource_group_name = rg_name

        # Nodes have no public addresses (egress is the NAT gateway), so only the load balancer's frontends
        # are reachable on these ports; the destination is any address because the frontend's IP is
        # allocated by AKS at apply time (and with floating IP it stays the packet's destination).
        public_ingress = network.SecurityRuleArgs(
            name="allow-public-ingress",
            priority=PUBLIC_INGRESS_PRIORITY,
            direction="Inbound",
            access="Allow",
            protocol="Tcp",
            source_address_prefix="Internet",
            source_port_range="*",
            destination_address_prefix="*",
            destination_port_ranges=list(PUBLIC_INGRESS_PORTS),
            description="HTTP and HTTPS to the public ingress controller's load balancer.",
        )

        def nsg(role: str, allow: list[network.SecurityRuleArgs]) -> network.NetworkSecurityGroup:
            return network.NetworkSecurityGroup(
                child_name(name, f"{role}-nsg"),
                network_security_group_name=physical_name(
                    args.name_prefix, role, "nsg", limit="azure:generic"
                ),
                resource_group_name=rg_name,
                location=args.location,
                tags=tags,
                security_rules=[
                    *allow,
                    network.SecurityRuleArgs(
                        name="deny-internet-inbound",
                        priority=DENY_INTERNET_PRIORITY,
                        direction="Inbound",
                        access="Deny",
                        protocol="*",
                        source_address_prefix="Internet",
                        source_port_range="*",
                        destination_address_prefix="*",
                        destination_port_range="*",
                        description="Nothing from the internet reaches this subnet.",
                    ),
                ],
                opts=self.child_opts(),
            )

        self.nodes_nsg = nsg("nodes", [public_ingress] if args.public_ingress else [])
        self.endpoints_nsg = nsg("endpoints", [])
        # StandardV2: zone-redundant by default, where a Standard NAT gateway lives in one zone (placed
        # by Azure when none is named) and a zone outage stopped every node's egress, in a cluster whose
        # pools span three zones. One gateway per zone is no option here: a subnet takes at most one NAT
        # gateway and an AKS pool spans its zones in one subnet. StandardV2 costs what Standard costs
        # and needs a StandardV2 public IP, zone-redundant itself (learn.microsoft.com nat-gateway
        # "NAT Gateway SKUs"; AKS "Create a managed or user-assigned NAT gateway", userAssignedNATGateway
        # supports both SKUs).
        self.egress_ip = network.PublicIPAddress(
            child_name(name, "nat-ip"),
            public_ip_address_name=physical_name(args.name_prefix, "nat-ip", limit="azure:generic"),
            resource_group_name=rg_name,
            location=args.location,
            tags=tags,
            sku=network.PublicIPAddressSkuArgs(name=NAT_SKU, tier="Regional"),
            zones=list(REGION_ZONES),
            public_ip_allocation_method="Static",
            public_ip_address_version="IPv4",
            opts=self.child_opts(),
        )
        self.nat_gateway = network.NatGateway(
            child_name(name, "nat"),
            nat_gateway_name=physical_name(args.name_prefix, "nat", limit="azure:generic"),
            resource_group_name=rg_name,
            location=args.location,
            tags=tags,
            # No `zones`: a StandardV2 gateway spans the region's zones by itself.
            sku=network.NatGatewaySkuArgs(name=NAT_SKU),
            idle_timeout_in_minutes=4,
            public_ip_addresses=[network.SubResourceArgs(id=self.egress_ip.id)],
            opts=self.child_opts(),
        )
        # Subnets are declared inline, with the VNet: separate Subnet resources and an inline list fight
        # each other on every update.
        self.vnet_name = physical_name(args.name_prefix, "vnet", limit="azure:generic")
        self.vnet = network.VirtualNetwork(
            child_name(name, "vnet"),
            virtual_network_name=self.vnet_name,
            resource_group_name=rg_name,
            location=args.location,
            tags=tags,
            address_space=network.AddressSpaceArgs(address_prefixes=[args.cidr]),
            subnets=[
                network.SubnetArgs(
                    name="nodes",
                    address_prefix=str(layout.nodes),
                    network_security_group=network.NetworkSecurityGroupArgs(id=self.nodes_nsg.id),
                    nat_gateway=network.SubResourceArgs(id=self.nat_gateway.id),
                    # No implicit outbound IP: egress is the NAT gateway or nothing.
                    default_outbound_access=False,
                ),
                network.SubnetArgs(
                    name="endpoints",
                    address_prefix=str(layout.endpoints),
                    network_security_group=network.NetworkSecurityGroupArgs(id=self.endpoints_nsg.id),
                    private_endpoint_network_policies="Enabled",
                    default_outbound_access=False,
                ),
                network.SubnetArgs(
                    name="apiserver",
                    address_prefix=str(layout.api_server),
                    delegations=[network.DelegationArgs(name="aks-apiserver", service_name=AKS_DELEGATION)],
                    default_outbound_access=False,
                ),
            ],
            opts=self.child_opts(),
        )
        self.vnet_id = self.vnet.id
        self.node_subnet_id = self.vnet.id.apply(lambda v: f"{v}/subnets/nodes")
        self.endpoint_subnet_id = self.vnet.id.apply(lambda v: f"{v}/subnets/endpoints")
        self.api_server_subnet_id = self.vnet.id.apply(lambda v: f"{v}/subnets/apiserver")
        self.finish(
            {
                "vnet_id": self.vnet_id,
                "node_subnet_id": self.node_subnet_id,
                "resource_group_name": self.resource_group_name,
            }
        )
