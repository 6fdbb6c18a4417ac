"""Every priority class a tenant pod may use is one the cluster autoscaler still scales up for.

cluster-autoscaler-1.35.2 (config/flags/flags.go `expendable-pods-priority-cutoff`, default -10;
core/utils/expendable.go: a pod is expendable when its priority is below the cutoff) never adds a node for
an expendable pod, and every GPU pool of the shipped stacks scales from zero: a tenant class below -10 makes
its pods wait forever (deploy review of the six stacks, 2026-12-07; the class was -100)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHIPPED_STACKS

PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass"
AUTOSCALER_CUTOFF = -10  # the autoscaler's default, written out from its source
CUTOFF_FLAG = "expendable-pods-priority-cutoff"


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_no_priority_class_of_the_platform_is_expendable(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    graph = plan_stack(platform_dir, stack)
    values = {r.get("metadata.name"): r.get("value") for r in graph.of_type(PRIORITY_CLASS)}
    assert "lepton-preemptible" in values, f"{stack}: the tenants' preemptible class is not planned"
    expendable = {name: value for name, value in values.items() if value < AUTOSCALER_CUTOFF}
    assert expendable == {}, f"{stack}: the cluster autoscaler never scales up for pods at {expendable}"


@pytest.mark.parametrize("stack", [s for s in SHIPPED_STACKS if s.startswith("aws-")])
def test_the_eks_autoscaler_keeps_the_default_cutoff(plan_stack: Any, platform_dir: Path, stack: str) -> None:
    """The cutoff the classes are checked against is the one the self-managed autoscaler runs with."""
    releases = [
        r
        for r in plan_stack(platform_dir, stack).of_type("kubernetes:helm.sh/v3:Release")
        if r.get("chart") == "cluster-autoscaler"
    ]
    assert len(releases) == 1
    extra = releases[0].get("values.extraArgs") or {}
    assert CUTOFF_FLAG not in extra
