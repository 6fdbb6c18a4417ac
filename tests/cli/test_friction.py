"""A first-time user's friction: `-h`, `--json` on cost and graph, help that names real values, a default
report that fits a screen or two (the whole one behind `--full`), a cost table whose names survive 80
columns, a spec reference with real type names whose "required" is exactly what a minimal spec needs, and
the docs saying once where `lepton-infra` lives."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from lepton_infra.cli import commands as cli
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, REPO, SHIPPED_STACKS, spec_problems

runner = CliRunner()
PLATFORM = str(PLATFORM_STACK_DIR)
COMMANDS = ("plan", "validate", "cost", "graph", "diff")


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize("args", [["-h"], *([c, "-h"] for c in COMMANDS)])
def test_dash_h_is_help(args: list[str]) -> None:
    result = runner.invoke(cli.app, args)
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_help_names_real_values_not_types(command: str) -> None:
    text = runner.invoke(cli.app, [command, "--help"], env={"COLUMNS": "120"}).output
    assert "<bool>" not in text and "<str>" not in text and "<list[Path]>" not in text, text
    if command in ("plan", "cost", "graph"):
        assert "--json FILE" in text and "-s, --stack NAME" in text
    if command == "plan":
        assert "--date YYYY-MM-DD" in text and "--full" in text and "--summary" in text


def test_cost_and_graph_write_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "plan_stack", cached_stack_plan)
    result = runner.invoke(cli.app, ["cost", PLATFORM, "--stack", "aws-dev", "--json", "-"])
    assert result.exit_code == 0, result.output
    cost = json.loads(result.stdout)
    assert cost["monthly_usd_idle"] > 0 and cost["items"]
    out = tmp_path / "graph.json"
    result = runner.invoke(cli.app, ["graph", PLATFORM, "--stack", "aws-dev", "--json", str(out)])
    assert result.exit_code == 0, result.output
    graph = json.loads(out.read_text())
    assert {c["type"] for c in graph["components"]} >= {"lepton:aws:Platform", "lepton:aws:NodePool"}
    assert graph["edges"] and "flowchart" in result.stdout  # the drawing still goes to stdout


def test_the_default_report_fits_a_screen_or_two(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "plan_stack", cached_stack_plan)
    for stack in SHIPPED_STACKS:
        result = runner.invoke(cli.app, ["plan", PLATFORM, "--stack", stack])
        assert result.exit_code == 0, result.output
        assert len(_lines(result.output)) <= 60, (stack, len(_lines(result.output)))
        assert "Stack outputs" in result.output and "--full" in result.output
    full = runner.invoke(cli.app, ["plan", PLATFORM, "--stack", "aws-prod", "--full"]).output
    assert "Resources by type" in full and "lepton:aws:Platform" in full and len(_lines(full)) > 200


def test_the_default_report_of_twenty_tenants_fits_too(tmp_path: Path) -> None:
    target = tmp_path / "platform"
    shutil.copytree(PLATFORM_STACK_DIR, target)
    stack_file = target / "Pulumi.aws-dev.yaml"
    config = yaml.safe_load(stack_file.read_text())
    config["config"]["lepton:platform"]["tenants"] += [{"name": f"team-{i:02d}"} for i in range(19)]
    stack_file.write_text(yaml.safe_dump(config))
    result = runner.invoke(cli.app, ["plan", str(target), "--stack", "aws-dev"])
    assert result.exit_code == 0, result.output
    assert len(_lines(result.output)) <= 60, len(_lines(result.output))


def _cost_labels(stack: str) -> list[str]:
    from lepton_infra.cost import estimate_cost

    labels = []
    for item in estimate_cost(cached_stack_plan(PLATFORM_STACK_DIR, stack)).to_json()["items"]:
        label = f"{item['pool']} ({item['machine_type']})" if item.get("pool") else item["name"]
        if item["category"] == "control_plane" and item.get("note"):
            label += f" ({item['note']})"
        labels.append(label)
    return labels


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_the_cost_table_keeps_names_whole_at_80_columns(stack: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "plan_stack", cached_stack_plan)
    result = runner.invoke(cli.app, ["cost", PLATFORM, "--stack", stack], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    broken = [label for label in _cost_labels(stack) if len(label) <= 44 and label not in result.output]
    assert broken == [], broken


# --- the spec reference -------------------------------------------------------------------------------

REFERENCE = REPO / "docs" / "spec-reference.md"


def _minimal_spec() -> dict[str, Any]:
    text = REFERENCE.read_text()
    block = re.search(r"```yaml\n(lepton:platform:\n.*?)```", text, re.S)
    assert block, "the reference shows no minimal spec"
    return yaml.safe_load(block.group(1))["lepton:platform"]


def _required_rows() -> dict[str, str]:
    """path -> the default column of every row marked required."""
    rows: dict[str, str] = {}
    section = ""
    for line in REFERENCE.read_text().splitlines():
        if heading := re.match(r"## `([^`]+)`", line):
            section = heading.group(1)
        elif (row := re.match(r"\| `([^`]+)` \| [^|]+ \| (\*\*required\*\*[^|]*)\|", line)) is not None:
            path = row.group(1) if section == "lepton:platform" else f"{section}.{row.group(1)}"
            rows[path] = row.group(2).strip()
    return rows


def _sections() -> set[str]:
    return set(re.findall(r"^## `([^`]+)`", REFERENCE.read_text(), re.M))


def _given(spec: dict[str, Any], prefix: str = "") -> set[str]:
    """Every path the spec gives, descending into the parts the reference documents as models."""
    out: set[str] = set()
    for key, value in spec.items():
        path = f"{prefix}{key}"
        out.add(path)
        items = value if isinstance(value, list) else [value]
        nested = f"{path}[]" if isinstance(value, list) else path
        for item in items:
            if isinstance(item, dict) and nested in _sections():
                out |= _given(item, f"{nested}.")
    return out


def test_the_reference_shows_real_type_names() -> None:
    text = REFERENCE.read_text()
    assert "ForwardRef" not in text and "typing." not in text and "Annotated[" not in text


def test_required_is_exactly_what_the_minimal_spec_gives() -> None:
    from lepton_infra.spec.reference import REQUIRED_BY_RULES

    spec = _minimal_spec()
    given = _given(spec)
    applicable = {
        path
        for path in _required_rows()
        if (path not in REQUIRED_BY_RULES or spec["cloud"] in REQUIRED_BY_RULES[path].clouds)
        and (path not in REQUIRED_BY_RULES or spec["environment"] in REQUIRED_BY_RULES[path].environments)
        and ("." not in path or path.rsplit(".", 1)[0].removesuffix("[]") in given)
    }
    leaves = {p for p in given if not any(q.startswith((f"{p}.", f"{p}[].")) for q in given)}
    assert applicable <= given, applicable - given  # the minimal spec gives everything marked required
    assert leaves <= applicable, leaves - applicable  # and nothing that is not


def test_the_minimal_spec_is_minimal() -> None:
    spec = _minimal_spec()
    assert spec_problems(spec) == {}
    for key in spec:
        without = {k: v for k, v in spec.items() if k != key}
        assert any(p.startswith(key) for p in spec_problems(without)), key
    pool = dict(spec["node_pools"][0])
    del pool["min"]
    assert "node_pools" in spec_problems({**spec, "node_pools": [pool]})
    assert "cluster.authorized_networks" in spec_problems({**spec, "cluster": {}})


def test_the_minimal_spec_plans(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: minimal\nruntime: python\n")
    (tmp_path / "__main__.py").write_text((PLATFORM_STACK_DIR / "__main__.py").read_text())
    (tmp_path / "Pulumi.dev.yaml").write_text(
        yaml.safe_dump({"config": {"aws:region": "us-east-1", "lepton:platform": _minimal_spec()}})
    )
    result = runner.invoke(cli.app, ["plan", str(tmp_path), "--stack", "dev", "--summary"])
    assert result.exit_code == 0, result.output


def test_the_docs_say_once_where_lepton_infra_lives() -> None:
    readme = " ".join((REPO / "README.md").read_text().split())
    assert "`lepton-infra` lives in `.venv/bin`" in readme
