"""`lepton-infra`: plan, validate, cost and graph a stack offline.

Exit codes: 0 clean; 1 a mandatory policy violation; 2 bad input (spec, YAML, stack, project);
3 the program itself failed (a bug, shown with its cause).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from lepton_infra.core.errors import SpecError
from lepton_infra.plan.engine import PlanFailed, plan_stack
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.plan.report import Report, infer_cloud, render_text

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT, EXIT_PROGRAM_FAILED = 0, 1, 2, 3

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
out = Console()
err = Console(stderr=True)

StackDir = Annotated[Path, typer.Argument(help="Pulumi project directory, e.g. stacks/platform.")]
StackName = Annotated[str, typer.Option("--stack", "-s", help="Stack name, e.g. aws-dev.")]


def _plan(stack_dir: Path, stack: str) -> PlannedGraph:
    try:
        return plan_stack(stack_dir, stack)
    except SpecError as exc:
        err.print(f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except PlanFailed as exc:
        err.print(f"[bold red]the program failed:[/bold red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(EXIT_PROGRAM_FAILED) from None


def build_report(graph: PlannedGraph) -> Report:
    """The plan report with every analysis that exists filled in."""
    from lepton_infra import analysis

    report = Report(graph=graph, cloud=infer_cloud(graph))
    analysis.fill(report)
    return report


def _exit_code(report: Report) -> int:
    mandatory = [v for v in report.policy.get("violations", []) if v.get("enforcement") == "mandatory"]
    return EXIT_VIOLATION if mandatory else EXIT_OK


@app.command()
def plan(
    stack_dir: StackDir,
    stack: StackName,
    json_file: Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.")] = None,
) -> None:
    """Run the stack's program offline under mocks and print what it would create."""
    report = build_report(_plan(stack_dir, stack))
    render_text(report, out)
    if json_file is not None:
        report.write_json(json_file)
        out.print(f"JSON report written to {json_file}")
    raise typer.Exit(_exit_code(report))


@app.command()
def validate(stack_dir: StackDir, stack: StackName) -> None:
    """Validate the spec and run the program offline; exit non-zero on any problem."""
    report = build_report(_plan(stack_dir, stack))
    code = _exit_code(report)
    verdict = "ok" if code == EXIT_OK else "mandatory policy violations"
    out.print(f"{stack}: {verdict} ({len(report.graph.managed)} resources)")
    raise typer.Exit(code)


@app.command()
def cost(stack_dir: StackDir, stack: StackName) -> None:
    """Print only the cost estimate: idle (pools at min) and max, per item, pool and tenant."""
    from lepton_infra.cost import estimate_cost
    from lepton_infra.cost.render import render_cost

    render_cost(estimate_cost(_plan(stack_dir, stack)).to_json(), out)


class GraphFormat(StrEnum):
    mermaid = "mermaid"
    dot = "dot"


@app.command()
def graph(
    stack_dir: StackDir,
    stack: StackName,
    fmt: Annotated[GraphFormat, typer.Option("--format", help="mermaid or dot.")] = GraphFormat.mermaid,
) -> None:
    """Draw the component-level dependency graph (what waits for what)."""
    from lepton_infra.deploy.component_graph import component_graph, to_dot, to_mermaid

    cg = component_graph(_plan(stack_dir, stack))
    typer.echo(to_mermaid(cg) if fmt is GraphFormat.mermaid else to_dot(cg), nl=False)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
