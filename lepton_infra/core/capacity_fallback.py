"""The cluster autoscaler's priority expander as the clouds with a cluster autoscaler configure it (EKS: the
chart's `expanderPriorities`, aws/fallback.py; AKS: the `cluster-autoscaler-priority-expander` ConfigMap,
azure/fallback.py): reserved capacity first, then on-demand, then spot.

The priority expander (kubernetes/autoscaler tag cluster-autoscaler-1.36.1, cluster-autoscaler/expander/
priority/priority.go and readme.md, read 2026-12-07) keeps the expansion options whose node group id matches
a regular expression of the highest priority listed; a group matching none is dropped, so every group of the
platform is listed, and a catch-all `.*` at the lowest priority keeps any other group scalable, last. When a
group's scale-up fails (an exhausted reservation, a block outside its window, no spot capacity) the
autoscaler backs it off and the next scale-up takes the next rung down.
"""

from __future__ import annotations

from collections.abc import Iterable

# Higher wins (priority expander readme). Gaps leave room for rungs in between.
RUNG_PRIORITY = {"reserved": 30, "on-demand": 20, "spot": 10}
CATCH_ALL_PRIORITY = 1


def expander_priorities(groups: Iterable[tuple[str, Iterable[str]]]) -> dict[str, list[str]]:
    """Priority (as a string, highest first) -> sorted group patterns, from (rung, patterns) pairs, with the
    catch-all last."""
    out: dict[str, list[str]] = {}
    for rung, patterns in groups:
        out.setdefault(str(RUNG_PRIORITY[rung]), []).extend(patterns)
    out[str(CATCH_ALL_PRIORITY)] = [".*"]
    return {k: sorted(v) for k, v in sorted(out.items(), key=lambda kv: -int(kv[0]))}
