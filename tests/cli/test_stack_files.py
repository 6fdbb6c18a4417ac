"""Stack files read as Pulumi reads them: duplicate keys, project config, qualified stack names, and
provider config that contradicts the spec."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lepton_infra.cli import app
from lepton_infra.core.errors import SpecError
from lepton_infra.plan.stackfiles import load_stack
from tests.conftest import PLATFORM_STACK_DIR


def _copy_platform(tmp_path: Path) -> Path:
    target = tmp_path / "platform"
    target.mkdir()
    for name in ("Pulumi.yaml", "__main__.py", "Pulumi.aws-dev.yaml", "Pulumi.gcp-dev.yaml"):
        shutil.copy(PLATFORM_STACK_DIR / name, target / name)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_a_key_given_twice_is_refused_naming_file_line_and_key(tmp_path: Path) -> None:
    stack_dir = _copy_platform(tmp_path)
    stack_file = stack_dir / "Pulumi.aws-dev.yaml"
    _edit(stack_file, "    environment: dev\n", "    environment: dev\n    environment: prod\n")
    line = stack_file.read_text().splitlines().index("    environment: prod") + 1
    result = CliRunner().invoke(app, ["plan", str(stack_dir), "--stack", "aws-dev"])
    assert result.exit_code == 2, result.output
    assert "Pulumi.aws-dev.yaml" in result.output
    assert f"line {line}" in result.output and "'environment'" in result.output
    assert "Traceback" not in result.output


def test_duplicate_keys_in_pulumi_yaml_are_refused_too(tmp_path: Path) -> None:
    stack_dir = _copy_platform(tmp_path)
    (stack_dir / "Pulumi.yaml").write_text("name: a\nname: b\nruntime: python\n")
    with pytest.raises(SpecError) as err:
        load_stack(stack_dir, "aws-dev")
    assert err.value.problems[0].value == "name" and "line 2" in err.value.paths[0]


def _project(tmp_path: Path, project_config: str, stack_config: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(f"name: proj\nruntime: python\nconfig:\n{project_config}")
    (tmp_path / "Pulumi.dev.yaml").write_text(f"config:\n{stack_config}" if stack_config else "config: {}\n")
    (tmp_path / "__main__.py").write_text("")
    return tmp_path


def test_project_config_gives_defaults_in_every_form_pulumi_supports(tmp_path: Path) -> None:
    stack_dir = _project(
        tmp_path,
        (
            "  aws:region: us-west-2\n"  # short form, a provider's key
            "  gcp:project: {value: acme-dev}\n"  # long form for a namespaced key
            "  replicas: {type: integer, default: 2}\n"  # a schema with a default (project key)
            "  settings: {value: {tier: gold, zones: 3}}\n"  # an object must sit under `value`
            "  greeting: hello\n"
            "  proj:owner: {type: string, default: nobody}\n"
        ),
        "  greeting: bonjour\n",
    )
    files = load_stack(stack_dir, "dev")
    assert files.config["aws:region"] == "us-west-2"
    assert files.config["gcp:project"] == "acme-dev"
    assert files.config["proj:replicas"] == "2"
    assert files.config["proj:settings"] == '{"tier": "gold", "zones": 3}'
    assert files.config["proj:greeting"] == "bonjour"  # the stack file wins
    assert files.config["proj:owner"] == "nobody"


@pytest.mark.parametrize(
    ("project_config", "stack_config", "path"),
    [
        ("  size: {type: integer}\n", "", "proj:size"),  # declared, no default, not set
        ("  size: {type: integer, default: 2}\n", "  size: large\n", "proj:size"),  # wrong type in the stack
        ("  obj: {tier: gold}\n", "", "config.obj"),  # object not under `value`
        (
            "  aws:region: {type: string, default: us-east-1}\n",
            "",
            "config.aws:region",
        ),  # schema on a provider key
    ],
)
def test_project_config_mistakes_are_refused(
    tmp_path: Path, project_config: str, stack_config: str, path: str
) -> None:
    with pytest.raises(SpecError) as err:
        load_stack(_project(tmp_path, project_config, stack_config), "dev")
    assert path in err.value.paths


def test_project_config_reaches_the_program(tmp_path: Path) -> None:
    """The shipped stack's region from Pulumi.yaml alone (the stack file no longer sets it) plans."""
    stack_dir = _copy_platform(tmp_path)
    _edit(stack_dir / "Pulumi.aws-dev.yaml", "  aws:region: us-east-1\n", "")
    _edit(stack_dir / "Pulumi.yaml", "runtime:", "config:\n  aws:region: eu-west-1\nruntime:")
    result = CliRunner().invoke(app, ["validate", str(stack_dir), "--stack", "aws-dev"])
    # Pulumi.yaml's eu-west-1 contradicts the spec's us-east-1: the project default was read.
    assert result.exit_code == 2, result.output
    assert "aws:region: 'eu-west-1'" in result.output


def test_stack_config_dir_is_honoured(tmp_path: Path) -> None:
    stack_dir = _project(tmp_path, "  greeting: hello\n", "")
    (stack_dir / "Pulumi.yaml").write_text("name: proj\nruntime: python\nstackConfigDir: stacks\n")
    (stack_dir / "stacks").mkdir()
    (stack_dir / "Pulumi.dev.yaml").rename(stack_dir / "stacks" / "Pulumi.dev.yaml")
    assert load_stack(stack_dir, "dev").stack == "dev"


@pytest.mark.parametrize("name", ["aws-dev", "acme/aws-dev", "acme/lepton-platform/aws-dev"])
def test_qualified_stack_names_are_accepted(name: str) -> None:
    files = load_stack(PLATFORM_STACK_DIR, name)
    assert files.stack == "aws-dev" and files.project == "lepton-platform"


def test_a_qualified_stack_name_of_another_project_is_refused() -> None:
    result = CliRunner().invoke(app, ["plan", str(PLATFORM_STACK_DIR), "--stack", "acme/other/aws-dev"])
    assert result.exit_code == 2
    assert "'other'" in result.output and "lepton-platform" in result.output


@pytest.mark.parametrize(
    ("stack", "old", "new", "key", "field"),
    [
        ("aws-dev", "  aws:region: us-east-1\n", "  aws:region: eu-west-1\n", "aws:region", "region"),
        ("gcp-dev", "  gcp:region: us-central1\n", "  gcp:region: europe-west4\n", "gcp:region", "region"),
        (
            "gcp-dev",
            "  gcp:project: acme-ai-dev\n",
            "  gcp:project: someone-else\n",
            "gcp:project",
            "gcp.project",
        ),
    ],
)
def test_provider_config_contradicting_the_spec_is_refused(
    tmp_path: Path, stack: str, old: str, new: str, key: str, field: str
) -> None:
    stack_dir = _copy_platform(tmp_path)
    _edit(stack_dir / f"Pulumi.{stack}.yaml", old, new)
    result = CliRunner().invoke(app, ["plan", str(stack_dir), "--stack", stack])
    assert result.exit_code == 2, result.output
    assert f"{key}:" in result.output and f"lepton:platform {field}" in result.output
    assert "Traceback" not in result.output


def test_azure_provider_config_is_compared_too() -> None:
    """No Azure stack ships yet: the comparison itself, on a valid Azure spec."""
    import yaml

    from lepton_infra.spec import PlatformSpec
    from lepton_infra.spec.provider_config import provider_config_conflicts

    good = yaml.safe_load((PLATFORM_STACK_DIR / "Pulumi.aws-dev.yaml").read_text())["config"][
        "lepton:platform"
    ]
    good = {k: v for k, v in good.items() if k != "aws"}
    spec = PlatformSpec.from_dict(
        {
            **good,
            "cloud": "azure",
            "region": "eastus",
            "services": [],
            "tenants": [],
            "node_pools": [{"name": "system", "cpu": "standard-4", "min": 1, "max": 3}],
            "azure": {"subscription_id": "00000000-0000-0000-0000-000000000000"},
        }
    )
    assert provider_config_conflicts(spec, {"azure-native:location": "East US"}) == []  # the same place
    problems = provider_config_conflicts(
        spec,
        {
            "azure-native:location": "westeurope",
            "azure-native:subscriptionId": "11111111-1111-1111-1111-111111111111",
        },
    )
    assert [p.path for p in problems] == ["azure-native:location", "azure-native:subscriptionId"]
