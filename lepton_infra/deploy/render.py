"""The deploy estimate as text: the critical path chain of a first `pulumi up`."""

from __future__ import annotations

from typing import Any

from rich.console import Console


def render_deploy(section: dict[str, Any], console: Console) -> None:
    console.print(
        f"[bold]Deploy estimate[/bold] (first `pulumi up`): critical path "
        f"{section['critical_path_minutes']:.1f} min, total work {section['work_minutes']:.1f} min, "
        f"parallelism {section['parallelism']:.2f}"
    )
    for step in section["chain"]:
        console.print(f"  → {step['type']} {step['name']} ({step['minutes']:g} min)")
    console.print(f"[dim]durations: {section['durations_source']}[/dim]")
