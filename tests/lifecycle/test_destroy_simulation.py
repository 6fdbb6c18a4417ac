"""`pulumi destroy` simulated over every shipped stack's recorded plan: whatever a controller or finalizer
needs while it cleans up (lifecycle/cleanup_needs.py) outlives it in every order the engine may delete in,
and no deletion is refused outright (an ALB the controller may not delete).

On the code before this test: 16 needs broken on aws-prod (the IRSA policies of the EBS CSI add-on, the
load balancer controller, the autoscaler, the Container Insights add-on and the tenants' service accounts,
the node groups' three role attachments each, the flow log's policy: nothing depended on them, so Pulumi
deletes them first) and 2 blocked Ingresses (deletion_protection.enabled=true).
"""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from lepton_infra.lifecycle.cleanup_needs import cleanup_needs, destroy_problems
from lepton_infra.lifecycle.destroy import DestroyGraph, direct_dependencies
from lepton_infra.plan.record import STACK_TYPE, PlannedGraph
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS

NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
INLINE_POLICY = "aws:iam/rolePolicy:RolePolicy"
RELEASE = "kubernetes:helm.sh/v3:Release"


def _graph(stack: str) -> PlannedGraph:
    return cached_stack_plan(PLATFORM_STACK_DIR, stack)


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_destroy_leaves_every_cleanup_what_it_needs(stack: str) -> None:
    assert destroy_problems(_graph(stack)) == []


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_the_destroy_order_deletes_dependents_first(stack: str) -> None:
    graph = _graph(stack)
    order = DestroyGraph(graph).order()
    assert len(order) == len([r for r in graph.resources if r.type != STACK_TYPE])
    position = {urn: i for i, urn in enumerate(order)}
    for resource in graph.resources:
        for dep in direct_dependencies(resource):
            if dep in position and resource.urn in position:
                assert position[resource.urn] < position[dep], f"{resource.name} deleted after {dep}"


def _needs_by_types(graph: PlannedGraph) -> Counter[tuple[str, str]]:
    return Counter((graph.by_urn(n.user).type, graph.by_urn(n.needed).type) for n in cleanup_needs(graph))


def test_aws_prod_needs_are_found_not_vacuous() -> None:
    """The checks above pass only if they looked: aws-prod's six node groups (system in zones a, b and c,
    one group per zone for its zonal volumes; h100, l4, l4-spot) each need the node role's three managed
    policies, the controllers their IRSA policies, the ALB
    Ingresses the controller."""
    needs = _needs_by_types(_graph("aws-prod"))
    assert needs[(NODE_GROUP, ATTACHMENT)] == 18  # 6 groups x 3 policies
    assert needs[("aws:eks/addon:Addon", INLINE_POLICY)] == 2  # EBS CSI, Container Insights
    assert needs[(RELEASE, INLINE_POLICY)] == 2  # load balancer controller, cluster autoscaler
    # the two tenants' identities and the model hydrator's (it writes the chat model into the bucket)
    assert needs[("kubernetes:core/v1:ServiceAccount", INLINE_POLICY)] == 3
    assert needs[("kubernetes:networking.k8s.io/v1:Ingress", RELEASE)] == 3  # chat, embeddings, sentiment
    assert needs[(RELEASE, "aws:eks/addon:Addon")] >= 1  # a chart with volumes needs the EBS CSI add-on


@pytest.mark.parametrize(
    ("stack", "pool_type"),
    [
        ("aws-prod", NODE_GROUP),
        ("gcp-prod", "gcp:container/nodePool:NodePool"),
        ("azure-prod", "azure-native:containerservice:AgentPool"),
    ],
)
def test_aggregated_api_servers_go_before_their_nodes(stack: str, pool_type: str) -> None:
    assert _needs_by_types(_graph(stack))[(RELEASE, pool_type)] > 0


def test_gke_gateway_routes_go_before_their_backends_namespaces() -> None:
    """gcp-prod's three service routes (embeddings in serving; sentiment and chat through the KEDA
    interceptor in keda) each need their backend's namespace to outlive them: the NEG controller frees a
    namespace only after the
    route's backend service stops using the Service's NEGs (review of gcp-prod, 2026-12-07)."""
    graph = _graph("gcp-prod")
    found = {
        (graph.by_urn(n.user).name, graph.by_urn(n.needed).get("metadata.name"))
        for n in cleanup_needs(graph)
        if graph.by_urn(n.user).type == "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
    }
    assert found == {
        ("acme-ai-k8s-traffic-route-embeddings", "serving"),
        ("acme-ai-k8s-traffic-route-sentiment", "keda"),
        ("acme-ai-k8s-traffic-route-chat", "keda"),  # chat scales from zero too
    }


def test_a_route_deleted_after_its_backends_namespace_is_reported() -> None:
    """The check can fail: the same plan with the sentiment route no longer depending on anything (so a
    destroy may delete the keda namespace first) reports that route's need."""
    graph = _graph("gcp-prod")
    route = next(r for r in graph.resources if r.name == "acme-ai-k8s-traffic-route-sentiment")
    cut = dataclasses.replace(route, dependencies=[], property_dependencies={})
    broken = dataclasses.replace(graph, resources=[cut if r is route else r for r in graph.resources])
    problems = [p for p in destroy_problems(broken) if "route-sentiment" in p]
    assert len(problems) == 1 and "neg-finalizer" in problems[0], problems
