"""Benchmark 1: offline plan time and peak RSS of each prod stack against its floor."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

from rich.table import Table

REPO = Path(__file__).resolve().parent.parent


def child_result(mode: str, stack_or_spec: str) -> dict:
    """A plan (`plan`, stack name) or a floor (`floor`, its JSON spec) measured in a fresh process."""
    args = (mode, str(REPO / "stacks/platform"), stack_or_spec) if mode == "plan" else (mode, stack_or_spec)
    return _child(*args)


def _child(*args: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "bench.child", *args], cwd=REPO, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def compile_package() -> None:
    """Write the package's bytecode before measuring, as `pip install lepton-infra` does. An editable
    install (this repository's venv) leaves it to the first import, and where PYTHONDONTWRITEBYTECODE is
    set (this machine, some CI images) never writes it: every measured plan then compiled ~275 of the
    package's modules from source, ~0.1 s that no installed package pays and the floor (which imports
    almost none of them) never paid either."""
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "lepton_infra", "stacks", "bench"],
        cwd=REPO,
        check=True,
        capture_output=True,
    )


def run(stacks: list[str], repeats: int = 3) -> tuple[Table, list[dict]]:
    compile_package()
    table = Table(title=f"1. Plan overhead against the floor (median of {repeats} runs, separate processes)")
    for column in (
        "stack",
        "resources",
        "plan s",
        "floor s",
        "time ratio",
        "plan MiB",
        "floor MiB",
        "RSS ratio",
        "critical path min",
        "parallelism",
    ):
        table.add_column(column, justify="right" if column != "stack" else "left")
    rows = []
    for stack in stacks:
        plans, floors = [], []
        for _ in range(repeats):  # interleaved, so machine load affects both alike
            p = _child("plan", str(REPO / "stacks/platform"), stack)
            f = _child("floor", json.dumps({"modules": p["modules"], "count": p["resources"]}))
            plans.append(p)
            floors.append(f)
        row = {
            "stack": stack,
            "resources": plans[0]["resources"],
            "plan_s": statistics.median(p["seconds"] for p in plans),
            "floor_s": statistics.median(f["seconds"] for f in floors),
            "plan_mib": statistics.median(p["peak_rss_mib"] for p in plans),
            "floor_mib": statistics.median(f["peak_rss_mib"] for f in floors),
            "critical_path_minutes": plans[0]["critical_path_minutes"],
            "parallelism": plans[0]["parallelism"],
        }
        row["time_ratio"] = row["plan_s"] / row["floor_s"]
        row["rss_ratio"] = row["plan_mib"] / row["floor_mib"]
        rows.append(row)
        table.add_row(
            stack,
            str(row["resources"]),
            f"{row['plan_s']:.2f}",
            f"{row['floor_s']:.2f}",
            f"{row['time_ratio']:.2f}",
            f"{row['plan_mib']:.0f}",
            f"{row['floor_mib']:.0f}",
            f"{row['rss_ratio']:.2f}",
            f"{row['critical_path_minutes']:.1f}",
            f"{row['parallelism']:.2f}",
        )
    return table, rows
