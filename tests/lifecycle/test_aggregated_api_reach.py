"""Every APIService a pinned chart registers is served on a pod port the control plane reaches, in each
cloud's plan: otherwise discovery fails and every namespace deletion (tenant removal, destroy) hangs.
Kueue 0.19's visibility API on 8082 was admitted by neither EKS's node security group nor GKE's firewall."""

from __future__ import annotations

import pytest

from lepton_infra.core.aggregated_apis import aggregated_apis
from lepton_infra.lifecycle.cleanup_needs import RELEASE, chart_of
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS

SG_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EKS = "aws:eks/cluster:Cluster"
GKE = "gcp:container/cluster:Cluster"
FIREWALL = "gcp:compute/firewall:Firewall"
AKS = "azure-native:containerservice:ManagedCluster"
NSG = "azure-native:network:NetworkSecurityGroup"


def test_the_table_holds_kueues_visibility_port() -> None:
    kueue = aggregated_apis()["kueue"]
    assert kueue.port == 8082
    assert "v1beta2.visibility.kueue.x-k8s.io" in kueue.apiservices


def _served_ports(graph: PlannedGraph) -> dict[int, str]:
    ports = {}
    for release in graph.of_type(RELEASE):
        api = aggregated_apis().get(chart_of(release))
        if api is not None:
            ports[api.port] = release.name
    return ports


def _eks_admits(graph: PlannedGraph, port: int) -> bool:
    cluster = graph.one(EKS)
    control_plane_groups = set(cluster.get("vpcConfig.securityGroupIds") or [])
    assert control_plane_groups, "the EKS cluster names its security group"
    return any(
        rule.get("ipProtocol") in ("tcp", "-1")
        and rule.get("fromPort", 0) <= port <= rule.get("toPort", 65535)
        and rule.get("referencedSecurityGroupId") in control_plane_groups
        for rule in graph.of_type(SG_INGRESS)
    )


def _gke_admits(graph: PlannedGraph, port: int) -> bool:
    cluster = graph.one(GKE)
    if not cluster.get("privateClusterConfig.enablePrivateNodes"):
        return True  # public nodes: GKE's own rules admit the control plane
    source = cluster.get("privateClusterConfig.masterIpv4CidrBlock")
    return any(
        fw.get("direction") == "INGRESS"
        and source in (fw.get("sourceRanges") or [])
        and any(
            allow.get("protocol") == "tcp" and str(port) in (allow.get("ports") or [])
            for allow in fw.get("allows") or []
        )
        for fw in graph.of_type(FIREWALL)
    )


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_aggregated_api_port_is_reachable_from_the_control_plane(stack: str) -> None:
    graph = cached_stack_plan(PLATFORM_STACK_DIR, stack)
    served = _served_ports(graph)
    assert served, "every shipped stack serves an aggregated API (KEDA's external metrics at least)"
    if stack.startswith("aws"):
        unreachable = {p: r for p, r in served.items() if not _eks_admits(graph, p)}
    elif stack.startswith("gcp"):
        unreachable = {p: r for p, r in served.items() if not _gke_admits(graph, p)}
    else:
        unreachable = {p: r for p, r in served.items() if not _aks_admits(graph, p)}
    assert unreachable == {}


def _covers(port_range: str, port: int) -> bool:
    if port_range == "*":
        return True
    low, _, high = port_range.partition("-")
    return int(low) <= port <= int(high or low)


def _aks_admits(graph: PlannedGraph, port: int) -> bool:
    """Without API server VNet integration the API server reaches pods through konnectivity (its agent dials
    out to the control plane): no NSG is involved. With it, the control plane sits in a delegated subnet of
    the VNet and reaches the nodes directly: Azure's default AllowVnetInBound (priority 65000) admits that
    unless a rule of the subnets' NSGs denies traffic from the VNet (or from anywhere) on the port."""
    cluster = graph.one(AKS)
    if not cluster.get("apiServerAccessProfile.enableVnetIntegration"):
        return True
    for nsg in graph.of_type(NSG):
        for rule in nsg.get("securityRules") or []:
            if (
                rule.get("direction") == "Inbound"
                and rule.get("access") == "Deny"
                and rule.get("sourceAddressPrefix") in ("*", "VirtualNetwork")
                and rule.get("protocol") in ("*", "Tcp")
                and _covers(str(rule.get("destinationPortRange", "*")), port)
            ):
                return False
    return True
