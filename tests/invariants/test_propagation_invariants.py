"""A first `up` that needs no rerun: every first use of a grant created in the same `up` waits until the grant
is effective (core/propagation.py), over the recorded plans of all six shipped stacks.

A "use" is a resource whose create call the cloud authorizes with, or validates against, a grant it depends
on (propagation.USES: CMEK users, the Kubernetes provider). A use that depends on a fresh grant (directly,
through a component it depends on, or through its provider) must also depend on a `time:index/sleep:Sleep`
that itself waits for that grant. Reading the tables from the module under test is deliberate: they are
the classification; the expected facts per cloud are written literally below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.core.propagation import GRANT_TYPES, USES, WAIT_TYPE
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from tests.conftest import SHIPPED_STACKS

K8S_PROVIDER = "pulumi:providers:kubernetes"
# The deployer's cluster-admin grant each cloud creates in the stack (GKE: project IAM the deployer already
# holds, nothing created). Azure: "Azure Kubernetes Service RBAC Cluster Admin" (built-in role id).
AKS_RBAC_CLUSTER_ADMIN = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"


@pytest.fixture(scope="module", params=SHIPPED_STACKS)
def graph(
    request: pytest.FixtureRequest, plan_stack: Callable[..., PlannedGraph], platform_dir: Path
) -> PlannedGraph:
    return plan_stack(platform_dir, request.param)


def _direct(graph: PlannedGraph, resource: RecordedResource) -> set[str]:
    """What `resource` waits for directly: its dependencies and its inputs' sources, a component standing for
    every custom resource under it, and its provider's own dependencies."""
    urns = {*resource.dependencies, *(u for us in resource.property_dependencies.values() for u in us)}
    if resource.provider:  # the provider's URN
        urns |= _direct(graph, graph.by_urn(resource.provider)) | {resource.provider}
    out: set[str] = set()
    for urn in urns:
        dep = graph.by_urn(urn)
        out.add(urn)
        if not dep.custom:
            out |= {d.urn for d in graph.descendants(urn) if d.custom}
    return out


def _unwaited(graph: PlannedGraph) -> list[tuple[str, str]]:
    bad = []
    for use in (r for r in graph.managed if r.type in USES):
        direct = _direct(graph, use)
        grants = {u for u in direct if graph.by_urn(u).type in GRANT_TYPES}
        waits = [graph.by_urn(u) for u in direct if graph.by_urn(u).type == WAIT_TYPE]
        covered = set().union(*(_direct(graph, w) for w in waits)) if waits else set()
        bad += [(use.name, graph.by_urn(g).name) for g in sorted(grants - covered)]
    return bad


def test_every_first_use_of_a_fresh_grant_waits_for_it(graph: PlannedGraph) -> None:
    assert _unwaited(graph) == []


def test_waits_are_bounded_and_start_after_their_grants(graph: PlannedGraph) -> None:
    for wait in graph.of_type(WAIT_TYPE):
        seconds = int(str(wait.inputs["createDuration"]).removesuffix("s"))
        assert 0 < seconds <= 600, wait.name
        assert any(graph.by_urn(u).type in GRANT_TYPES for u in _direct(graph, wait)), wait.name


def _cloud(graph: PlannedGraph) -> str:
    return graph.stack.split("-")[0]


def _deployer_admin_grants(graph: PlannedGraph) -> list[RecordedResource]:
    if _cloud(graph) == "aws":
        return [r for r in graph.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")]
    if _cloud(graph) == "azure":
        return [
            r
            for r in graph.of_type("azure-native:authorization:RoleAssignment")
            if str(r.inputs.get("roleDefinitionId", "")).endswith(AKS_RBAC_CLUSTER_ADMIN)
        ]
    return []


def test_the_kubernetes_provider_waits_for_the_deployers_admin_grant(graph: PlannedGraph) -> None:
    """On EKS and AKS the stack itself makes the deployer a Kubernetes admin; the first in-cluster object
    (through the provider) waits until that grant is effective."""
    if _cloud(graph) == "gcp":
        pytest.skip("GKE: the deployer's Kubernetes access is its project IAM, not created by the stack")
    admin = {r.urn for r in _deployer_admin_grants(graph)}
    assert admin, "the stack creates no cluster-admin grant for the deployer"
    for provider in graph.of_type(K8S_PROVIDER):
        waits = [graph.by_urn(u) for u in _direct(graph, provider) if graph.by_urn(u).type == WAIT_TYPE]
        covered = set().union(*(_direct(graph, w) for w in waits)) if waits else set()
        assert admin & covered, provider.name
