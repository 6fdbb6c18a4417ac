"""A diff a reviewer can trust: a rename through an alias (what docs/ci.md recommends) changes nothing
downstream, since the renamed resource keeps its outputs as it keeps its cloud object; and a long value
that changes near its end shows the change, in text and in Markdown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
from typer.testing import CliRunner

from lepton_infra.cli import app
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.report import Report

runner = CliRunner()


def _platform_key(name: str, aliases: list[Any]) -> Any:
    """The platform's own EncryptionKey component and a protected registry encrypted with it."""

    def program() -> None:
        from lepton_infra.aws import EncryptionKey, EncryptionKeyArgs

        key = EncryptionKey(
            name,
            EncryptionKeyArgs(alias="acme-ai-prod", region="us-east-1"),
            pulumi.ResourceOptions(aliases=aliases),
        )
        aws.ecr.Repository(
            "models",
            name="acme-ai-prod/models",
            encryption_configurations=[aws.ecr.RepositoryEncryptionConfigurationArgs(
                encryption_type="KMS", kms_key=key.arn
            )],
            opts=pulumi.ResourceOptions(protect=True),
        )  # fmt: skip

    return program


def _report(program: Any, path: Path) -> Path:
    report = Report(plan_program(program, {"aws:region": "us-east-1"}), "aws")
    path.write_text(report.json_text())
    return path


def test_a_key_renamed_through_an_alias_changes_nothing_downstream(tmp_path: Path) -> None:
    base = _report(_platform_key("acme-ai-key", []), tmp_path / "base.json")
    head = _report(_platform_key("acme-ai-cmk", [pulumi.Alias(name="acme-ai-key")]), tmp_path / "head.json")
    result = runner.invoke(app, ["diff", str(base), str(head), "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["protected_at_risk"] == [] and doc["removed"] == [] and doc["added"] == []
    changed = {c["name"]: [ch["path"] for ch in c["changes"]] for c in doc["changed"]}
    assert "models" not in changed, changed  # its kmsKey is the same key ARN in both plans
    assert {r["urn"].rsplit("::", 1)[-1] for r in doc["renamed"]} >= {"acme-ai-cmk", "acme-ai-cmk-key"}


def test_an_aliased_resource_keeps_its_id_and_arn(tmp_path: Path) -> None:
    base = json.loads(_report(_platform_key("acme-ai-key", []), tmp_path / "b.json").read_text())
    head = json.loads(
        _report(
            _platform_key("acme-ai-cmk", [pulumi.Alias(name="acme-ai-key")]), tmp_path / "h.json"
        ).read_text()
    )

    def key_outputs(report: dict[str, Any]) -> dict[str, Any]:
        assert [r["type"] for r in report["resources"]].count("aws:kms/key:Key") == 1
        repo = next(r for r in report["resources"] if r["name"] == "models")
        return {"kms_key": repo["inputs"]["encryptionConfigurations"][0]["kmsKey"]}

    assert key_outputs(base) == key_outputs(head)
    assert key_outputs(head)["kms_key"].startswith("arn:aws:kms:us-east-1:123456789012:key/")


ARN = (
    "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0f1e2d3c:autoScalingGroupName/acme-ai-pool-"
)


def _one_change(tmp_path: Path, old: str, new: str) -> tuple[Path, Path]:
    def report(value: str, name: str) -> Path:
        path = tmp_path / name
        resource = {
            "urn": "urn:pulumi:prod::p::aws:eks/nodeGroup:NodeGroup::h100",
            "type": "aws:eks/nodeGroup:NodeGroup",
            "name": "h100",
            "custom": True,
            "protect": False,
            "inputs": {"tags": {"asg": value}},
        }
        path.write_text(json.dumps({"project": "p", "stack": "prod", "resources": [resource]}))
        return path

    return report(old, "base.json"), report(new, "head.json")


def test_a_change_at_the_end_of_a_long_value_is_shown(tmp_path: Path) -> None:
    base, head = _one_change(tmp_path, ARN + "h100-ng", ARN + "h100x-ng")
    for fmt in ("text", "markdown"):
        result = runner.invoke(app, ["diff", str(base), str(head), "--format", fmt])
        assert result.exit_code == 0, result.output
        text = " ".join(result.output.split())  # the terminal form wraps long lines
        change = text[text.index("tags.asg: ") :].split(" [", 1)[0]
        assert "pool-h100-ng" in change and "pool-h100x-ng" in change, change
        assert len(change) < 200, change  # still cut, around the difference


def test_a_change_at_the_start_of_a_long_value_is_shown(tmp_path: Path) -> None:
    base, head = _one_change(tmp_path, "a" + "x" * 200, "b" + "x" * 200)
    text = " ".join(runner.invoke(app, ["diff", str(base), str(head)]).output.split())
    change = text[text.index("tags.asg: ") :]
    assert change.startswith("tags.asg: axxx") and "→ bxxx" in change and change.count("…") == 2, change
