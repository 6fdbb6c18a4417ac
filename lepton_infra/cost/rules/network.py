"""The network's billed parts: NAT, interface and private endpoints, load balancers the program creates,
VPC flow logs."""

from __future__ import annotations

from lepton_infra.cost.registry import cost_item, rule
from lepton_infra.cost.rules.node_pools import gke_node_pool


@rule("aws:ec2/natGateway:NatGateway")
def _aws_nat(r, graph, book):
    yield cost_item(r, "nat", book.fee("aws-nat-gateway"), 1, 1, note="plus $0.045/GB processed (usage)")


@rule("aws:ec2/vpcEndpoint:VpcEndpoint")
def _aws_endpoint(r, graph, book):
    if r.get("vpcEndpointType") == "Interface":
        zones = len(r.get("subnetIds") or []) or 1
        yield cost_item(r, "endpoint", book.fee("aws-interface-endpoint-per-az"), zones, zones)


@rule("aws:ec2transitgateway/vpcAttachment:VpcAttachment")
def _aws_tgw_attachment(r, graph, book):
    yield cost_item(
        r,
        "transit_gateway",
        book.fee("aws-transit-gateway-attachment"),
        1,
        1,
        note="the VPC's account pays per attachment-hour; plus $0.02/GB sent to the gateway (usage)",
    )


@rule("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
def _aws_lb(r, graph, book):
    yield cost_item(r, "load_balancer", book.fee("aws-load-balancer"), 1, 1)


@rule("gcp:compute/routerNat:RouterNat")
def _cloud_nat(r, graph, book):
    pools = [
        i for p in graph.of_type("gcp:container/nodePool:NodePool") for i in gke_node_pool(p, graph, book)
    ]
    idle_vms = min(32.0, sum(i.idle_units for i in pools))
    max_vms = min(32.0, sum(i.max_units for i in pools))
    yield cost_item(
        r,
        "nat",
        book.fee("gcp-cloud-nat-per-vm"),
        idle_vms,
        max_vms,
        note="per VM-hour, capped at 32 VMs; plus $0.045/GB processed (usage)",
    )


@rule("gcp:compute/subnetwork:Subnetwork")
def _vpc_flow_logs(r, graph, book):
    """A subnet with flow logs: billed per GiB written, which its sampling, aggregation interval and
    metadata (and GKE intranode visibility) drive; no fixed fee, so a usage note and nothing idle."""
    config = r.get("logConfig")
    if not config:
        return
    per_gib, price = book.usage_per_gib("gcp-vended-network-logs-per-gib")
    settings = ", ".join(
        f"{key} {config[key]}"
        for key in ("flowSampling", "aggregationInterval", "metadata")
        if config.get(key) is not None
    )
    intranode = any(
        c.get("enableIntranodeVisibility") is True for c in graph.of_type("gcp:container/cluster:Cluster")
    )
    yield cost_item(
        r,
        "logs",
        price,
        1,
        1,
        note=f"VPC flow logs ({settings}{', plus intranode flows' if intranode else ''}): "
        f"${per_gib}/GiB stored in Cloud Logging (usage)",
    )


@rule("azure-native:network:PrivateEndpoint")
def _private_endpoint(r, graph, book):
    yield cost_item(
        r,
        "private_endpoint",
        book.fee("azure-private-endpoint"),
        1,
        1,
        note="plus $0.01/GB processed (usage)",
    )


@rule("azure-native:network:NatGateway")
def _azure_nat(r, graph, book):
    yield cost_item(r, "nat", book.fee("azure-nat-gateway"), 1, 1)
