"""`lepton-infra diff` on real before/after specs of the shipped stacks, on component renames with and
without an alias, and against a git ref."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest
from typer.testing import CliRunner

from lepton_infra.cli import commands as cli
from lepton_infra.plan import plan_program, plan_stack
from lepton_infra.plan.diff import diff_plans, replacement_inputs
from lepton_infra.plan.diff_render import diff_document, to_markdown
from lepton_infra.plan.report import Report
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR

STACK = "aws-prod"


def _report(graph: Any) -> dict[str, Any]:
    return json.loads(cli.build_report(graph).json_text())


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    return _report(cached_stack_plan(PLATFORM_STACK_DIR, STACK))


def _head(tmp_path: Path, *edits: tuple[str, str]) -> dict[str, Any]:
    target = tmp_path / "platform"
    shutil.copytree(PLATFORM_STACK_DIR, target)
    stack_file = target / f"Pulumi.{STACK}.yaml"
    text = stack_file.read_text()
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    stack_file.write_text(text)
    return _report(plan_stack(target, STACK))


def _names(resources: list[dict[str, Any]]) -> set[str]:
    return {r["name"] for r in resources}


def test_a_pool_renamed_is_its_resources_deleted_and_created(base: dict[str, Any], tmp_path: Path) -> None:
    # The research queue's quota names the pool (its Kueue flavor): renamed with it, or the spec refuses.
    head = _head(
        tmp_path, ("{name: h100, gpu", "{name: h100x, gpu"), ("gpu_quota: {h100: 8}", "gpu_quota: {h100x: 8}")
    )
    d = diff_plans(base, head)
    assert "acme-ai-pool-h100-ng" in _names(d.removed) and "acme-ai-pool-h100x-ng" in _names(d.added)
    assert all("h100" in r["name"] for r in d.removed + d.added)
    assert len(d.removed) == len(d.added) >= 2
    assert not d.accidental  # a new cloud-side name: a real replacement, not an accident
    assert not d.protected_at_risk  # node groups are not protected: exit 0
    assert diff_document(d, 0)["summary"]["removed"] == len(d.removed)


def test_a_gpu_type_changed_replaces_the_node_group(base: dict[str, Any], tmp_path: Path) -> None:
    head = _head(tmp_path, ("gpu: {type: h100-80gb, count: 8}", "gpu: {type: h200-141gb, count: 8}"))
    d = diff_plans(base, head)
    replaced = {p.new["name"]: p for p in d.replaced}
    node_group = replaced["acme-ai-pool-h100-ng"]
    forcing = {c.path: c for c in node_group.changes if c.forces_replacement}
    assert (
        forcing["instanceTypes.0"].old == "p5.48xlarge" and forcing["instanceTypes.0"].new == "p5en.48xlarge"
    )
    assert not d.added and not d.removed
    assert d.cost_delta()["monthly_usd_max"] > 0  # p5en costs more than p5 at max
    assert "instanceTypes.0 forces replacement" in to_markdown(diff_document(d, 0))


def test_a_tenant_added_creates_only(base: dict[str, Any], tmp_path: Path) -> None:
    head = _head(
        tmp_path,
        (
            "         jobs: {gpu_quota: {l4-spot: 2}}}\n",
            "         jobs: {gpu_quota: {l4-spot: 2}}}\n      - {name: vision, gpu_quota: 0}\n",
        ),
    )
    d = diff_plans(base, head)
    assert d.added and all("vision" in r["name"] or "vision" in r["urn"] for r in d.added)
    assert not d.removed and not d.replaced and not d.protected_at_risk


def test_the_region_changed_replaces_protected_resources_exit_4(base: dict[str, Any], tmp_path: Path) -> None:
    head = _head(
        tmp_path,
        ("aws:region: us-east-1", "aws:region: us-west-2"),
        ("    region: us-east-1", "    region: us-west-2"),
    )
    d = diff_plans(base, head)
    at_risk = {r["type"]: action for r, action in d.protected_at_risk}
    assert (
        at_risk["aws:kms/key:Key"]
        == at_risk["aws:eks/cluster:Cluster"]
        == "moved (region: us-east-1 → us-west-2)"
    )
    assert at_risk["aws:ecr/repository:Repository"] == "replaced"  # its KMS key ARN forces it, besides
    assert any("region: us-east-1 → us-west-2" in v for v in d.moved_providers.values())
    base_file, head_file = tmp_path / "base.json", tmp_path / "head.json"
    base_file.write_text(json.dumps(base))
    head_file.write_text(json.dumps(head))
    result = CliRunner().invoke(cli.app, ["diff", str(base_file), str(head_file), "--format", "markdown"])
    assert result.exit_code == cli.EXIT_PROTECTED, result.output
    assert (
        "PROTECTED MOVED (region: us-east-1 → us-west-2)" in result.output and "[!CAUTION]" in result.output
    )
    as_json = CliRunner().invoke(cli.app, ["diff", str(base_file), str(head_file), "--format", "json"])
    doc = json.loads(as_json.output)
    assert doc["exit_code"] == 4 and doc["summary"]["protected_at_risk"] == len(d.protected_at_risk)


class Pool(pulumi.ComponentResource):
    def __init__(self, token: str, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(token, name, None, opts)
        aws.s3.Bucket(
            f"{name}-data", bucket="acme-models", opts=pulumi.ResourceOptions(parent=self, protect=True)
        )
        aws.kms.Key(f"{name}-key", opts=pulumi.ResourceOptions(parent=self))
        self.register_outputs({})


def _before() -> None:
    Pool("test:index:Pool", "gpu")


def _renamed_without_alias() -> None:
    Pool("test:index:GpuPool", "gpu")  # the type token changed: every child URN changes with it


def _renamed_with_alias() -> None:
    Pool("test:index:GpuPool", "gpu", pulumi.ResourceOptions(aliases=[pulumi.Alias(type_="test:index:Pool")]))


def _plan(program: Any) -> dict[str, Any]:
    return Report(plan_program(program, {"aws:region": "us-east-1"}), "aws").to_json()


def test_a_component_renamed_without_alias_is_flagged_and_exits_4() -> None:
    d = diff_plans(_plan(_before), _plan(_renamed_without_alias))
    flagged = {(old["type"], why) for old, _new, why in d.accidental}
    assert ("aws:s3/bucket:Bucket", "same cloud-side name 'acme-models'") in flagged
    assert ("aws:kms/key:Key", "same name 'gpu-key' under another parent") in flagged
    assert ("aws:s3/bucket:Bucket", "deleted") in {(r["type"], a) for r, a in d.protected_at_risk}


def test_a_component_renamed_with_an_alias_moves_its_children_too() -> None:
    d = diff_plans(_plan(_before), _plan(_renamed_with_alias))
    assert not d.added and not d.removed and not d.accidental and not d.protected_at_risk
    # The component through its own alias, each child through the alias inherited from its parent.
    assert {p.new["name"] for p in d.renamed} == {"gpu", "gpu-data", "gpu-key"}


def test_the_replacement_table_covers_every_stateful_type_we_ship() -> None:
    table = replacement_inputs()
    for type_ in (
        "aws:eks/cluster:Cluster",
        "aws:eks/nodeGroup:NodeGroup",
        "aws:kms/key:Key",
        "aws:s3/bucket:Bucket",
        "aws:ecr/repository:Repository",
        "gcp:container/cluster:Cluster",
        "gcp:container/nodePool:NodePool",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:storage/bucket:Bucket",
        "gcp:artifactregistry/repository:Repository",
    ):
        assert table[type_], type_
    shipped = {
        r.type
        for stack in ("aws-prod", "aws-train", "gcp-prod")
        for r in cached_stack_plan(PLATFORM_STACK_DIR, stack)
    }
    assert set(table) - shipped <= set(), f"table names types the stacks do not ship: {set(table) - shipped}"
    # Every input the table names for a shipped type is a real input somewhere in the shipped plans
    # or a documented optional one; at least the identity inputs our components set must be there.
    for type_, name_input in (
        ("aws:s3/bucket:Bucket", "bucket"),
        ("aws:ecr/repository:Repository", "name"),
        ("gcp:artifactregistry/repository:Repository", "repositoryId"),
    ):
        assert name_input in table[type_]


def test_diff_against_a_git_ref_plans_the_ref(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    project = repo / "infra"
    project.mkdir(parents=True)
    (project / "Pulumi.yaml").write_text("name: small\nruntime: python\n")
    (project / "Pulumi.dev.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (project / "__main__.py").write_text(
        "import pulumi_aws as aws\n\naws.s3.Bucket('logs', bucket='acme-logs')\n"
    )

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
            cwd=repo,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    (project / "__main__.py").write_text(
        "import pulumi_aws as aws\n\naws.s3.Bucket('audit-logs', bucket='acme-logs')\n"
    )
    result = CliRunner().invoke(
        cli.app, ["diff", "--base", "HEAD", str(project), "--stack", "dev", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [r["name"] for r in doc["removed"]] == ["logs"] and [r["name"] for r in doc["added"]] == [
        "audit-logs"
    ]
    assert doc["accidental_replacements"][0]["why"] == "same cloud-side name 'acme-logs'"


def test_a_gke_gpu_type_changed_replaces_the_node_pool(tmp_path: Path) -> None:
    target = tmp_path / "platform"
    shutil.copytree(PLATFORM_STACK_DIR, target)
    stack_file = target / "Pulumi.gcp-prod.yaml"
    stack_file.write_text(
        stack_file.read_text().replace("gpu: {type: h100-80gb, count: 8}", "gpu: {type: a100-80gb, count: 8}")
    )
    d = diff_plans(
        _report(cached_stack_plan(PLATFORM_STACK_DIR, "gcp-prod")), _report(plan_stack(target, "gcp-prod"))
    )
    pools = [p for p in d.replaced if p.new["type"] == "gcp:container/nodePool:NodePool"]
    assert len(pools) == 1
    forcing = {
        c.path.split(".")[0] + "." + c.path.split(".")[1]
        for c in pools[0].changes
        if c.forces_replacement and "." in c.path
    }
    assert "nodeConfig.guestAccelerators" in forcing


def test_markdown_fits_a_pull_request_comment() -> None:
    """GitHub refuses comments over 65,536 characters: long lists are folded and cut, the JSON keeps all."""
    resources = [
        {
            "urn": f"urn:pulumi:s::p::aws:s3/bucket:Bucket::bucket-{i:04d}-{'x' * 60}",
            "type": "aws:s3/bucket:Bucket",
            "name": f"bucket-{i:04d}-{'x' * 60}",
            "custom": True,
            "protect": False,
            "inputs": {"bucket": f"b{i}"},
        }
        for i in range(3000)
    ]
    base = {"project": "p", "stack": "s", "resources": resources}
    head = {"project": "p", "stack": "s", "resources": []}
    doc = diff_document(diff_plans(base, head), 0)
    text = to_markdown(doc)
    assert len(text) < 65_536
    assert "<details><summary><b>Delete</b></summary>" in text and "more in the JSON diff" in text
    assert len(doc["removed"]) == 3000


def test_a_json_document_in_a_string_is_compared_key_by_key() -> None:
    from lepton_infra.plan.diff import changed_paths

    old = json.dumps({"Statement": [{"Effect": "Allow", "Resource": ["arn:a"]}]})
    new = json.dumps({"Statement": [{"Effect": "Allow", "Resource": ["arn:b"]}]})
    assert changed_paths({"policy": old}, {"policy": new}) == [
        ("policy.Statement.0.Resource.0", "arn:a", "arn:b")
    ]


def test_secrets_stay_redacted_in_every_format() -> None:
    def program(value: str) -> Any:
        def run() -> None:
            aws.ssm.Parameter(
                "token", type="SecureString", value=pulumi.Output.secret(value), description=value[:3]
            )

        return run

    d = diff_plans(_plan(program("hunter2-old")), _plan(program("zzz-new-secret")))
    doc = diff_document(d, 0)
    for text in (to_markdown(doc), json.dumps(doc)):
        assert "hunter2" not in text and "new-secret" not in text
    assert [(c.path, c.old, c.new) for p in d.changed for c in p.changes] == [("description", "hun", "zzz")]


def test_inherited_aliases_do_not_depend_on_the_reports_order() -> None:
    head = _plan(_renamed_with_alias)
    head["resources"] = list(reversed(head["resources"]))  # children before their parent
    d = diff_plans(_plan(_before), head)
    assert not d.added and not d.removed and len(d.renamed) == 3
