"""Plan a stack as it was at a git ref: the ref's tree is exported to a temporary folder and planned
there in a subprocess with the current interpreter, so the ref's own program *and* library code run
(what was merged then, not what the working tree holds now)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any


class BaseRefFailed(RuntimeError):
    """The ref could not be exported or planned (the message says which and why)."""


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)


def plan_at_ref(stack_dir: Path, stack: str, ref: str) -> dict[str, Any]:
    """The JSON report of `stack` planned from the tree of `ref`."""
    stack_dir = stack_dir.resolve()
    top = _git(["rev-parse", "--show-toplevel"], stack_dir)
    if top.returncode != 0:
        raise BaseRefFailed(f"{stack_dir} is not inside a git repository")
    root = Path(top.stdout.decode().strip())
    if _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root).returncode != 0:
        raise BaseRefFailed(f"--base {ref}: no such commit in {root}")
    with tempfile.TemporaryDirectory(prefix="lepton-base-") as tmp:
        archive = _git(["archive", "--format=tar", ref], root)
        if archive.returncode != 0:
            raise BaseRefFailed(f"git archive {ref}: {archive.stderr.decode().strip()}")
        tar_path = Path(tmp) / "base.tar"
        tar_path.write_bytes(archive.stdout)
        tree = Path(tmp) / "tree"
        with tarfile.open(tar_path) as tar:
            tar.extractall(tree, filter="data")
        base_dir = tree / stack_dir.relative_to(root)
        if not base_dir.is_dir():
            raise BaseRefFailed(f"--base {ref}: {stack_dir.relative_to(root)} does not exist at that ref")
        out = Path(tmp) / "base.json"
        # cwd and PYTHONPATH first: the ref's lepton_infra wins over the installed (working tree) one.
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), os.environ.get("PYTHONPATH", "")])}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "lepton_infra.cli",
                "plan",
                str(base_dir),
                "--stack",
                stack,
                "--json",
                str(out),
            ],
            cwd=tree,
            env=env,
            capture_output=True,
            check=False,
        )
        if done.returncode not in (0, 1) or not out.is_file():  # 1: mandatory violations, still a plan
            tail = (done.stderr or done.stdout).decode(errors="replace").strip().splitlines()[-3:]
            raise BaseRefFailed(
                f"planning {stack} at {ref} failed (exit {done.returncode}): {' / '.join(tail)}"
            )
        return json.loads(out.read_text())
