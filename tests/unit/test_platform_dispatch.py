"""`build(spec)` dispatches by cloud; an Azure spec AKS would refuse stops before any resource exists."""

from __future__ import annotations

import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.plan import plan_program
from lepton_infra.plan.record import STACK_TYPE
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec

AZURE = {
    "name": "acme-ai",
    "environment": "dev",
    "cloud": "azure",
    "region": "eastus",
    "cluster": {"authorized_networks": ["203.0.113.0/24"]},
    "node_pools": [{"name": "system", "cpu": "standard-4", "min": 1, "max": 3}],
    "tags": {"team": "ml", "cost-center": "1"},
    "azure": {"subscription_id": "00000000-0000-0000-0000-000000000000"},
}


def test_azure_dispatches_to_the_azure_platform() -> None:
    graph = plan_program(lambda: build(PlatformSpec.from_dict(AZURE)))
    assert [r.type for r in graph if r.type.startswith("lepton:") and r.parent is None] in (
        [],
        ["lepton:azure:Platform"],
    )
    assert len(graph.of_type("lepton:azure:Platform")) == 1
    assert graph.of_type("aws:eks/cluster:Cluster") == graph.of_type("gcp:container/cluster:Cluster") == []


def test_an_azure_spec_aks_would_refuse_is_refused_with_the_other_problems() -> None:
    """The VNet overlaps AKS's overlay pod range and the flow-log retention is above Azure's 365 days:
    the Azure profile's pre-flight reports both in the spec's one error, with a generic problem."""
    raw = {
        **AZURE,
        "network": {"cidr": "10.244.0.0/16", "flow_log_retention_days": 400},
        "node_pools": [{"name": "system", "cpu": "standard-4", "min": 3, "max": 1}],
    }
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    assert err.value.paths == ["node_pools[0].min", "network.cidr", "network.flow_log_retention_days"]


def test_build_repeats_the_preflight_before_any_resource() -> None:
    """A spec that bypassed validation (built in code) is still refused by build() before registering."""
    spec = PlatformSpec.from_dict(AZURE)
    spec.__dict__["network"] = spec.network.model_copy(update={"flow_log_retention_days": 400})
    with pytest.raises(SpecError) as err:
        plan_program(lambda: build(spec))
    assert err.value.paths == ["network.flow_log_retention_days"]
    recorded = err.value.recorded_resources  # type: ignore[attr-defined]
    assert [r.type for r in recorded if r.type != STACK_TYPE] == []
