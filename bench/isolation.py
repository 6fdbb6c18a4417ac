"""Benchmark 3: a plan imports only its own cloud's SDK (checked in a fresh process per stack)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from rich.table import Table

REPO = Path(__file__).resolve().parent.parent
SDKS = ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native")
PROBE = f"""
import json, sys
from lepton_infra.plan import plan_stack
plan_stack(sys.argv[1], sys.argv[2])
print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules if m.split('.')[0] in {SDKS!r}}})))
"""


def loaded_sdks(stack: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(REPO / "stacks/platform"), stack],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run(stacks: list[str]) -> tuple[Table, dict[str, list[str]]]:
    table = Table(title="3. Isolation of clouds: cloud SDKs in sys.modules after a plan")
    table.add_column("stack")
    table.add_column("cloud SDKs imported")
    table.add_column("verdict")
    results = {}
    for stack in stacks:
        sdks = loaded_sdks(stack)
        own = {"aws": "pulumi_aws", "gcp": "pulumi_gcp", "azure": "pulumi_azure_native"}[stack.split("-")[0]]
        results[stack] = sdks
        table.add_row(stack, ", ".join(sdks), "isolated" if sdks == [own] else "LEAKS")
    return table, results
