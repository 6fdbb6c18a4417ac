"""With pytest-xdist, a stack is planned once per test run, not once per worker."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from lepton_infra.plan.testing import SHARED_PLANS_ENV

# Each run of the program appends a line to `runs.log` next to it.
PROGRAM = textwrap.dedent(
    """
    import os
    from pathlib import Path
    import pulumi
    with Path(__file__).with_name("runs.log").open("a") as log:
        log.write(f"{os.getpid()}\\n")
    pulumi.CustomResource("test:index:Thing", "thing", {"x": 1})
    """
)

# Four tests over two workers; each asks for the same stack's plan.
TESTS = textwrap.dedent(
    """
    import os
    import pytest
    from lepton_infra.plan.testing import cached_stack_plan

    @pytest.mark.parametrize("n", range(4))
    def test_reads_the_plan(n):
        graph = cached_stack_plan(os.environ["STACK_DIR"], "only")
        assert [r.name for r in graph.managed] == ["thing"]
    """
)


def test_each_stack_is_planned_once_across_workers(tmp_path: Path) -> None:
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "Pulumi.yaml").write_text("name: shared\nruntime: python\n")
    (stack / "Pulumi.only.yaml").write_text("config: {}\n")
    (stack / "__main__.py").write_text(PROGRAM)
    (tmp_path / "test_reads.py").write_text(TESTS)
    scratch = tmp_path / "tmp"  # the run's temporary files, to see that it removes its shared folder
    scratch.mkdir()
    env = {k: v for k, v in os.environ.items() if k != SHARED_PLANS_ENV}
    env |= {"STACK_DIR": str(stack), "TMPDIR": str(scratch)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-n", "2", "-p", "lepton_infra.plan.testing",
         "-p", "no:cacheprovider", "--rootdir", str(tmp_path), str(tmp_path / "test_reads.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 passed" in run.stdout
    runs = (stack / "runs.log").read_text().splitlines()
    assert len(runs) == 1, f"planned {len(runs)} times by processes {runs}"
    assert not list(scratch.glob("lepton-plans-*")), "the shared folder outlived the run"
