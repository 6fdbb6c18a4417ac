"""`build(spec)` dispatches by cloud through the profile table; a cloud without a platform stops before
any resource exists."""

from __future__ import annotations

import importlib.util

import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.plan import plan_program
from lepton_infra.plan.record import STACK_TYPE
from lepton_infra.platform import build
from lepton_infra.profiles import PROFILES
from lepton_infra.spec import PlatformSpec

AZURE = {
    "name": "acme-ai", "environment": "dev", "cloud": "azure", "region": "eastus",
    "cluster": {"authorized_networks": ["203.0.113.0/24"]},
    "node_pools": [{"name": "system", "cpu": "standard-4", "min": 1, "max": 3}],
    "tags": {"team": "ml", "cost-center": "1"},
    "azure": {"subscription_id": "00000000-0000-0000-0000-000000000000"},
}
AZURE_BUILT = importlib.util.find_spec("lepton_infra.azure") is not None


@pytest.mark.skipif(AZURE_BUILT, reason="the azure platform exists: its pre-flight no longer refuses it")
def test_azure_without_its_package_is_refused_in_the_same_error_as_other_problems() -> None:
    raw = {**AZURE, "node_pools": [{"name": "system-pool", "min": 3, "max": 1}]}
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    assert err.value.paths == ["node_pools[0].name", "node_pools[0].min", "cloud"]
    assert "not built yet" in str(err.value)


@pytest.mark.skipif(AZURE_BUILT, reason="the azure platform exists: its pre-flight no longer refuses it")
def test_build_refuses_a_cloud_without_a_platform_before_any_resource() -> None:
    spec = PlatformSpec.from_dict({**AZURE, "cloud": "aws", "azure": None, "region": "us-east-1"})
    spec.__dict__.update(cloud="azure", azure=AZURE["azure"])  # bypassed validation: build still checks
    with pytest.raises(SpecError) as err:
        plan_program(lambda: build(spec))
    assert err.value.paths == ["cloud"]
    recorded = err.value.recorded_resources  # type: ignore[attr-defined]
    assert [r.type for r in recorded if r.type != STACK_TYPE] == []


def test_every_cloud_has_a_profile_naming_an_importable_or_pending_platform() -> None:
    assert set(PROFILES) == {"aws", "gcp", "azure"}
    for cloud in ("aws", "gcp"):
        assert PROFILES[cloud].sdk_missing() is None
        assert importlib.util.find_spec(PROFILES[cloud].platform_module) is not None


def test_each_profile_declares_the_knobs_model_the_spec_uses() -> None:
    import typing

    for cloud, profile in PROFILES.items():
        assert profile.cloud == cloud
        assert profile.knobs in typing.get_args(PlatformSpec.model_fields[cloud].annotation)
