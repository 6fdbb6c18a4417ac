"""A service whose pools hold no replica beyond max lets exactly one replica go first at max and none below
it (kubernetes/serving/rollout.py), for every max 1..100: resolved the way the Deployment controller does
(a percentage of the desired count rounded down, an integer as is; kubernetes pkg/controller/deployment/util
ResolveFenceposts)."""

from __future__ import annotations

import pytest

from lepton_infra.kubernetes.serving.rollout import rolling_update, unavailable_at_max_only

# Literal: the max values of 1..100 for which some integer percentage p has max*p//100 == 1 and
# (max-1)*p//100 == 0 (100/max <= p < 100/(max-1)).
PERCENT_WORKS = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 15, 17, 20, 25, 34, 50, 100}


def _resolve(value: int | str, replicas: int) -> int:
    if isinstance(value, str):
        return replicas * int(value.removesuffix("%")) // 100
    return value


@pytest.mark.parametrize("top", range(1, 101))
def test_one_replica_goes_first_at_max(top: int) -> None:
    assert _resolve(unavailable_at_max_only(top), top) == 1


@pytest.mark.parametrize("top", range(1, 101))
def test_none_goes_first_below_max_where_a_percentage_can_say_so(top: int) -> None:
    value = unavailable_at_max_only(top)
    below = {_resolve(value, replicas) for replicas in range(top)}
    if top in PERCENT_WORKS:
        assert isinstance(value, str), value
        assert below == {0}, (value, below)
    else:
        # No percentage resolves to 1 at max and 0 below: one replica may go first at any count.
        assert value == 1


def test_a_pool_with_room_beyond_max_never_drops_a_replica() -> None:
    assert rolling_update(surge=True, max_replicas=11) == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
    }
