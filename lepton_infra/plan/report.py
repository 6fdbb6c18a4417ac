"""The plan report: the JSON contract (docs/architecture.md, "Plan engine") and a readable text rendering
with rich."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from lepton_infra.plan.record import STACK_TYPE, PlannedGraph, whole_numbers

NOT_EVALUATED = "not evaluated"


@dataclass
class Report:
    graph: PlannedGraph
    cloud: str | None
    policy: dict[str, Any] = field(default_factory=lambda: {"violations": [], "status": NOT_EVALUATED})
    cost: dict[str, Any] = field(
        default_factory=lambda: {
            "monthly_usd_idle": None,
            "monthly_usd_max": None,
            "items": [],
            "status": NOT_EVALUATED,
        }
    )
    deploy: dict[str, Any] = field(
        default_factory=lambda: {
            "critical_path": [],
            "critical_path_minutes": None,
            "work_minutes": None,
            "status": NOT_EVALUATED,
        }
    )
    # More sections an analysis adds (by name, in the JSON after `deploy`), e.g. lepton's `kubernetes`.
    # A section may carry `__render__` (the text report) and `__summary__` (lines for `--summary`).
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "project": self.graph.project,
            "stack": self.graph.stack,
            "cloud": self.cloud,
            "resources": [r.contract() for r in self.graph.resources],
            "outputs": dict(sorted(self.graph.outputs.items())),
            "policy": _public(self.policy),
            "cost": _public(self.cost),
            "deploy": _public(self.deploy),
            **{name: _public(section) for name, section in self.sections.items()},
            "summary": {"resources": len(self.graph.managed), "by_type": self.graph.by_type_counts()},
        }

    def json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=False, default=str) + "\n"

    def write_json(self, path: str | Path) -> None:
        Path(path).write_text(self.json_text())


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
    """The readable report. Every value from the program goes in as `Text`, never as markup: an output
    of `[secret]` or `[/]` is data, not a style tag."""
    graph = report.graph
    console.print(
        Text.assemble(
            ("Plan", "bold"),
            f" {graph.project}/{graph.stack} "
            f"(cloud: {report.cloud or 'unknown'}): {len(graph.managed)} resources",
        )
    )
    console.print(_tree(graph))
    console.print(_counts(graph))
    if graph.outputs:
        console.print(Text("Stack outputs", style="bold"))
        for key, value in sorted(graph.outputs.items()):
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                # A list of records (e.g. quota to request): one per line, so each stays readable.
                console.print(Text.assemble("  ", (key, "cyan"), ":"))
                for item in value:
                    console.print(
                        Text.assemble("    - ", json.dumps(whole_numbers(item), sort_keys=True)),
                        overflow="fold",
                    )
                continue
            shown = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
            console.print(Text.assemble("  ", (key, "cyan"), ": ", shown), overflow="fold")
    for section in (report.policy, report.cost, report.deploy, *report.sections.values()):
        renderer = section.get("__render__")
        if callable(renderer):
            renderer(console)
    _placeholder(console, "Policy", report.policy)
    _placeholder(console, "Cost", report.cost)
    _placeholder(console, "Deploy estimate", report.deploy)


def summary_lines(report: Report, violations_shown: int | None = None) -> list[str]:
    """One screen for a CI log: counts, cost, policy, deploy estimate (each "not evaluated" if absent).
    `violations_shown`: list at most that many policy findings (mandatory ones first), None for all."""
    graph = report.graph
    managed = graph.managed
    custom = sum(r.custom and not r.is_provider for r in managed)
    providers = sum(r.is_provider for r in managed)
    protected = sum(r.protect for r in managed)
    lines = [
        f"Plan {graph.project}/{graph.stack} (cloud: {report.cloud or 'unknown'})",
        f"  resources: {len(managed)} ({custom} cloud resources, {len(managed) - custom - providers} "
        f"components, {providers} providers; {protected} protected)",
    ]
    cost = report.cost
    if cost.get("status") == NOT_EVALUATED:
        lines.append(f"  cost: {NOT_EVALUATED}")
    else:
        lines.append(
            f"  cost: ${cost.get('monthly_usd_idle', 0):,.2f} idle to ${cost.get('monthly_usd_max', 0):,.2f}"
            " max per month"
        )
    policy = report.policy
    if policy.get("status") == NOT_EVALUATED:
        lines.append(f"  policy: {NOT_EVALUATED}")
    else:
        counts = policy.get("summary", {})
        verdict = "FAIL" if counts.get("mandatory") else "pass"
        lines.append(
            f"  policy: {verdict}: {counts.get('mandatory', 0)} mandatory, {counts.get('advisory', 0)} "
            f"advisory, {counts.get('waived', 0)} waived ({counts.get('rules_enabled', 0)} rules)"
        )
        violations = sorted(policy.get("violations", []), key=lambda v: v.get("enforcement") != "mandatory")
        listed = violations if violations_shown is None else violations[:violations_shown]
        for v in listed:
            lines.append(
                f"    {v['enforcement']} {v['policy']} on {v['urn'].rsplit('::', 1)[-1]}: {v['message']}"
            )
        if len(listed) < len(violations):
            lines.append(f"    ... {len(violations) - len(listed)} more (--full, or the JSON report)")
    deploy = report.deploy
    if deploy.get("status") == NOT_EVALUATED:
        lines.append(f"  deploy: {NOT_EVALUATED}")
    else:
        # Kept under 80 columns: CI logs and narrow terminals wrap longer lines mid-figure.
        lines.append(
            f"  first deploy: critical path {deploy['critical_path_minutes']:.1f} min, work "
            f"{deploy['work_minutes']:.1f} min, parallelism {deploy.get('parallelism', 0):.2f}"
        )
    for section in report.sections.values():
        lines.extend(f"  {line}" for line in section.get("__summary__", ()))
    return lines


def render_summary(report: Report, console: Console) -> None:
    for line in summary_lines(report):
        console.print(Text(line), overflow="fold")


COMPACT_VIOLATIONS = 8  # policy findings the default report lists; --full and the JSON have all
COMPACT_VALUE = 160  # characters of one stack output the default report shows


def render_compact(report: Report, console: Console) -> None:
    """The default report, a screen or two whatever the stack's size: the summary, then each stack
    output on one line; the resource tree, the tables and whole values are in `--full` and the JSON."""
    for line in summary_lines(report, violations_shown=COMPACT_VIOLATIONS):
        console.print(Text(line), overflow="fold")
    outputs = report.graph.outputs
    if outputs:
        console.print(Text(f"Stack outputs ({len(outputs)})", style="bold"))
        for key, value in sorted(outputs.items()):
            shown = value if isinstance(value, str) else json.dumps(whole_numbers(value), sort_keys=True)
            shown = " ".join(shown.split())
            if len(shown) > COMPACT_VALUE:
                shown = shown[: COMPACT_VALUE - 1] + "…"
            console.print(Text.assemble("  ", (key, "cyan"), ": ", shown), overflow="fold")
    console.print(
        Text(
            "The resource tree, every output whole, the cost and deploy tables: --full. All of it as "
            "data: --json FILE.",
            style="dim",
        )
    )


def _placeholder(console: Console, title: str, section: dict[str, Any]) -> None:
    if section.get("status") == NOT_EVALUATED:
        console.print(Text(f"{title}: {NOT_EVALUATED}", style="dim"))


def _tree(graph: PlannedGraph) -> Tree:
    roots = [r for r in graph.resources if r.type == STACK_TYPE]
    root_urn = roots[0].urn if roots else None
    tree = Tree(Text(roots[0].name if roots else graph.stack, style="bold"))
    children: dict[str | None, list] = {}
    for r in graph.managed:
        children.setdefault(r.parent, []).append(r)

    def add(node: Tree, urn: str | None) -> None:
        for child in children.get(urn, []):
            label = Text.assemble((child.type, "cyan" if child.custom else "bold magenta"), " ", child.name)
            if child.protect:
                label.append(" (protected)", style="yellow")
            add(node.add(label), child.urn)

    add(tree, root_urn)
    if root_urn is not None:
        add(tree, None)
    return tree


def _counts(graph: PlannedGraph) -> Table:
    table = Table(title="Resources by type")
    table.add_column("type", no_wrap=True, overflow="ellipsis")
    table.add_column("count", justify="right", no_wrap=True)
    for type_, count in graph.by_type_counts().items():
        table.add_row(Text(type_), str(count))
    return table
