"""The NetworkPolicy that lets the load balancers reach a service admits addresses no pod can have. Under
the VPC CNI a pod takes its address from its node's subnet, so admitting the private (node) subnets, where
internal ALBs used to live, admitted every pod of the cluster straight to the service, past the ALB. Internal
ALBs now get subnets of their own, the only ones tagged for the load balancer controller's internal
discovery (kubernetes-sigs/aws-load-balancer-controller v3.5.0 docs/deploy/subnet_discovery.md, read
2026-12-07) and named on internal Ingresses (the controller keeps an existing ALB's subnets otherwise:
pkg/ingress/model_build_load_balancer.go), and the policy admits those and, for public hosts, the public
subnets."""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Network
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.plan.record import PlannedGraph
from tests.aws.aws_plan_support import plan_spec
from tests.kubernetes.harness import shipped_spec
from tests.kubernetes.manifests import manifest

SUBNET = "aws:ec2/subnet:Subnet"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
ALB = "alb.ingress.kubernetes.io/"
ROLE_TAGS = ("kubernetes.io/role/elb", "kubernetes.io/role/internal-elb")


def _node_subnets(graph: PlannedGraph) -> dict[str, IPv4Network]:
    ids = {i for g in graph.of_type(NODE_GROUP) for i in g.get("subnetIds")}
    found = {s.outputs["id"]: IPv4Network(s.get("cidrBlock")) for s in graph.of_type(SUBNET)}
    assert ids and ids <= set(found), "every node group's subnet is one of the plan's"
    return {i: found[i] for i in ids}


def _lb_peers(graph: PlannedGraph) -> list[IPv4Network]:
    policies = [manifest(r) for r in graph.of_type(POLICY) if r.name.startswith(_prefix(graph))]
    if not policies:
        pytest.skip("no service is reached through a load balancer in this plan")
    rules = [rule for pol in policies for rule in pol["spec"]["ingress"]]
    return [IPv4Network(p["ipBlock"]["cidr"]) for rule in rules for p in rule["from"]]


def _prefix(graph: PlannedGraph) -> str:
    (traffic,) = [r for r in graph.of_type("lepton:k8s:Traffic")]
    return f"{traffic.name}-from-lb-"


def _check(graph: PlannedGraph, *, public: bool) -> None:
    nodes = _node_subnets(graph)
    peers = _lb_peers(graph)
    for peer in peers:
        assert not any(peer.overlaps(n) for n in nodes.values()), f"{peer} holds pod addresses"
    tagged = {
        IPv4Network(s.get("cidrBlock")): [t for t in ROLE_TAGS if s.get("tags", {}).get(t) == "1"]
        for s in graph.of_type(SUBNET)
    }
    # Each admitted block is a whole subnet the controller may put an ALB in, and no node subnet is one.
    assert all(tagged.get(peer) for peer in peers), peers
    assert not any(tagged[c] for c in nodes.values())
    internal = sorted(c for c, roles in tagged.items() if roles == ["kubernetes.io/role/internal-elb"])
    external = sorted(c for c, roles in tagged.items() if roles == ["kubernetes.io/role/elb"])
    assert sorted(set(peers)) == sorted(internal + (external if public else []))
    # Internal ALBs are put in those subnets by name, so one made earlier in the private subnets moves too.
    names = sorted(
        s.get("tags")["Name"]
        for s in graph.of_type(SUBNET)
        if s.get("tags", {}).get("kubernetes.io/role/internal-elb") == "1"
    )
    for ingress in (manifest(r) for r in graph.of_type(INGRESS)):
        annotations = ingress["metadata"]["annotations"]
        if annotations[f"{ALB}scheme"] == "internal":
            assert sorted(annotations[f"{ALB}subnets"].split(",")) == names
        else:
            assert f"{ALB}subnets" not in annotations  # public subnets by discovery


def test_aws_prod_admits_only_the_internal_load_balancer_subnets(plan_stack: Any, platform_dir: Path) -> None:
    graph = plan_stack(platform_dir, "aws-prod")
    _check(graph, public=False)
    assert len(_lb_peers(graph)) == 3  # one load-balancer subnet per zone
    named = [manifest(r)["metadata"]["annotations"].get(f"{ALB}subnets") for r in graph.of_type(INGRESS)]
    assert (
        named == ["acme-ai-prod-lb-a,acme-ai-prod-lb-b,acme-ai-prod-lb-c"] * 3
    )  # chat, embeddings, sentiment


def test_aws_dev_with_a_running_public_service_admits_the_public_and_load_balancer_subnets(
    plan_program: Callable[..., PlannedGraph],
) -> None:
    # aws-dev's sentiment scales to zero (its ALB reaches the KEDA interceptor, not the pods): kept running
    # here, its pods get the load balancers' NetworkPolicy.
    raw = shipped_spec("aws-dev")
    raw["services"] = [{**s, "replicas": {"min": 1, "max": 4}} for s in raw["services"]]
    graph = plan_spec(plan_program, raw)
    _check(graph, public=True)
    assert len(_lb_peers(graph)) == 4  # two zones: a public and a load-balancer subnet each
