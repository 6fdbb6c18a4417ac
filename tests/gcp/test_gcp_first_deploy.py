"""A first `up` on a fresh GCP project (issue 22), over the shipped plans: the bootstrap APIs are enabled
first through a provider without the user-project override, and the GKE / Compute Engine service agents
exist (ServiceIdentity) and have settled before the key grants name them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.plan.record import PlannedGraph, RecordedResource

SERVICE = "gcp:projects/service:Service"
IDENTITY = "gcp:projects/serviceIdentity:ServiceIdentity"
SLEEP = "time:index/sleep:Sleep"
BINDING = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"


@pytest.fixture(scope="module", params=["gcp-dev", "gcp-prod"])
def graph(
    request: pytest.FixtureRequest, plan_stack: Callable[..., PlannedGraph], platform_dir: Path
) -> PlannedGraph:
    return plan_stack(platform_dir, request.param)


def _overrides(provider: RecordedResource) -> bool:
    value = provider.inputs.get("userProjectOverride")
    return json.loads(value) if isinstance(value, str) else bool(value)


def test_bootstrap_apis_are_enabled_first_without_the_user_project_override(graph: PlannedGraph) -> None:
    services = {s.inputs["service"]: s for s in graph.of_type(SERVICE)}
    bootstrap = [services["serviceusage.googleapis.com"], services["cloudresourcemanager.googleapis.com"]]
    for service in bootstrap:
        assert service.provider is not None
        assert not _overrides(graph.by_urn(service.provider)), service.name
    others = [
        s
        for name, s in services.items()
        if name not in {"serviceusage.googleapis.com", "cloudresourcemanager.googleapis.com"}
    ]
    assert others
    for service in others:
        assert service.provider is not None and _overrides(graph.by_urn(service.provider)), service.name
        assert {b.urn for b in bootstrap} <= graph.waits_for(service), service.name


@pytest.mark.parametrize(
    ("api", "domain"),
    [("container.googleapis.com", "container-engine-robot"), ("compute.googleapis.com", "compute-system")],
)
def test_service_agents_exist_and_settle_before_the_key_grants_name_them(
    graph: PlannedGraph, api: str, domain: str
) -> None:
    identity = next(i for i in graph.of_type(IDENTITY) if i.inputs["service"] == api)
    binding = next(b for b in graph.of_type(BINDING) if f"@{domain}." in str(b.inputs["member"]))
    waits = [graph.by_urn(u) for u in graph.waits_for(binding) if graph.by_urn(u).type == SLEEP]
    assert any(identity.urn in graph.waits_for(w) for w in waits)


def test_cluster_and_pools_use_the_key_only_after_its_grants_settled(graph: PlannedGraph) -> None:
    bindings = {b.urn for b in graph.of_type(BINDING)}
    for user in [
        *graph.of_type("gcp:container/cluster:Cluster"),
        *graph.of_type("gcp:container/nodePool:NodePool"),
    ]:
        waits = [graph.by_urn(u) for u in graph.waits_for(user) if graph.by_urn(u).type == SLEEP]
        assert any(bindings <= graph.waits_for(w) for w in waits), user.name
