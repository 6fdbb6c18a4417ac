"""The figures the README and the cloud guides quote for each shipped stack (resources, monthly cost idle and
max, the first `pulumi up`'s critical path, total work and parallelism, policy findings) stay equal to
today's plans: a change that moves them (a propagation wait, a new resource) updates the docs with it.
A failure prints the row as it should read."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from lepton_infra.cli.commands import build_report
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS

ROOT = Path(__file__).resolve().parents[2]


@cache
def _report(stack: str) -> dict:
    return build_report(cached_stack_plan(PLATFORM_STACK_DIR, stack)).to_json()


def _usd(value: float) -> str:
    return f"{round(value):,}"


def _rows(path: Path, header: str) -> dict[str, list[str]]:
    """The rows of the table under `header` (its first line), by their first cell."""
    text = path.read_text(encoding="utf-8")
    start = text.index(header)
    rows: dict[str, list[str]] = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0]] = cells
    return rows


def _deploy(stack: str) -> tuple[str, str, str]:
    deploy = _report(stack)["deploy"]
    return (
        f"{deploy['critical_path_minutes']:.1f} min",
        f"{deploy['work_minutes']:.1f} min",
        f"{deploy['parallelism']:.2f}",
    )


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_the_readme_table_matches_the_plan(stack: str) -> None:
    report = _report(stack)
    cost, policy = report["cost"], report["policy"]["summary"]
    critical, work, parallelism = _deploy(stack)
    expected = [
        stack,
        str(report["summary"]["resources"]),
        f"{_usd(cost['monthly_usd_idle'])} → {_usd(cost['monthly_usd_max'])}",
        f"{critical} / {work} / {parallelism}",
        f"{policy['mandatory']} mandatory, {policy['advisory']} advisory",
    ]
    row = _rows(ROOT / "README.md", "| stack | resources | monthly cost idle → max (USD) |").get(stack)
    assert row == expected, "README.md should read: | " + " | ".join(expected) + " |"


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_the_guides_first_deploy_table_matches_the_plan(stack: str) -> None:
    guide = ROOT / "docs" / f"{stack.split('-')[0]}.md"
    expected = [stack, str(_report(stack)["summary"]["resources"]), *_deploy(stack)]
    row = _rows(guide, "| stack | resources | critical path | total work | parallelism |").get(stack)
    assert row == expected, f"{guide.name} should read: | " + " | ".join(expected) + " |"


@pytest.mark.parametrize("stack", ["azure-dev", "azure-prod"])
def test_azures_idle_cost_table_matches_the_plan(stack: str) -> None:
    cost = _report(stack)["cost"]
    row = _rows(ROOT / "docs" / "azure.md", "| stack | idle | max | what costs at idle |").get(stack)
    assert row is not None and row[1:3] == [_usd(cost["monthly_usd_idle"]), _usd(cost["monthly_usd_max"])]
