"""Stack files are read as Pulumi reads them (gopkg.in/yaml.v3), and every way that reading can fail is
one line, exit 2: an unquoted date anywhere, a `config:` that is not a mapping, a broken `--policy-config`,
a runtime that is not Python. YAML merge keys work; a key really given twice is still refused; a number
YAML read for text is quoted as it was written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lepton_infra.cli import app
from tests.conftest import PLATFORM_STACK_DIR

runner = CliRunner()
TAGS = 'tags: {team: ml-platform, cost-center: "1234"}'


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def _platform(tmp_path: Path, old: str = "", new: str = "", stack: str = "aws-dev") -> Path:
    target = tmp_path / "platform"
    shutil.copytree(PLATFORM_STACK_DIR, target)
    if old:
        stack_file = target / f"Pulumi.{stack}.yaml"
        assert old in stack_file.read_text(), f"{old!r} is no longer in the stack file: update the test"
        stack_file.write_text(stack_file.read_text().replace(old, new))
    return target


def _plan(directory: Path, *options: str, stack: str = "aws-dev") -> object:
    return runner.invoke(app, ["plan", str(directory), "--stack", stack, *options], env={"COLUMNS": "300"})


@pytest.mark.parametrize(
    ("old", "new", "written"),
    [
        (TAGS, 'tags: {team: ml-platform, cost-center: "1234", expires: 2025-12-31}', "2025-12-31"),
        (
            "  aws:region: us-east-1\n",
            "  aws:region: us-east-1\n  lepton-platform:since: 2026-1-5\n",
            "2026-1-5",
        ),
        (
            "budget: {monthly_usd: 5000}",
            "budget: {monthly_usd: 5000, note: 2026-01-05 10:00:00}",
            "2026-01-05 10:00:00",
        ),
    ],
)
def test_an_unquoted_date_anywhere_is_one_line_exit_2(
    tmp_path: Path, old: str, new: str, written: str
) -> None:
    result = _plan(_platform(tmp_path, old, new))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and len(_lines(result.output)) == 1, result.output
    assert "an unquoted date" in result.output and f"write it quoted: '{written}'" in result.output


def test_a_date_quoted_plans(tmp_path: Path) -> None:
    result = _plan(
        _platform(tmp_path, TAGS, 'tags: {team: ml-platform, cost-center: "1234", expires: "2025-12-31"}')
    )
    assert result.exit_code == 0, result.output


def test_a_config_that_is_not_a_mapping_is_one_line_exit_2(tmp_path: Path) -> None:
    target = _platform(tmp_path)
    (target / "Pulumi.aws-dev.yaml").write_text("config: [a, b]\n")
    result = _plan(target)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and len(_lines(result.output)) == 1
    assert "config: 'list' — a stack's config must be a mapping" in result.output


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("a: [\n", "malformed YAML"),
        ("lepton-aws-s3-encrypted: advisory\nlepton-aws-s3-encrypted: mandatory\n", "key given twice"),
        ("waivers: 2026-01-01\n", "an unquoted date"),
    ],
)
def test_a_broken_policy_config_is_one_line_exit_2(tmp_path: Path, text: str, needle: str) -> None:
    config = tmp_path / "policy.yaml"
    config.write_text(text)
    result = _plan(PLATFORM_STACK_DIR, "--policy-config", str(config))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and len(_lines(result.output)) == 1, result.output
    assert f"--policy-config {config}: line " in result.output and needle in result.output


@pytest.mark.parametrize(
    ("runtime", "needle"),
    [
        ("runtime: nodejs\n", "runtime: 'nodejs' — lepton-infra plans Python programs only"),
        ("runtime: {name: go}\n", "runtime: 'go' — lepton-infra plans Python programs only"),
        ("", "runtime: (missing) — Pulumi.yaml has no runtime"),
    ],
)
def test_a_project_that_is_not_python_is_refused(tmp_path: Path, runtime: str, needle: str) -> None:
    target = _platform(tmp_path)
    (target / "Pulumi.yaml").write_text(f"name: lepton-platform\n{runtime}")
    result = _plan(target)
    assert result.exit_code == 2, result.output
    assert needle in result.output and len(_lines(result.output)) == 1


POOLS = "    node_pools:\n      - {name: system, cpu: standard-4, min: 1, max: 3}\n"
MERGED_POOLS = (
    "    node_pools:\n"
    "      - {name: system, cpu: standard-4, min: 1, max: 3}\n"
    "      - &gpu {name: l4-spot, gpu: {type: l4, count: 1}, min: 0, max: 4, spot: true}\n"
    "      - <<: *gpu\n"
    "        name: l4b\n"
)


def test_a_merge_key_override_reuses_a_pool(tmp_path: Path) -> None:
    old = POOLS + "      - {name: l4-spot, gpu: {type: l4, count: 1}, min: 0, max: 4, spot: true}\n"
    target = _platform(tmp_path, old, MERGED_POOLS)
    result = _plan(target, "--json", str(tmp_path / "plan.json"))
    assert result.exit_code == 0, result.output
    assert "l4b" in (tmp_path / "plan.json").read_text()


def test_a_key_really_given_twice_is_still_refused(tmp_path: Path) -> None:
    target = _platform(tmp_path, "    environment: dev\n", "    environment: dev\n    environment: prod\n")
    result = _plan(target)
    assert result.exit_code == 2 and "key given twice" in result.output, result.output


@pytest.mark.parametrize(
    ("written", "read_as"),
    [("0123", "83"), ("1e3", "1000"), ("0x1F", "31"), ("1_234", "1234")],
)
def test_a_number_for_text_is_quoted_as_written(tmp_path: Path, written: str, read_as: str) -> None:
    result = _plan(_platform(tmp_path, 'cost-center: "1234"', f"cost-center: {written}"))
    assert result.exit_code == 2, result.output
    line = " ".join(result.output.split())
    assert (
        f"tags.cost-center: {read_as} — YAML read this as a number, not text; write it quoted: '{written}'"
        in line
    )


def test_yaml_reads_like_pulumis_go_reader() -> None:
    """yaml.v3 (what Pulumi reads stack files with): YAML 1.2 scalars with its own quirks."""
    from lepton_infra.plan.pulumi_yaml import parse

    doc = parse(
        "a: 1e3\nb: yes\nc: 0123\nd: 1:30\ne: 089\nf: True\ng: .5\nh: 0o17\ni: 1.2.3\nj: ~\n", "test.yaml"
    )
    assert doc == {
        "a": 1000.0, "b": "yes", "c": 83, "d": "1:30", "e": 89.0, "f": True, "g": 0.5, "h": 15,
        "i": "1.2.3", "j": None,
    }  # fmt: skip
