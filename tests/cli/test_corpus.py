"""The malformed-input corpus (tests/data/corpus, written by its generate.py): every malformed input is a
clean refusal (its exit code, the field or words it names, no traceback), and every valid one plans.

Counted: tried, clean refusals, tracebacks, wrong acceptances (a malformed input planned with exit 0 or
1), and refusals that do not say what the case expects. `python -m tests.cli.test_corpus` prints the
counts.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from typer.testing import CliRunner

from lepton_infra.cli import commands as cli
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus"
MINIMAL_STACK = CORPUS / "stack" / "valid" / "minimal-aws.yaml"
CHUNKS = 8  # the malformed inputs run in this many tests, so the workers share them

runner = CliRunner()


@dataclass(frozen=True)
class Case:
    path: Path
    kind: str  # stack, project or policy
    code: int
    needle: str

    @property
    def name(self) -> str:
        return f"{self.kind}/{self.path.parent.name}/{self.path.stem}"


def _case(path: Path) -> Case:
    head = path.read_bytes()[:600].decode("utf-8", errors="replace").lstrip("\ufeff")
    code, needle = 0, ""
    for line in head.splitlines():
        if line.startswith("# expect: "):
            code_text, _, needle = line[len("# expect: ") :].partition(" ")
            code = int(code_text)
    return Case(path, path.parents[1].name, code, needle)


def cases(state: str) -> list[Case]:
    return [
        _case(p)
        for kind in ("stack", "project", "policy")
        for p in sorted((CORPUS / kind / state).glob("*.yaml"))
    ]


def _project(root: Path, project: bytes, stack: bytes) -> Path:
    (root / "Pulumi.yaml").write_bytes(project)
    (root / "Pulumi.t.yaml").write_bytes(stack)
    shutil.copy(PLATFORM_STACK_DIR / "__main__.py", root / "__main__.py")
    return root


def run(case: Case) -> tuple[int, str]:
    """(exit code, output) of the CLI on the case, in-process."""
    with tempfile.TemporaryDirectory(prefix="lepton-corpus-") as tmp:
        root = Path(tmp)
        if case.kind == "stack":
            args = ["plan", str(_project(root, b"name: corpus\nruntime: python\n", case.path.read_bytes()))]
            args += ["--stack", "t", "--summary"]
        elif case.kind == "project":
            args = ["plan", str(_project(root, case.path.read_bytes(), MINIMAL_STACK.read_bytes()))]
            args += ["--stack", "t", "--summary"]
        else:
            args = ["plan", str(PLATFORM_STACK_DIR), "--stack", "aws-dev", "--summary"]
            args += ["--policy-config", str(case.path)]
        with mock.patch.object(
            cli, "plan_stack", cached_stack_plan if case.kind == "policy" else cli.plan_stack
        ):
            result = runner.invoke(cli.app, args, env={"COLUMNS": "400"})
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += f"\nTraceback (escaped): {result.exception!r}"
    return result.exit_code, output


def verdict(case: Case, code: int, output: str) -> str:
    """clean, traceback, wrongly accepted (or wrongly refused, for a valid case), or unexpected."""
    if "Traceback" in output:
        return "traceback"
    if case.code != 0 and code in (0, 1):
        return "wrongly accepted"
    if case.code == 0 and code != 0:
        return "wrongly refused"
    if code != case.code or case.needle not in " ".join(output.split()):
        return "unexpected"
    return "clean"


def _chunk(index: int) -> Iterator[Case]:
    malformed = cases("malformed")
    yield from malformed[index::CHUNKS]


def test_the_corpus_is_large_enough() -> None:
    assert len(cases("malformed")) >= 400 and len(cases("valid")) >= 50


@pytest.mark.parametrize("chunk", range(CHUNKS))
def test_every_malformed_input_is_refused_cleanly(chunk: int) -> None:
    results = {case.name: verdict(case, *run(case)) for case in _chunk(chunk)}
    counts = Counter(results.values())
    assert counts["traceback"] == 0 and counts["wrongly accepted"] == 0, {
        n: v for n, v in results.items() if v != "clean"
    }
    assert {n: v for n, v in results.items() if v != "clean"} == {}


@pytest.mark.parametrize("case", cases("valid"), ids=lambda c: c.name)
def test_every_valid_input_plans(case: Case) -> None:
    code, output = run(case)
    assert verdict(case, code, output) == "clean", output[-3000:]


def main() -> None:
    """Print the corpus counts (for an issue's closing note)."""
    totals: Counter[str] = Counter()
    for state in ("malformed", "valid"):
        for case in cases(state):
            v = verdict(case, *run(case))
            totals[f"{state} {v}"] += 1
            if v != "clean":
                print(f"{v}: {case.name}")
    for key, count in sorted(totals.items()):
        print(f"{key}: {count}")


if __name__ == "__main__":
    main()
