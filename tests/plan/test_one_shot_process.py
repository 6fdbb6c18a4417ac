"""A one-shot process (the CLI) freezes what a plan made and never collects it; a process that plans many
times (a test worker) freezes each run too and collects everything every COLLECT_EVERY runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lepton_infra.plan.engine import COLLECT_EVERY

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import gc, sys
import pulumi
from lepton_infra.plan import plan_program
from lepton_infra.plan.engine import one_shot_process
if sys.argv[1] == "one-shot":
    one_shot_process()
frozen = []
for _ in range(int(sys.argv[2])):
    graph = plan_program(lambda: [pulumi.CustomResource("t:index:R", f"r{i}", {"i": i}) for i in range(20)])
    frozen.append(gc.get_freeze_count())
print(len(graph.managed), *frozen[-2:], gc.isenabled())
"""


def _run(mode: str, runs: int) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode, str(runs)], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    return out.split()


def test_a_one_shot_process_freezes_the_run_and_keeps_the_collector_on() -> None:
    resources, frozen, enabled = _run("one-shot", 1)
    assert resources == "20"
    assert int(frozen) > 10_000  # the SDK's objects and the run's: moved out of the collector's sight
    assert enabled == "True"


def test_a_process_that_plans_many_times_collects_every_sixteen_runs() -> None:
    assert COLLECT_EVERY == 16
    resources, before, at, enabled = _run("default", COLLECT_EVERY)
    assert resources == "20" and enabled == "True"
    assert int(before) > 10_000  # after run 15: every run's objects set aside, none walked
    assert int(at) == 0  # after run 16: all back in the collector's sight, and collected
