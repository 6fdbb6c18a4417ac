"""Moving a shipped stack to the next Kubernetes minor is an in-place update: the diff between the two plans
replaces nothing and deletes nothing, on every shipped stack.

The next minor of the shipped stacks (1.35) is 1.36. Every cloud creates 1.36 in standard support on the
suite's plan date, and every pinned chart but KEDA claims it: KEDA 2.20.2 is tested up to 1.35, and 2.21
(tested on 1.34-1.36) could not be read here (core/data/chart_support.yaml). So the 1.36 plan here is
made as that bump will make it: with KEDA's row widened to 1.36, the only thing this test changes beside
the stack file. Everything else (the lifecycle table, EKS add-on pins, the autoscaler's image per minor,
GKE's channel) is the data as shipped.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from lepton_infra import cli
from lepton_infra.core.chart_support import chart_support
from lepton_infra.plan import plan_stack
from lepton_infra.plan.diff import diff_plans
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS

CURRENT, NEXT = "1.35", "1.36"


def _report(graph: Any) -> dict[str, Any]:
    return json.loads(cli.build_report(graph).json_text())


def _at_next_minor(tmp_path: Path, stack: str) -> dict[str, Any]:
    target = tmp_path / "platform"
    shutil.copytree(PLATFORM_STACK_DIR, target)
    stack_file = target / f"Pulumi.{stack}.yaml"
    text = stack_file.read_text()
    assert text.count(f'version: "{CURRENT}"') == 1, "the stack pins its minor once"
    stack_file.write_text(text.replace(f'version: "{CURRENT}"', f'version: "{NEXT}"'))
    return _report(plan_stack(target, stack))


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_the_next_minor_replaces_and_deletes_nothing(
    stack: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = _report(cached_stack_plan(PLATFORM_STACK_DIR, stack))
    keda = chart_support()["keda"]
    monkeypatch.setitem(chart_support(), "keda", dataclasses.replace(keda, kubernetes_max=NEXT))
    head = _at_next_minor(tmp_path, stack)

    d = diff_plans(base, head)
    assert [p.new["name"] for p in d.replaced] == []
    assert [r["name"] for r in d.removed] == []
    assert [r["name"] for r in d.added] == []
    assert d.protected_at_risk == []
    # The upgrade did reach the cluster and every node pool: the diff is not empty for a wrong reason.
    versions = {
        c.path: (c.old, c.new)
        for p in d.changed
        for c in p.changes
        if c.path in {"version", "kubernetesVersion", "orchestratorVersion", "minMasterVersion"}
    }
    assert versions and set(versions.values()) <= {(CURRENT, NEXT)}, versions
