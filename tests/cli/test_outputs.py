"""The files the CLI writes: after exit 2 or 3 none is left from an earlier run (CI would read it as this
run's result), a file that is not one of ours is never removed, and `-` is stdout, never a file named
`-` (a 200 KB plan named `-` was once committed at the repository root)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lepton_infra.cli import commands as cli
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, REPO

runner = CliRunner()
PLATFORM = str(PLATFORM_STACK_DIR)


def _stale(tmp_path: Path) -> tuple[Path, Path]:
    report, sarif = tmp_path / "plan.json", tmp_path / "policy.sarif"
    report.write_text('{"project": "lepton-platform", "stack": "aws-dev", "resources": []}\n')
    sarif.write_text('{"version": "2.1.0", "runs": []}\n')
    return report, sarif


def _bad_stack(tmp_path: Path) -> Path:
    stack_dir = tmp_path / "bad"
    stack_dir.mkdir()
    (stack_dir / "Pulumi.yaml").write_text("name: bad\nruntime: python\n")
    (stack_dir / "__main__.py").write_text("raise RuntimeError('boom')\n")
    (stack_dir / "Pulumi.dev.yaml").write_text("config: {}\n")
    return stack_dir


@pytest.mark.parametrize(
    ("why", "args", "code"),
    [
        ("unknown stack", ["plan", PLATFORM, "--stack", "nope"], 2),
        ("bad option value", ["plan", PLATFORM, "--stack", "aws-dev", "--date", "2026-13-01"], 2),
        ("unknown option", ["plan", PLATFORM, "--stack", "aws-dev", "--colour"], 2),
        ("program failed", ["plan", "{bad}", "--stack", "dev"], 3),
    ],
)
def test_no_output_of_an_earlier_run_survives_exit_2_or_3(
    tmp_path: Path, why: str, args: list[str], code: int
) -> None:
    report, sarif = _stale(tmp_path)
    bad = str(_bad_stack(tmp_path))
    args = [a.replace("{bad}", bad) for a in args]
    result = runner.invoke(cli.app, [*args, "--json", str(report), "--policy-report", "sarif", str(sarif)])
    assert result.exit_code == code, result.output
    assert not report.exists() and not sarif.exists(), why


def test_a_broken_policy_config_leaves_no_stale_report(tmp_path: Path) -> None:
    report, _ = _stale(tmp_path)
    config = tmp_path / "policy.yaml"
    config.write_text("a: [\n")
    result = runner.invoke(
        cli.app,
        ["plan", PLATFORM, "--stack", "aws-dev", "--policy-config", str(config), "--json", str(report)],
    )
    assert result.exit_code == 2 and not report.exists(), result.output


@pytest.mark.parametrize("command", ["cost", "graph"])
def test_cost_and_graph_leave_no_stale_json(tmp_path: Path, command: str) -> None:
    report, _ = _stale(tmp_path)
    result = runner.invoke(cli.app, [command, PLATFORM, "--stack", "nope", "--json", str(report)])
    assert result.exit_code == 2 and not report.exists(), result.output


def test_diff_leaves_no_stale_output(tmp_path: Path) -> None:
    output = tmp_path / "diff.md"
    output.write_text("### Plan diff p/s → p/s\n")
    not_a_report = tmp_path / "x.json"
    not_a_report.write_text('{"resources": [1, 2]}')
    result = runner.invoke(cli.app, ["diff", str(not_a_report), str(not_a_report), "-o", str(output)])
    assert result.exit_code == 2 and "not a plan report" in result.output, result.output
    assert not output.exists()


def test_a_file_that_is_not_ours_is_never_removed(tmp_path: Path) -> None:
    mine = tmp_path / "Pulumi.yaml"
    mine.write_text("name: my-project\nruntime: python\n")
    result = runner.invoke(cli.app, ["plan", PLATFORM, "--stack", "nope", "--json", str(mine)])
    assert result.exit_code == 2
    assert mine.read_text() == "name: my-project\nruntime: python\n"


def test_a_run_that_succeeds_rewrites_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "plan_stack", cached_stack_plan)
    report, _ = _stale(tmp_path)
    result = runner.invoke(cli.app, ["plan", PLATFORM, "--stack", "aws-dev", "--json", str(report)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(report.read_text())["resources"]) > 100


def test_no_file_named_dash_is_committed_or_can_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not (REPO / "-").exists()
    assert "/-" in (REPO / ".gitignore").read_text().splitlines()
    monkeypatch.setattr(cli, "plan_stack", cached_stack_plan)
    monkeypatch.chdir(tmp_path)
    base = str(tmp_path / "base.json")
    assert runner.invoke(cli.app, ["plan", PLATFORM, "--stack", "aws-dev", "--json", base]).exit_code == 0
    for args in (
        ["plan", PLATFORM, "--stack", "aws-dev", "--json", "-"],
        ["cost", PLATFORM, "--stack", "aws-dev", "--json", "-"],
        ["graph", PLATFORM, "--stack", "aws-dev", "--json", "-"],
        ["diff", base, base, "--format", "json", "-o", "-"],
    ):
        result = runner.invoke(cli.app, args)
        assert result.exit_code == 0, (args, result.output)
        assert '"' in result.stdout, args  # the JSON went to stdout
    refused = runner.invoke(
        cli.app, ["plan", PLATFORM, "--stack", "aws-dev", "--policy-report", "sarif", "-"]
    )
    assert refused.exit_code == 2 and "give a file name" in refused.output
    assert list(tmp_path.iterdir()) == [tmp_path / "base.json"]
