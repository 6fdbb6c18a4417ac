"""I/O and usage errors exit 2 with one line, before the plan runs; a failing program is named by file
and line; `--version`, `--json -` and `--summary`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lepton_infra.cli import commands as cli
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR

PLATFORM = str(PLATFORM_STACK_DIR)


def _never_plan(*_args: object) -> None:
    raise AssertionError("the plan ran before the options were checked")


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--json", "/nonexistent-folder/plan.json"], "folder /nonexistent-folder does not exist"),
        (["--json", "/etc/passwd/plan.json"], "is not a folder"),
        (["--json", "/sys/plan.json"], "cannot be written"),  # sysfs takes no new file, not even from root
        (["--policy-config", "/nonexistent/policy.json"], "no such file"),
        (["--policy-report", "html", "out.html"], "unknown format"),
        (["--policy-report", "sarif", "/sys/policy.sarif"], "cannot be written"),
    ],
)
def test_bad_options_exit_2_with_one_line_before_planning(
    args: list[str], needle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "plan_stack", _never_plan)
    result = CliRunner().invoke(cli.app, ["plan", PLATFORM, "--stack", "aws-dev", *args])
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert len(_lines(result.output)) == 1, result.output
    assert "Traceback" not in result.output


def test_a_malformed_policy_config_file_is_refused_before_planning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "plan_stack", _never_plan)
    bad = tmp_path / "policy.json"
    bad.write_bytes(b"\xff\xfe not utf-8")
    result = CliRunner().invoke(
        cli.app, ["validate", PLATFORM, "--stack", "aws-dev", "--policy-config", str(bad)]
    )
    assert result.exit_code == 2 and "not UTF-8" in result.output and len(_lines(result.output)) == 1
    bad.write_text('{"no-such-rule": "advisory"}')
    result = CliRunner().invoke(
        cli.app, ["validate", PLATFORM, "--stack", "aws-dev", "--policy-config", str(bad)]
    )
    assert result.exit_code == 2 and "no-such-rule" in result.output


def test_a_non_utf8_stack_file_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("")
    (tmp_path / "Pulumi.dev.yaml").write_bytes(b"config:\n  p:greeting: caf\xe9\n")
    result = CliRunner().invoke(cli.app, ["plan", str(tmp_path), "--stack", "dev"])
    assert result.exit_code == 2, result.output
    assert "Pulumi.dev.yaml" in result.output and "not UTF-8" in result.output and "line 2" in result.output
    assert len(_lines(result.output)) == 1


def _program(tmp_path: Path, main: str, **files: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: broken\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text(main)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("main", "files", "where", "code"),
    [
        ("import pulumi\n\nraise RuntimeError('boom')\n", {}, "__main__.py:3", 3),
        (
            "import helper\n\nhelper.build()\n",
            {"helper.py": "def build():\n    raise KeyError('zone')\n"},
            "helper.py:2",
            3,
        ),
        (
            "import pulumi\nout = pulumi.Output.from_input(1)\nout.apply(lambda v: 1 / 0)\n",
            {},
            "__main__.py:3",
            3,
        ),
    ],
)
def test_a_failing_program_is_named_by_file_and_line(
    tmp_path: Path, main: str, files: dict[str, str], where: str, code: int
) -> None:
    result = CliRunner().invoke(cli.app, ["plan", str(_program(tmp_path, main, **files)), "--stack", "dev"])
    assert result.exit_code == code, result.output
    assert where in result.output, result.output
    assert "Traceback" not in result.output


def test_a_programs_own_sys_exit_is_reported(tmp_path: Path) -> None:
    stack_dir = _program(tmp_path, "import sys\n\nsys.exit(4)\n")
    result = CliRunner().invoke(cli.app, ["plan", str(stack_dir), "--stack", "dev"])
    assert result.exit_code == 3, result.output
    assert "sys.exit(4)" in result.output and "__main__.py:3" in result.output


def test_a_missing_main_is_bad_input(tmp_path: Path) -> None:
    stack_dir = _program(tmp_path, "")
    (stack_dir / "__main__.py").unlink()
    result = CliRunner().invoke(cli.app, ["plan", str(stack_dir), "--stack", "dev"])
    assert result.exit_code == 2, result.output
    assert "__main__.py" in result.output and "Traceback" not in result.output


def test_version() -> None:
    result = CliRunner().invoke(cli.app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("lepton-infra ") and result.output.strip().split()[-1][0].isdigit()


def test_json_to_stdout_writes_only_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "plan_stack", cached_stack_plan)
    with pytest.raises(SystemExit) as done:
        cli.app(["plan", PLATFORM, "--stack", "aws-dev", "--json", "-"], standalone_mode=True)
    assert done.value.code == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)  # the whole of stdout is one JSON document
    assert report["stack"] == "aws-dev"
    assert "resources: 184" in captured.err and "Stack outputs" in captured.err  # the text report


def test_summary_fits_one_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "plan_stack", cached_stack_plan)
    result = CliRunner().invoke(cli.app, ["plan", PLATFORM, "--stack", "aws-prod", "--summary"])
    assert result.exit_code == 0, result.output
    lines = _lines(result.output)
    assert len(lines) <= 24
    text = result.output
    assert "resources:" in text and "cost: $" in text and "policy: pass" in text and "critical path" in text
    assert "Resources by type" not in text
    # Every line fits 80 columns, so no figure is wrapped away from its label in a CI log.
    assert re.search(r"critical path [0-9.]+ min, work [0-9.]+ min, parallelism [0-9.]+\n", text)
