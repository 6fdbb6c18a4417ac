"""The options and arguments the commands share, typed once so every command names and explains them alike."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

StackDir = Annotated[
    Path, typer.Argument(metavar="STACK_DIR", help="Pulumi project directory, e.g. stacks/platform.")
]
StackName = Annotated[
    str,
    typer.Option("--stack", "-s", metavar="NAME", help="Stack name (NAME, ORG/NAME or ORG/PROJECT/NAME)."),
]
JsonFile = Annotated[
    Path | None,
    typer.Option(
        "--json",
        metavar="FILE",
        help="Also write the result as JSON to FILE; `-` for stdout (the text then goes to stderr).",
    ),
]
PlanDate = Annotated[
    datetime | None,
    typer.Option(
        "--date",
        metavar="YYYY-MM-DD",
        formats=["%Y-%m-%d"],
        help="Judge Kubernetes version support at this date (YYYY-MM-DD) instead of today (UTC), for a "
        "reproducible run; same as LEPTON_PLAN_DATE.",
    ),
]
PolicyConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--policy-config",
        metavar="FILE",
        help="Policy config (JSON/YAML, the pack-config format); default: `lepton:policy`.",
    ),
]
