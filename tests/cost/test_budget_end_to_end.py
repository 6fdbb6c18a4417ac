"""The budget rule is fed by the cost model in the same report: a shipped stack over its budget gets an
advisory violation that names both figures, and stays exit 0 (advisory)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from lepton_infra.cli import app

REPO = Path(__file__).resolve().parents[2]


def test_over_budget_stack_reports_the_advisory_violation(tmp_path: Path) -> None:
    stack_dir = REPO / "stacks" / "platform"
    config = yaml.safe_load((stack_dir / "Pulumi.aws-dev.yaml").read_text())
    config["config"]["lepton:platform"]["budget"] = {"monthly_usd": 100}
    for name in ("Pulumi.yaml", "__main__.py"):
        (tmp_path / name).write_text((stack_dir / name).read_text())
    (tmp_path / "Pulumi.tight.yaml").write_text(yaml.safe_dump(config))
    out = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["plan", str(tmp_path), "--stack", "tight", "--json", str(out)])
    assert result.exit_code == 0, result.output  # advisory: reported, not blocking
    report = json.loads(out.read_text())
    [violation] = [v for v in report["policy"]["violations"] if v["policy"] == "lepton-cost-within-budget"]
    assert violation["enforcement"] == "advisory"
    assert f"{report['cost']['monthly_usd_max']:,.0f}".replace(",", "") in violation["message"].replace(
        ",", ""
    )
    assert "100" in violation["message"]
