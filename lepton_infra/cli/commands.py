"""`lepton-infra`: plan, validate, cost, graph and diff a stack offline; write the deployer's policy.

Exit codes: 0 clean; 1 a mandatory policy violation; 2 bad input (spec, YAML, stack, project, options,
files, a Kubernetes version the cloud no longer creates at the plan's date); 3 the program itself failed
(with the file and line of the user's program); 4 (`diff`) a protected resource would be deleted or
replaced. After exit 2 or 3 no file from an earlier run is left where this one was asked to write.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from importlib import metadata
from pathlib import Path
from typing import Annotated

import typer
import typer.core
from rich.console import Console
from rich.markup import escape

from lepton_infra.cli.checks import (
    BadUsage,
    check_policy_config,
    check_policy_report,
    check_writable,
    read_plan_report,
)
from lepton_infra.cli.failures import refusal, spec_text
from lepton_infra.cli.nccl import nccl_test
from lepton_infra.cli.options import JsonFile, PlanDate, PolicyConfigFile, StackDir, StackName
from lepton_infra.cli.outputs import is_stdout, no_stale_outputs, write_text
from lepton_infra.cli.typer_classes import LeptonCommand, LeptonGroup
from lepton_infra.core.errors import SpecError
from lepton_infra.core.kubernetes_versions import plan_date_override
from lepton_infra.deployer.output import PolicyFormat, policy_files, write_policy_files
from lepton_infra.plan.engine import one_shot_process, plan_stack
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.plan.report import Report, infer_cloud, render_compact, render_summary, render_text

EXIT_OK, EXIT_VIOLATION, EXIT_BAD_INPUT, EXIT_PROGRAM_FAILED, EXIT_PROTECTED = 0, 1, 2, 3, 4


app = typer.Typer(
    cls=LeptonGroup,
    add_completion=False,
    no_args_is_help=True,
    help=__doc__,
    # Plain help: flags without a `<bool>`, options with the value they take (`--json FILE`).
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
# No emoji codes: `ns:x:` in a config key or a path is text, not an emoji.
out = Console(emoji=False)
err = Console(stderr=True, emoji=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lepton-infra {metadata.version('lepton-infra')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """lepton-infra: plan a Pulumi stack offline, check it, and review a change."""


def _bad_input(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/bold red] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)


def _plan(stack_dir: Path, stack: str) -> PlannedGraph:
    try:
        return plan_stack(stack_dir, stack)
    except Exception as exc:  # only plan failures are told (refusal); anything else re-raises
        told = refusal(exc, stack_dir, stack)
        if told is None:
            raise
        if told.code == EXIT_BAD_INPUT:
            raise _bad_input(told.message) from None
        err.print(f"[bold red]{escape(told.message)}[/bold red]", highlight=False, soft_wrap=True)
        raise typer.Exit(told.code) from None


def build_report(graph: PlannedGraph, policy_config: object = None) -> Report:
    """The plan report with every analysis that exists filled in. `policy_config` is a config document
    (already read from `--policy-config`), or None for the stack's `lepton:policy`."""
    from lepton_infra.cli import analysis

    report = Report(graph=graph, cloud=infer_cloud(graph))
    try:
        analysis.fill(report, policy_config=policy_config)
    except SpecError as exc:  # a bad `lepton:policy` in the stack file is bad input, like a bad spec
        raise _bad_input(spec_text(exc)) from None
    return report


def _preflight(
    json_file: Path | None, policy_config: Path | None, policy_report: tuple[str, Path] | None
) -> object:
    """Every option that names a file is checked before the plan runs (a plan takes seconds; a typo in
    a path should not cost them, nor produce a traceback after them). Returns the policy config."""
    try:
        if json_file is not None and not is_stdout(json_file):
            check_writable("--json", json_file)
        if policy_report is not None:
            check_policy_report(*policy_report)
        return check_policy_config(policy_config) if policy_config is not None else None
    except BadUsage as exc:
        raise _bad_input(str(exc)) from None


def _write_policy_report(
    report: Report, target: tuple[str, Path], stack_dir: Path, stack: str, console: Console
) -> None:
    from lepton_infra.cli.analysis import OUTCOME_KEY
    from lepton_infra.policy.reporting import write_policy_report

    kind, path = target
    artifact = (stack_dir / f"Pulumi.{stack.split('/')[-1]}.yaml").as_posix()
    try:
        write_policy_report(
            report.policy[OUTCOME_KEY], kind, path, artifact=artifact, suite=f"policy {stack}"
        )
    except OSError as exc:
        raise _bad_input(f"--policy-report {path}: cannot write: {exc.strerror}") from None
    console.print(f"Policy report ({kind}) written to {escape(str(path))}", highlight=False)


def _mandatory(report: Report) -> list[dict]:
    return [v for v in report.policy.get("violations", []) if v.get("enforcement") == "mandatory"]


def _exit_code(report: Report) -> int:
    return EXIT_VIOLATION if _mandatory(report) else EXIT_OK


@app.command(cls=LeptonCommand)
def plan(
    stack_dir: StackDir,
    stack: StackName,
    json_file: JsonFile = None,
    policy_config: PolicyConfigFile = None,
    policy_report: Annotated[
        tuple[str, Path] | None,
        typer.Option(
            "--policy-report", metavar="sarif|junit FILE", help="Write policy results for CI annotations."
        ),
    ] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full", help="The whole report: resource tree, every output whole, cost and deploy tables."
        ),
    ] = False,
    summary: Annotated[
        bool,
        typer.Option("--summary", help="Only the summary lines (counts, cost, policy, deploy), for CI logs."),
    ] = False,
    on: PlanDate = None,
) -> None:
    """Run the stack's program offline under mocks and print what it would create: by default a screen or
    two (summary and stack outputs); --full for everything."""
    outputs = [json_file, policy_report[1] if policy_report else None]
    if policy_config is not None and policy_config.resolve() in {o.resolve() for o in outputs if o}:
        raise _bad_input(f"--policy-config {policy_config}: is also an output; write the report elsewhere")
    with no_stale_outputs(*outputs):
        config_doc = _preflight(json_file, policy_config, policy_report)
        with plan_date_override(on.date() if on else None):
            report = build_report(_plan(stack_dir, stack), config_doc)
        human = err if is_stdout(json_file) else out
        (render_text if full else render_summary if summary else render_compact)(report, human)
        if json_file is not None:
            _write_json(json_file, report.json_text(), human)
        if policy_report is not None:
            _write_policy_report(report, policy_report, stack_dir, stack, human)
    raise typer.Exit(_exit_code(report))


def _write_json(path: Path, text: str, human: Console) -> None:
    try:
        write_text(path, text)
    except OSError as exc:
        raise _bad_input(f"--json {path}: cannot write: {exc.strerror}") from None
    if not is_stdout(path):
        human.print(f"JSON written to {escape(str(path))}", highlight=False)


@app.command(cls=LeptonCommand)
def validate(
    stack_dir: StackDir, stack: StackName, policy_config: PolicyConfigFile = None, on: PlanDate = None
) -> None:
    """Validate the spec and run the program offline; exit non-zero on any problem, naming each."""
    config_doc = _preflight(None, policy_config, None)
    with plan_date_override(on.date() if on else None):
        report = build_report(_plan(stack_dir, stack), config_doc)
    code = _exit_code(report)
    violations = report.policy.get("violations", [])
    mandatory = _mandatory(report)
    verdict = "ok" if code == EXIT_OK else f"{len(mandatory)} mandatory policy violations"
    out.print(f"{escape(stack)}: {verdict} ({len(report.graph.managed)} resources)", highlight=False)
    for v in sorted(violations, key=lambda v: (v["enforcement"] != "mandatory", v["policy"], v["urn"])):
        out.print(
            f"  {v['enforcement']} {escape(v['policy'])} on {escape(v['urn'].rsplit('::', 1)[-1])}: "
            f"{escape(v['message'])}",
            highlight=False,
            soft_wrap=True,
        )
    raise typer.Exit(code)


@app.command(cls=LeptonCommand)
def cost(stack_dir: StackDir, stack: StackName, json_file: JsonFile = None, on: PlanDate = None) -> None:
    """Print only the cost estimate: idle (pools at min) and max, per item, pool and tenant."""
    import json

    from lepton_infra.cost import estimate_cost
    from lepton_infra.cost.render import render_cost

    with no_stale_outputs(json_file):
        _preflight(json_file, None, None)
        with plan_date_override(on.date() if on else None):
            section = estimate_cost(_plan(stack_dir, stack)).to_json()
        human = err if is_stdout(json_file) else out
        render_cost(section, human)
        if json_file is not None:
            _write_json(json_file, json.dumps(section, indent=2, default=str) + "\n", human)


class GraphFormat(StrEnum):
    mermaid = "mermaid"
    dot = "dot"


@app.command(cls=LeptonCommand)
def graph(
    stack_dir: StackDir,
    stack: StackName,
    fmt: Annotated[
        GraphFormat, typer.Option("--format", metavar="mermaid|dot", help="mermaid or dot.")
    ] = GraphFormat.mermaid,
    json_file: JsonFile = None,
) -> None:
    """Draw the component-level dependency graph (what waits for what)."""
    from lepton_infra.deploy.component_graph import component_graph, to_dot, to_json, to_mermaid

    with no_stale_outputs(json_file):
        _preflight(json_file, None, None)
        cg = component_graph(_plan(stack_dir, stack))
        drawing = to_mermaid(cg) if fmt is GraphFormat.mermaid else to_dot(cg)
        if is_stdout(json_file):
            err.out(drawing, end="", highlight=False)
        else:
            typer.echo(drawing, nl=False)
        if json_file is not None:
            _write_json(json_file, to_json(cg), err)


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


@app.command(cls=LeptonCommand)
def diff(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="BASE.json HEAD.json | STACK_DIR",
            help="Two `plan --json` reports, or with --base: the stack directory.",
        ),
    ],
    base: Annotated[
        str | None,
        typer.Option(
            "--base", metavar="REF", help="A git ref: plan the stack at that ref (its own code) as the base."
        ),
    ] = None,
    stack: Annotated[
        str | None, typer.Option("--stack", "-s", metavar="NAME", help="Stack name, with --base.")
    ] = None,
    fmt: Annotated[
        DiffFormat,
        typer.Option("--format", metavar="text|markdown|json", help="text, markdown (PR comment) or json."),
    ] = DiffFormat.text,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="FILE", help="Write here instead of stdout (`-`: stdout)."),
    ] = None,
) -> None:
    """Review a change: resources created, deleted, changed, replaced or renamed; cost and policy deltas.
    Exit 4 when a protected resource would be deleted or replaced."""
    from lepton_infra.plan import diff_render
    from lepton_infra.plan.diff import diff_plans

    to_file = output if output is not None and not is_stdout(output) else None
    if to_file is not None and to_file.resolve() in {p.resolve() for p in paths}:  # never removed below
        raise _bad_input(f"--output {to_file}: is also an input; write the diff elsewhere")
    with no_stale_outputs(to_file):
        if to_file is not None:
            try:
                check_writable("--output", to_file)
            except BadUsage as exc:
                raise _bad_input(str(exc)) from None
        if base is not None:
            if len(paths) != 1 or not stack:
                raise _bad_input("diff --base REF takes one stack directory and --stack NAME")
            from lepton_infra.plan.git_base import BaseRefFailed, plan_at_ref

            head_report = build_report(_plan(paths[0], stack), None).to_json()
            try:
                base_report = plan_at_ref(paths[0], stack, base)
            except BaseRefFailed as exc:
                raise _bad_input(str(exc)) from None
        elif len(paths) == 2:
            try:
                base_report, head_report = read_plan_report(paths[0]), read_plan_report(paths[1])
            except BadUsage as exc:
                raise _bad_input(str(exc)) from None
        else:
            raise _bad_input("diff takes BASE.json HEAD.json, or --base REF STACK_DIR --stack NAME")
        result = diff_plans(base_report, head_report)
        code = EXIT_PROTECTED if result.protected_at_risk else EXIT_OK
        doc = diff_render.diff_document(result, code)
        if fmt is DiffFormat.text and to_file is not None:
            with to_file.open("w", encoding="utf-8") as f:
                diff_render.render_text(doc, Console(file=f, width=100, emoji=False))
        elif fmt is DiffFormat.text:
            diff_render.render_text(doc, out)
        else:
            text = diff_render.to_markdown(doc) if fmt is DiffFormat.markdown else diff_render.to_json(doc)
            write_text(to_file or Path("-"), text)
    raise typer.Exit(code)


@app.command("deployer-policy", cls=LeptonCommand)
def deployer_policy(
    stack_dir: StackDir,
    stack: StackName,
    fmt: Annotated[
        PolicyFormat,
        typer.Option(
            "--format",
            help="policy (AWS IAM policy JSON, GCP custom role YAML, Azure custom role JSON), roles (the "
            "smallest set of built-in roles) or json (the report's deployer section).",
        ),
    ] = PolicyFormat.policy,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write here, not to stdout (AWS, split: FILE-1.json, FILE-2.json).",
        ),
    ] = None,
) -> None:
    """Write the least-privilege policy for the identity that runs `pulumi up` and `pulumi destroy`."""
    if output is not None:
        try:
            check_writable("--output", output)
        except BadUsage as exc:
            raise _bad_input(str(exc)) from None
    graph = _plan(stack_dir, stack)
    cloud = infer_cloud(graph)
    if cloud is None:
        raise _bad_input(f"{stack}: the plan creates no AWS, GCP or Azure resource: no deployer policy")
    files, notes = policy_files(graph, cloud, fmt)
    try:
        written = write_policy_files(files, output, sys.stdout)
    except OSError as exc:
        raise _bad_input(f"--output {exc.filename}: cannot write: {exc.strerror}") from None
    for line in [*(f"written {path}" for path in written), *notes]:
        err.print(escape(line), highlight=False, soft_wrap=True)


# The NCCL proof for a fabric pool (reads the spec only; cli/nccl.py).
app.command("nccl-test", cls=LeptonCommand)(nccl_test)


def main() -> None:
    one_shot_process()  # the console script plans once (twice for a diff) and exits
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
