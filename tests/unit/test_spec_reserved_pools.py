"""prod: the on-demand pools holding services kept running are refused as job flavors, and a service
scaling to zero needs another pool offering its GPU type (spec/reserved_pools.py)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.plan.stackfiles import load_stack
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR


def _spec(stack: str) -> dict[str, Any]:
    return copy.deepcopy(json.loads(load_stack(PLATFORM_STACK_DIR, stack).config["lepton:platform"]))


def _problems(raw: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    return {p.path: p.render() for p in err.value.problems}


def test_queue_quota_on_the_kept_running_pool_is_refused_in_prod() -> None:
    raw = _spec("gcp-prod")
    raw["tenants"][1]["jobs"]["gpu_quota"] = {"l4": 1, "l4-spot": 1}
    found = _problems(raw)
    assert list(found) == ["tenants[1].jobs.gpu_quota.l4"]
    assert "no job flavor" in found["tenants[1].jobs.gpu_quota.l4"]


def test_a_scale_to_zero_service_with_only_the_kept_running_pool_is_refused_in_prod() -> None:
    raw = _spec("aws-prod")
    raw["node_pools"] = [p for p in raw["node_pools"] if p["name"] != "l4-spot"]
    raw["tenants"][1]["jobs"]["gpu_quota"] = {"h100": 0}
    found = _problems(raw)
    assert "services[0]" in found
    assert "add a spot (or another) pool offering l4" in found["services[0]"]


def test_dev_shares_every_pool() -> None:
    raw = _spec("gcp-prod")
    raw["environment"] = "dev"
    raw["tenants"][1]["jobs"]["gpu_quota"] = {"l4": 1, "l4-spot": 1}
    PlatformSpec.from_dict(raw)
