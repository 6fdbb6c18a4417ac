"""A one-shot process (the CLI) freezes what a plan made instead of collecting it; tests keep collecting."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import gc, sys
import pulumi
from lepton_infra.plan import plan_program
from lepton_infra.plan.engine import one_shot_process
if sys.argv[1] == "one-shot":
    one_shot_process()
graph = plan_program(lambda: [pulumi.CustomResource("t:index:R", f"r{i}", {"i": i}) for i in range(20)])
print(len(graph.managed), gc.get_freeze_count(), gc.isenabled())
"""


def _run(mode: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    return out.split()


def test_a_one_shot_process_freezes_the_run_and_keeps_the_collector_on() -> None:
    resources, frozen, enabled = _run("one-shot")
    assert resources == "20"
    assert int(frozen) > 10_000  # the SDK's objects and the run's: moved out of the collector's sight
    assert enabled == "True"


def test_a_process_that_plans_many_times_collects_instead() -> None:
    resources, frozen, enabled = _run("default")
    assert (resources, frozen, enabled) == ("20", "0", "True")
