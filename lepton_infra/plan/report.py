"""The plan report: the JSON contract (DESIGN.md) and a readable text rendering with rich."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.tree import Tree

from lepton_infra.plan.record import STACK_TYPE, PlannedGraph

NOT_EVALUATED = "not evaluated"


@dataclass
class Report:
    graph: PlannedGraph
    cloud: str | None
    policy: dict[str, Any] = field(default_factory=lambda: {"violations": [], "status": NOT_EVALUATED})
    cost: dict[str, Any] = field(default_factory=lambda: {"monthly_usd_idle": None, "monthly_usd_max": None,
                                                          "items": [], "status": NOT_EVALUATED})
    deploy: dict[str, Any] = field(default_factory=lambda: {"critical_path": [], "critical_path_minutes": None,
                                                            "work_minutes": None, "status": NOT_EVALUATED})

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.graph.project,
            "stack": self.graph.stack,
            "cloud": self.cloud,
            "resources": [r.contract() for r in self.graph.resources],
            "outputs": self.graph.outputs,
            "policy": _public(self.policy),
            "cost": _public(self.cost),
            "deploy": _public(self.deploy),
            "summary": {"resources": len(self.graph.managed), "by_type": self.graph.by_type_counts()},
        }

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2, sort_keys=False, default=str) + "\n")


def _public(section: dict[str, Any]) -> dict[str, Any]:
    """A section without its in-process helpers (`__render__` and the like), for the JSON contract."""
    return {k: v for k, v in section.items() if not k.startswith("__")}


def infer_cloud(graph: PlannedGraph) -> str | None:
    """The cloud a plan targets, from the packages its resources use (plan/ knows no spec)."""
    packages = {r.package for r in graph.managed}
    for package, cloud in (("aws", "aws"), ("gcp", "gcp"), ("azure-native", "azure")):
        if package in packages:
            return cloud
    return None


def render_text(report: Report, console: Console) -> None:
    graph = report.graph
    console.print(f"[bold]Plan[/bold] {graph.project}/{graph.stack} "
                  f"(cloud: {report.cloud or 'unknown'}): {len(graph.managed)} resources")
    console.print(_tree(graph))
    console.print(_counts(graph))
    if graph.outputs:
        outputs = Table(title="Stack outputs", show_header=True)
        outputs.add_column("output")
        outputs.add_column("value", overflow="fold")
        for key, value in sorted(graph.outputs.items()):
            outputs.add_row(key, value if isinstance(value, str) else json.dumps(value))
        console.print(outputs)
    for section in (report.policy, report.cost, report.deploy):
        renderer = section.get("__render__")
        if callable(renderer):
            renderer(console)
    _placeholder(console, "Policy", report.policy)
    _placeholder(console, "Cost", report.cost)
    _placeholder(console, "Deploy estimate", report.deploy)


def _placeholder(console: Console, title: str, section: dict[str, Any]) -> None:
    if section.get("status") == NOT_EVALUATED:
        console.print(f"[dim]{title}: {NOT_EVALUATED}[/dim]")


def _tree(graph: PlannedGraph) -> Tree:
    roots = [r for r in graph.resources if r.type == STACK_TYPE]
    root_urn = roots[0].urn if roots else None
    tree = Tree(f"[bold]{roots[0].name if roots else graph.stack}[/bold]")
    children: dict[str | None, list] = {}
    for r in graph.managed:
        children.setdefault(r.parent, []).append(r)

    def add(node: Tree, urn: str | None) -> None:
        for child in children.get(urn, []):
            label = (f"[cyan]{child.type}[/cyan] {child.name}" if child.custom
                     else f"[bold magenta]{child.type}[/bold magenta] {child.name}")
            if child.protect:
                label += " [yellow](protected)[/yellow]"
            add(node.add(label), child.urn)

    add(tree, root_urn)
    if root_urn is not None:
        add(tree, None)
    return tree


def _counts(graph: PlannedGraph) -> Table:
    table = Table(title="Resources by type")
    table.add_column("type")
    table.add_column("count", justify="right")
    for type_, count in graph.by_type_counts().items():
        table.add_row(type_, str(count))
    return table
