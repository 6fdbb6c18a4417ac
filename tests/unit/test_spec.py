"""The spec: environment defaults, documentation of every field, reading from stack config."""

from __future__ import annotations

import typing

import pydantic
import pytest

from lepton_infra import spec as spec_pkg
from lepton_infra.core.errors import SpecError
from lepton_infra.plan import plan_program
from lepton_infra.spec import PlatformSpec

BASE = {
    "name": "acme-ai",
    "environment": "dev",
    "cloud": "aws",
    "region": "us-east-1",
    "cluster": {"authorized_networks": ["203.0.113.0/24"]},
    "node_pools": [
        {"name": "system", "cpu": "standard-4", "min": 1, "max": 3},
        {"name": "l4", "gpu": {"type": "l4", "count": 1}, "max": 4},
    ],
    "tags": {"team": "ml", "cost-center": "42"},
}


# A private AWS endpoint needs a runner that reaches it (profiles/aws/rules.py, private_api_reachable).
RUNNER_IN_VPC = {"authorized_networks": ["10.40.200.0/24"]}


def make(**changes: typing.Any) -> PlatformSpec:
    return PlatformSpec.from_dict({**BASE, **changes})


def test_dev_defaults_are_cheap() -> None:
    spec = make()
    assert spec.network.nat == "single"
    assert spec.network.zones == 2
    assert spec.cluster.endpoint == "public"
    assert spec.protect is False
    assert spec.aws is not None and spec.aws.interface_endpoints is False


def test_prod_defaults_are_resilient_and_locked_down() -> None:
    spec = make(environment="prod", cluster=RUNNER_IN_VPC)
    assert spec.network.nat == "per-zone"
    assert spec.network.zones == 3
    assert spec.cluster.endpoint == "private"
    assert spec.protect is True
    assert spec.aws is not None and spec.aws.interface_endpoints is True


def test_explicit_values_win_over_environment_defaults() -> None:
    spec = make(
        environment="prod", network={"nat": "single", "zones": 3}, protect=False, cluster=RUNNER_IN_VPC
    )
    assert spec.network.nat == "single"
    assert spec.protect is False


def test_gpu_pools_default_to_zero_nodes() -> None:
    assert make().node_pools[1].min == 0


def test_models_are_frozen() -> None:
    spec = make()
    with pytest.raises(pydantic.ValidationError):
        spec.name = "other"  # type: ignore[misc]


def _models() -> list[type[pydantic.BaseModel]]:
    return [
        obj
        for name in spec_pkg.__all__
        if isinstance(obj := getattr(spec_pkg, name), type) and issubclass(obj, pydantic.BaseModel)
    ]


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_every_field_is_documented(model: type[pydantic.BaseModel]) -> None:
    undocumented = [name for name, f in model.model_fields.items() if not (f.description or "").strip()]
    assert undocumented == []


@pytest.mark.parametrize("model", _models(), ids=lambda m: m.__name__)
def test_every_model_forbids_unknown_fields(model: type[pydantic.BaseModel]) -> None:
    assert model.model_config.get("extra") == "forbid"
    assert model.model_config.get("frozen") is True


def test_from_config_reads_lepton_platform() -> None:
    seen: list[PlatformSpec] = []
    plan_program(lambda: seen.append(PlatformSpec.from_config()), {"lepton:platform": BASE})
    assert seen[0].name == "acme-ai" and seen[0].cloud == "aws"


def test_from_config_without_the_key_is_a_spec_error() -> None:
    with pytest.raises(SpecError) as err:
        plan_program(PlatformSpec.from_config, {})
    assert "lepton:platform" in str(err.value)


def test_spec_error_is_a_pulumi_run_error() -> None:
    import pulumi

    assert issubclass(SpecError, pulumi.RunError)
