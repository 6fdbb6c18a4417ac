"""A tenant's namespace GPU quota holds its services at replicas.max, their rollouts' surge pods and all
its queue can admit, own and borrowed (spec/jobs_rules.py): Kueue admits on queue quota alone."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.plan.stackfiles import load_stack
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR


def _spec() -> dict[str, Any]:
    return copy.deepcopy(json.loads(load_stack(PLATFORM_STACK_DIR, "gcp-prod").config["lepton:platform"]))


def _problems(raw: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    return {p.path: p.render() for p in err.value.problems}


def test_the_shipped_numbers_fit() -> None:
    PlatformSpec.from_dict(_spec())


def test_a_namespace_quota_below_services_and_queue_is_refused_with_the_sum() -> None:
    raw = _spec()
    raw["tenants"][0]["gpu_quota"] = 16  # sentiment 10 + its surge 1 + h100 8 + 2 borrowed l4-spot = 21
    found = _problems(raw)
    assert list(found) == ["tenants[0].gpu_quota"]
    assert "= 21;" in found["tenants[0].gpu_quota"]
    assert "raise tenants[0].gpu_quota to 21" in found["tenants[0].gpu_quota"]


def test_a_quota_holding_services_and_queue_but_not_the_surge_pod_is_refused() -> None:
    raw = _spec()
    raw["tenants"][0]["gpu_quota"] = 20  # the pre-surge sum: sentiment's rollout at 10 would hang
    found = _problems(raw)
    assert list(found) == ["tenants[0].gpu_quota"]
    assert (
        "+ 1 of their rolling updates' surge pods (maxSurge 1: sentiment 1 x 1)"
        in found["tenants[0].gpu_quota"]
    )


def test_unlimited_borrowing_counts_every_other_queue() -> None:
    raw = _spec()
    raw["tenants"][1]["gpu_quota"] = 8  # serving borrows research's 8 H100s: 6 + 2 + 2 + 8 = 18
    found = _problems(raw)
    assert list(found) == ["tenants[1].gpu_quota"]
    why = found["tenants[1].gpu_quota"]
    assert "6 GPUs of services at replicas.max (embeddings 4 x 1, chat 2 x 1) + 2 of their rolling" in why
    assert "+ 2 of queue quota" in why
    assert "+ 8 its queue may borrow" in why


def test_a_borrowing_limit_lowers_what_the_namespace_must_hold() -> None:
    raw = _spec()
    raw["tenants"][1]["gpu_quota"] = 10  # 6 at max + 2 surge + 2 of its queue, nothing borrowed
    raw["tenants"][1]["jobs"]["borrowing_limit"] = 0
    PlatformSpec.from_dict(raw)
