"""`build(spec)` dispatches by cloud; a cloud without a platform stops before any resource exists."""

from __future__ import annotations

import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.plan import plan_program
from lepton_infra.plan.record import STACK_TYPE
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec

AZURE = {
    "name": "acme-ai", "environment": "dev", "cloud": "azure", "region": "eastus",
    "cluster": {"authorized_networks": ["203.0.113.0/24"]},
    "node_pools": [{"name": "system", "cpu": "standard-4", "min": 1, "max": 3}],
    "tags": {"team": "ml", "cost-center": "1"},
    "azure": {"subscription_id": "00000000-0000-0000-0000-000000000000"},
}


def test_azure_is_a_valid_spec_but_has_no_platform_yet() -> None:
    spec = PlatformSpec.from_dict(AZURE)
    with pytest.raises(SpecError) as err:
        plan_program(lambda: build(spec))
    assert err.value.paths == ["cloud"]
    assert "not built yet" in str(err.value)
    recorded = err.value.recorded_resources  # type: ignore[attr-defined]
    assert [r.type for r in recorded if r.type != STACK_TYPE] == []
