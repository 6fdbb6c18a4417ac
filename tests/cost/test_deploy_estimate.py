"""The critical path on a small graph, and the deploy estimate over a recorded plan."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws
import pytest

from lepton_infra.deploy import critical_path, estimate_deploy
from lepton_infra.deploy.component_graph import component_graph, to_dot, to_mermaid
from lepton_infra.plan import plan_program


def test_critical_path_on_a_small_graph() -> None:
    #   a(2) -> b(3) -> d(1)
    #   a(2) -> c(10)
    #   e(4) alone
    waits_for = {"b": ["a"], "c": ["a"], "d": ["b"]}
    weights = {"a": 2, "b": 3, "c": 10, "d": 1, "e": 4}
    path, minutes = critical_path(weights, waits_for, weights.__getitem__)
    assert path == ["a", "c"] and minutes == 12


def test_cycle_is_an_error() -> None:
    with pytest.raises(ValueError, match="cycle"):
        critical_path(["a", "b"], {"a": ["b"], "b": ["a"]}, lambda _: 1.0)


def test_deep_chain_has_no_recursion_limit() -> None:
    n = 5000
    path, minutes = critical_path(
        [str(i) for i in range(n)], {str(i): [str(i - 1)] for i in range(1, n)}, lambda _: 1.0
    )
    assert len(path) == n and minutes == n


class Cluster(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:index:Cluster", name, None, None)
        self.eks = aws.eks.Cluster(
            f"{name}-eks",
            role_arn="arn:aws:iam::1:role/r",
            vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=["s"]),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})


class Pool(pulumi.ComponentResource):
    def __init__(self, name: str, cluster: Cluster) -> None:
        super().__init__("test:index:Pool", name, None, None)
        aws.eks.NodeGroup(
            f"{name}-ng",
            cluster_name=cluster.eks.name,
            node_role_arn="r",
            subnet_ids=["s"],
            scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=0, max_size=1, desired_size=0),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.register_outputs({})


def program() -> None:
    nat = aws.ec2.NatGateway("nat", subnet_id="s", allocation_id="a")
    cluster = Cluster("c")
    Pool("p1", cluster)
    Pool("p2", cluster)
    del nat


def test_deploy_estimate_over_a_plan() -> None:
    graph = plan_program(program)
    estimate = estimate_deploy(graph)
    names = [graph.by_urn(u).name for u in estimate.critical_path]
    # EKS 10 then a node group 4 (the NAT's 2 minutes run in parallel)
    assert names[0] == "c-eks" and names[-1] in {"p1-ng", "p2-ng"} and len(names) == 2
    assert estimate.critical_path_minutes == pytest.approx(14)
    assert estimate.work_minutes == pytest.approx(10 + 4 + 4 + 2)
    assert estimate.parallelism == pytest.approx(20 / 14, abs=0.01)


def test_component_graph_edges_and_renderings() -> None:
    graph = plan_program(program)
    cg = component_graph(graph)
    names = {c.urn: c.name for c in cg.nodes}
    assert sorted((names[a], names[b]) for a, b in cg.edges) == [("p1", "c"), ("p2", "c")]
    mermaid = to_mermaid(cg)
    assert mermaid.startswith("flowchart LR") and mermaid.count("-->") == 2
    dot = to_dot(cg)
    assert dot.startswith("digraph") and dot.count("->") == 2
