"""The plan report's `cold_start` section: every service's estimate from zero replicas to ready, term by term
with sources (estimate.py). Read from the plan's own `lepton:platform` config, like the `kubernetes`
section; a stranger's program (no platform spec) or one without services gets no section."""

from __future__ import annotations

from functools import partial
from typing import Any

from rich.console import Console
from rich.text import Text

from lepton_infra.coldstart.estimate import TERMS, cold_starts
from lepton_infra.coldstart.figures import table
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec.platform import spec_in_config

SECTION = "cold_start"


def cold_start_section(graph: PlannedGraph) -> dict[str, Any] | None:
    spec = spec_in_config(graph.config)
    if spec is None or not spec.services:
        return None
    services = [c.to_json() for c in cold_starts(spec)]
    section = {
        "services": services,
        "terms": list(TERMS),
        "figures_source": f"lepton_infra/coldstart/figures.yaml (read {table()['read']})",
    }
    summary = ", ".join(f"{s['service']} {s['seconds']:g} s ({s['dominant']})" for s in services)
    return {
        **section,
        "__render__": partial(render_cold_start, section),
        "__summary__": [f"cold start from zero: {summary}"],
    }


def render_cold_start(section: dict[str, Any], console: Console) -> None:
    console.print(Text("Cold start from zero replicas (estimate)", style="bold"))
    for s in section["services"]:
        console.print(
            Text(
                f"  {s['service']} on {s['pool']}: {s['seconds']:g} s ({s['minutes']:g} min), "
                f"dominated by {s['dominant']}"
            ),
            overflow="fold",
        )
        for t in s["terms"]:
            console.print(
                Text(f"    {t['term']:<8}{t['seconds']:>8g} s  {t['detail']}  [{t['source']}]"),
                overflow="fold",
            )
    console.print(Text(f"figures: {section['figures_source']}", style="dim"))
