"""`make bench`: the three benchmarks, printed as tables with ratios measured in this one run."""

from __future__ import annotations

import os
import platform
from datetime import date
from pathlib import Path

from rich.console import Console

from bench import idle, isolation, overhead, scale

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    console = Console(width=150)
    stacks = sorted(
        p.name[len("Pulumi.") : -len(".yaml")] for p in (REPO / "stacks/platform").glob("Pulumi.*.yaml")
    )
    prod = [s for s in stacks if s.endswith("-prod")]
    dev = [s for s in stacks if s.endswith("-dev")]
    console.print(
        f"lepton-infra benchmarks, {date.today()}, {platform.machine()} "
        f"{os.cpu_count()} cores, Python {platform.python_version()}"
    )
    for table in (overhead.run(prod)[0], scale.run()[0], isolation.run(stacks)[0], idle.run(dev)[0]):
        console.print(table)


if __name__ == "__main__":
    main()
