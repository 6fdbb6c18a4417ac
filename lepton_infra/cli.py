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
PolicyConfigFile = Annotated[Path | None, typer.Option(
    "--policy-config", help="Policy config (JSON/YAML, the pack-config format); default: `lepton:policy`.")]


def _plan(stack_dir: Path, stack: str) -> PlannedGraph:
    try:
        return plan_stack(stack_dir, stack)
    except SpecError as exc:
        err.print(f"[bold red]error:[/bold red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except PlanFailed as exc:
        err.print(f"[bold red]the program failed:[/bold red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(EXIT_PROGRAM_FAILED) from None


def build_report(graph: PlannedGraph, policy_config: Path | None = None) -> Report:
    """The plan report with every analysis that exists filled in."""
    from lepton_infra import analysis
    from lepton_infra.policy.config import load_config_file

    report = Report(graph=graph, cloud=infer_cloud(graph))
    try:
        analysis.fill(report, policy_config=load_config_file(policy_config) if policy_config else None)
    except SpecError as exc:  # a bad policy config is bad input, like a bad spec
        err.print(f"[bold red]error:[/bold red] {exc}", markup=True, highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    return report


def _write_policy_report(report: Report, target: tuple[str, Path], stack_dir: Path, stack: str) -> None:
    from lepton_infra.analysis import OUTCOME_KEY
    from lepton_infra.policy.reporting import write_policy_report

    kind, path = target
    if kind not in ("sarif", "junit"):
        err.print(f"[bold red]error:[/bold red] --policy-report {kind!r}: use sarif or junit", highlight=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    artifact = (stack_dir / f"Pulumi.{stack}.yaml").as_posix()
    write_policy_report(report.policy[OUTCOME_KEY], kind, path, artifact=artifact, suite=f"policy {stack}")
    out.print(f"Policy report ({kind}) written to {path}")


def _exit_code(report: Report) -> int:
    mandatory = [v for v in report.policy.get("violations", []) if v.get("enforcement") == "mandatory"]
    return EXIT_VIOLATION if mandatory else EXIT_OK


@app.command()
def plan(
    stack_dir: StackDir,
    stack: StackName,
    json_file: Annotated[Path | None, typer.Option("--json", help="Write the JSON report here.")] = None,
    policy_config: PolicyConfigFile = None,
    policy_report: Annotated[tuple[str, Path] | None, typer.Option(
        "--policy-report", metavar="sarif|junit FILE", help="Write policy results for CI annotations.")] = None,
) -> None:
    """Run the stack's program offline under mocks and print what it would create."""
    report = build_report(_plan(stack_dir, stack), policy_config)
    render_text(report, out)
    if json_file is not None:
        report.write_json(json_file)
        out.print(f"JSON report written to {json_file}")
    if policy_report is not None:
        _write_policy_report(report, policy_report, stack_dir, stack)
    raise typer.Exit(_exit_code(report))


@app.command()
def validate(stack_dir: StackDir, stack: StackName, policy_config: PolicyConfigFile = None) -> None:
    """Validate the spec and run the program offline; exit non-zero on any problem."""
    report = build_report(_plan(stack_dir, stack), policy_config)
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
