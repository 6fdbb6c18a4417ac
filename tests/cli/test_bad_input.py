"""Every kind of bad input: exit 2, a message naming the field, and nothing registered."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from lepton_infra.cli import app
from lepton_infra.core.errors import SpecError
from lepton_infra.plan import plan_stack
from lepton_infra.plan.record import STACK_TYPE

REPO = Path(__file__).resolve().parents[2]
GOOD = yaml.safe_load((REPO / "stacks/platform/Pulumi.aws-dev.yaml").read_text())["config"]["lepton:platform"]


def _set(data: dict, path: str, value: Any) -> dict:
    out = copy.deepcopy(data)
    node: Any = out
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
    last = parts[-1]
    if last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return out


def _stack_dir(tmp_path: Path, platform: Any, stack: str = "bad") -> Path:
    shutil.copy(REPO / "stacks/platform/__main__.py", tmp_path / "__main__.py")
    (tmp_path / "Pulumi.yaml").write_text("name: bad-input\nruntime: python\n")
    config = {"config": {"aws:region": "us-east-1", "lepton:platform": platform}}
    (tmp_path / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(config))
    return tmp_path


AZURE = {
    "cloud": "azure",
    "region": "eastus",
    "azure": {"subscription_id": "00000000-0000-0000-0000-000000000000"},
}

CASES: dict[str, tuple[dict, str]] = {
    "unknown field": (_set(GOOD, "node_pools.0.bogus", 1), "node_pools[0].bogus"),
    "wrong type": (_set(GOOD, "node_pools.0.max", "lots"), "node_pools[0].max"),
    "min above max": (_set(GOOD, "node_pools.0.min", 5), "node_pools[0].min"),
    "negative count": (_set(GOOD, "node_pools.1.min", -1), "node_pools[1].min"),
    "duplicate pool names": (_set(GOOD, "node_pools.1.name", "system"), "node_pools[1].name"),
    "duplicate tenant names": (_set(GOOD, "tenants", [{"name": "a"}, {"name": "a"}]), "tenants[1].name"),
    "name invalid everywhere": (_set(GOOD, "node_pools.0.name", "System_1"), "node_pools[0].name"),
    "name invalid on azure": (
        {
            **GOOD,
            **AZURE,
            "node_pools": [{"name": "gpu-pool", "gpu": {"type": "t4"}, "max": 4}],
            "tenants": [],
            "services": [],
        },
        "node_pools[0].name",
    ),
    "unknown gpu type": (_set(GOOD, "node_pools.1.gpu.type", "b200"), "node_pools[1].gpu.type"),
    "gpu not offered in region": (
        {
            **_set(GOOD, "node_pools.1.gpu", {"type": "h100-80gb", "count": 8}),
            "region": "eu-west-1",
            "services": [],
        },
        "node_pools[1].gpu.type",
    ),
    "gpu count no machine has": (_set(GOOD, "node_pools.1.gpu.count", 3), "node_pools[1].gpu"),
    "public cidr": (_set(GOOD, "network.cidr", "8.8.0.0/16"), "network.cidr"),
    "cidr overlapping services": (_set(GOOD, "network.cidr", "172.20.0.0/16"), "network.service_cidr"),
    "cidr too small": (_set(GOOD, "network.cidr", "10.1.0.0/24"), "network.cidr"),
    "too few zones": (_set(GOOD, "network.zones", 1), "network.zones"),
    "service gpu no pool has": (_set(GOOD, "services.0.gpu.type", "h100-80gb"), "services[0].gpu.type"),
    "service in unknown tenant": (_set(GOOD, "services.0.tenant", "nobody"), "services[0].tenant"),
    "service gpu above tenant quota": (
        _set(_set(GOOD, "tenants.0.gpu_quota", 0), "services.0.gpu.count", 1),
        "services[0].gpu.count",
    ),
    "quotas above capacity": (_set(GOOD, "tenants.0.gpu_quota", 99), "tenants[*].gpu_quota"),
    "public endpoint without networks": (
        _set(GOOD, "cluster.authorized_networks", []),
        "cluster.authorized_networks",
    ),
    "endpoint open to the world": (
        _set(GOOD, "cluster.authorized_networks", ["0.0.0.0/0"]),
        "cluster.authorized_networks[0]",
    ),
    "latest image": (_set(GOOD, "services.0.image", "ghcr.io/acme/sentiment"), "services[0].image"),
    "missing required tag": (_set(GOOD, "tags", {"team": "ml"}), "tags"),
    "knobs for another cloud": ({**GOOD, "gcp": {"project": "acme-ai-dev"}}, "gcp"),
    "not a mapping": (["a", "list"], "(root)"),
    "markup-like value": (
        _set(GOOD, "node_pools.0.labels", {"Bad Key": "[bold]x"}),
        "node_pools[0].labels.Bad Key",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_spec_exits_2_naming_the_field(case: str, tmp_path: Path) -> None:
    platform, field = CASES[case]
    result = CliRunner().invoke(app, ["plan", str(_stack_dir(tmp_path, platform)), "--stack", "bad"])
    assert result.exit_code == 2, result.output
    assert f"{field}:" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_spec_registers_nothing(case: str, tmp_path: Path) -> None:
    platform, field = CASES[case]
    with pytest.raises(SpecError) as err:
        plan_stack(_stack_dir(tmp_path, platform), "bad")
    assert field in err.value.paths
    recorded = err.value.recorded_resources  # type: ignore[attr-defined]
    assert [r.type for r in recorded if r.type != STACK_TYPE] == []


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    bad = _set(_set(GOOD, "node_pools.0.min", 5), "network.cidr", "8.8.0.0/16")
    with pytest.raises(SpecError) as err:
        plan_stack(_stack_dir(tmp_path, bad), "bad")
    assert {"node_pools[0].min", "network.cidr"} <= set(err.value.paths)
    assert "node_pools[0].min: 5 — greater than max 3; lower min or raise max" in str(err.value)


def test_malformed_yaml_exits_2(tmp_path: Path) -> None:
    stack_dir = _stack_dir(tmp_path, GOOD)
    (stack_dir / "Pulumi.bad.yaml").write_text("config:\n  lepton:platform: {name: [unclosed\n")
    result = CliRunner().invoke(app, ["plan", str(stack_dir), "--stack", "bad"])
    assert result.exit_code == 2
    assert "malformed YAML" in result.output and "Traceback" not in result.output


def test_unknown_stack_exits_2_and_lists_stacks(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["plan", str(_stack_dir(tmp_path, GOOD)), "--stack", "nope"])
    assert result.exit_code == 2
    assert "--stack: 'nope'" in result.output and "bad" in result.output


def test_missing_pulumi_yaml_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(tmp_path), "--stack", "dev"])
    assert result.exit_code == 2
    assert "Pulumi.yaml" in result.output
