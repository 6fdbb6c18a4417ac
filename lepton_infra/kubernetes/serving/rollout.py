"""How a service's Deployment rolls out: surge one replica and never drop one, or, where its pools can never
place a replica beyond max, let exactly one old replica go first at max only.

The Deployment controller resolves `maxUnavailable` against the desired replica count, a percentage
rounded down, maxSurge rounded up (kubernetes pkg/controller/deployment/util/deployment_util.go
`ResolveFenceposts`, as quoted in github liliguo2023/kubernetes-notebook, read 2026-12-07; not re-read at
a tagged kubernetes release). A
percentage p gives 1 at `max` and 0 at every count below it exactly when 100/max <= p < 100/(max-1): an
integer p exists for max 1-10, 12, 13, 15, 17, 20, 25, 34, 50 and 100 of 1..100, not for the others (for
max 11, 10% is 0 at 11 and 11% is 1 at 10). There the value is a plain 1: one replica may go first at
any count, so a rollout below max runs one replica short for a while, never hangs. Pure."""

from __future__ import annotations

from typing import Any

from lepton_infra.spec.service import ROLLOUT_MAX_SURGE


def unavailable_at_max_only(max_replicas: int) -> int | str:
    """`maxUnavailable` resolving to 1 at `max_replicas` and to 0 below it: the smallest percentage that
    does (ceil(100/max)), or 1 where no percentage does (module docstring)."""
    top = max(max_replicas, 1)
    percent = -(-100 // top)
    if (top - 1) * percent < 100:  # rounds down to 0 at max - 1 (and so below)
        return f"{percent}%"
    return 1


def rolling_update(*, surge: bool, max_replicas: int) -> dict[str, Any]:
    """The Deployment's `strategy`: surge `ROLLOUT_MAX_SURGE` replicas; `surge` False (the pools hold no
    replica beyond max) also lets one go first at max (`unavailable_at_max_only`)."""
    unavailable = 0 if surge else unavailable_at_max_only(max_replicas)
    return {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": ROLLOUT_MAX_SURGE, "maxUnavailable": unavailable},
    }
