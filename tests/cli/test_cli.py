"""The CLI on the shipped stacks: the JSON contract, validate, exit codes. Plans come from the
session cache, so each shipped stack is planned once per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lepton_infra.cli import commands as cli
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS

CONTRACT_KEYS = [
    "project",
    "stack",
    "cloud",
    "resources",
    "outputs",
    "policy",
    "cost",
    "deploy",
    "kubernetes",
    "cold_start",
    "deployer",
    "summary",
]
RESOURCE_KEYS = [
    "urn",
    "type",
    "name",
    "parent",
    "custom",
    "protect",
    "inputs",
    "dependencies",
    "aliases",
    "provider",
]


@pytest.fixture(autouse=True)
def _share_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "plan_stack", cached_stack_plan)


def test_shipped_stacks_cover_every_cloud_and_environment() -> None:
    assert {"aws-dev", "aws-prod", "gcp-dev", "gcp-prod"} <= set(SHIPPED_STACKS)


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_validate_passes_on_each_shipped_stack(stack: str) -> None:
    result = CliRunner().invoke(cli.app, ["validate", str(PLATFORM_STACK_DIR), "--stack", stack])
    assert result.exit_code == 0, result.output
    assert f"{stack}: ok" in result.output


def test_plan_writes_the_json_contract(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = CliRunner().invoke(
        cli.app, ["plan", str(PLATFORM_STACK_DIR), "--stack", "aws-dev", "--json", str(out)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text())
    assert list(report) == CONTRACT_KEYS
    assert report["stack"] == "aws-dev" and report["cloud"] == "aws"
    assert report["project"] == "lepton-platform"
    for resource in report["resources"]:
        assert list(resource) == RESOURCE_KEYS
    urns = {r["urn"] for r in report["resources"]}
    for resource in report["resources"]:
        assert resource["parent"] is None or resource["parent"] in urns
        assert set(resource["dependencies"]) <= urns
    assert report["summary"]["resources"] == len(report["resources"]) - 1  # all but the root stack
    assert sum(report["summary"]["by_type"].values()) == report["summary"]["resources"]
    assert "violations" in report["policy"]
    assert {"monthly_usd_idle", "monthly_usd_max", "items"} <= set(report["cost"])
    assert {"critical_path", "critical_path_minutes", "work_minutes"} <= set(report["deploy"])


def test_plan_prints_the_component_tree_and_counts() -> None:
    result = CliRunner().invoke(cli.app, ["plan", str(PLATFORM_STACK_DIR), "--stack", "aws-dev", "--full"])
    assert result.exit_code == 0, result.output
    assert "lepton:aws:Platform" in result.output
    assert "Resources by type" in result.output


def test_program_failure_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        cli, "plan_stack", __import__("lepton_infra.plan", fromlist=["plan_stack"]).plan_stack
    )
    (tmp_path / "Pulumi.yaml").write_text("name: broken\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text("raise RuntimeError('boom')\n")
    result = CliRunner().invoke(cli.app, ["plan", str(tmp_path), "--stack", "dev"])
    assert result.exit_code == 3
    assert "boom" in result.output
