"""The same inputs give the same bytes: JSON and text of a shipped stack, planned in two processes whose
string hashing differs (PYTHONHASHSEED), and the critical path whatever order its graph comes in."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

from lepton_infra.deploy.critical_path import critical_path
from tests.conftest import PLATFORM_STACK_DIR, REPO


def _plan_in_subprocess(seed: str, out: Path) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed, "COLUMNS": "100", "NO_COLOR": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "lepton_infra.cli",
            "plan",
            str(PLATFORM_STACK_DIR),
            "--stack",
            "aws-prod",
            "--json",
            str(out),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    # The last line names the JSON file, which differs between the two runs by design.
    return done.stdout.replace(str(out).encode(), b"<json>")


def test_two_runs_with_different_hash_seeds_give_identical_bytes(tmp_path: Path) -> None:
    text_a = _plan_in_subprocess("1", tmp_path / "a.json")
    text_b = _plan_in_subprocess("4242", tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert text_a == text_b


def test_critical_path_ties_break_the_same_way_in_any_order() -> None:
    # Two chains of equal weight (a→b, c→d) and a lone node of the same weight: a tie everywhere.
    waits_for = {"b": ["a"], "d": ["c"], "e": ["a", "c"]}
    weights = {"a": 5.0, "b": 5.0, "c": 5.0, "d": 5.0, "e": 5.0}
    results = set()
    for order in itertools.permutations(weights):
        shuffled = {k: list(reversed(v)) for k, v in waits_for.items()} if order[0] in "ab" else waits_for
        path, minutes = critical_path(list(order), shuffled, weights.__getitem__)
        results.add((tuple(path), minutes))
    assert results == {(("a", "b"), 10.0)}
