"""Bad in-cluster input is a spec error (validated in lepton_infra/spec/rules.py), raised before the
first resource: the handle and the addons are never built."""

from __future__ import annotations

from typing import Any

import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.kubernetes import build_addons
from lepton_infra.plan.engine import plan_program
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.harness import STRICT_PROVIDERS, RecordingBinder, make_handle, raw_spec


def _plan(raw: dict[str, Any]) -> list[str]:
    reached: list[str] = []

    def program() -> None:
        spec = PlatformSpec.from_dict(raw)
        reached.append("handle")  # never reached: no provider, no resource
        build_addons(spec, make_handle(RecordingBinder()))

    with pytest.raises(SpecError) as err:
        plan_program(program, STRICT_PROVIDERS)
    assert reached == []
    return err.value.paths


def _with_service(**changes: Any) -> dict[str, Any]:
    raw = raw_spec("aws-prod")
    services = [dict(s) for s in raw["services"]]
    services[0] = {**services[0], **changes}
    raw["services"] = services
    return raw


def test_service_in_unknown_tenant() -> None:
    assert "services[0].tenant" in _plan(_with_service(tenant="nobody"))


def test_gpu_request_above_tenant_quota() -> None:
    raw = _with_service(gpu={"type": "h100-80gb", "count": 8}, tenant="serving")
    raw["tenants"] = [{"name": "research", "gpu_quota": 16}, {"name": "serving", "gpu_quota": 4}]
    assert "services[0].gpu.count" in _plan(raw)


def test_gpu_type_no_pool_offers() -> None:
    assert "services[0].gpu.type" in _plan(_with_service(gpu={"type": "a100-80gb", "count": 1}))


@pytest.mark.parametrize("name", ["monitoring", "gpu-operator", "keda", "kube-system", "default", "kube-foo"])
def test_tenant_named_after_a_reserved_namespace(name: str) -> None:
    raw = raw_spec("aws-prod")
    raw["tenants"] = [{"name": name, "gpu_quota": 4}]
    raw["services"] = []
    assert "tenants[0].name" in _plan(raw)
