"""Specs that planned with exit 0 although the apply would fail or nothing could ever run: each is now
refused at spec time, exit 2, naming the field, with nothing registered; and what the clouds do accept
still plans (the limit itself, 201 networks on AKS with API Server VNet Integration)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from lepton_infra.cli import app
from lepton_infra.core.errors import SpecError
from lepton_infra.plan import plan_stack
from lepton_infra.plan.record import STACK_TYPE
from tests.conftest import PLATFORM_STACK_DIR, spec_problems


def _shipped(stack: str) -> dict[str, Any]:
    return yaml.safe_load((PLATFORM_STACK_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]


def _set(config: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(config)
    node: Any = out["lepton:platform"]
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node.setdefault(part, {})
    node[int(parts[-1]) if parts[-1].isdigit() else parts[-1]] = value
    return out


def _networks(count: int) -> list[str]:
    return [f"203.{i // 256}.{i % 256}.0/24" for i in range(count)]


AWS, GCP, AZURE = _shipped("aws-dev"), _shipped("gcp-dev"), _shipped("azure-dev")
# aws-dev: one service (sentiment, tenant research: 2 CPUs, 8Gi, one L4) on l4-spot (g6.xlarge and its
# spot alternatives, the largest g6.4xlarge: 16 vCPUs, 64 GiB), a system pool of m6i.xlarge (4 vCPUs, 16 GiB).
CASES: dict[str, tuple[dict[str, Any], str]] = {
    "cpu above every node": (_set(AWS, "services.0.cpu", "64"), "services[0].cpu"),
    "memory above every node": (_set(AWS, "services.0.memory", "1Ti"), "services[0].memory"),
    "memory zero": (_set(AWS, "services.0.memory", "0"), "services[0].memory"),
    "cpu zero": (_set(AWS, "services.0.cpu", "0m"), "services[0].cpu"),
    "cpu service above the CPU pools": (
        _set(_set(AWS, "services.0.gpu", None), "services.0.cpu", "8"),
        "services[0].cpu",
    ),
    "tenant cpu quota below a request": (_set(AWS, "tenants.0.cpu_quota", "1"), "services[0].cpu"),
    "tenant memory quota below a request": (_set(AWS, "tenants.0.memory_quota", "4Gi"), "services[0].memory"),
    "minimum replicas above the gpu quota": (
        _set(_set(AWS, "services.0.replicas.min", 5), "services.0.replicas.max", 5),
        "tenants[0].gpu_quota",
    ),
    "the internet in pieces": (
        _set(AWS, "cluster.authorized_networks", ["0.0.0.0/1", "128.0.0.0/1"]),
        "cluster.authorized_networks",
    ),
    "more networks than EKS takes": (
        _set(AWS, "cluster.authorized_networks", _networks(41)),
        "cluster.authorized_networks",
    ),
    "more networks than GKE takes": (
        _set(GCP, "cluster.authorized_networks", _networks(51)),
        "cluster.authorized_networks",
    ),
    "more networks than AKS takes": (
        _set(AZURE, "cluster.authorized_networks", _networks(2001)),
        "cluster.authorized_networks",
    ),
    "smtp port out of range": (
        _set(AWS, "monitoring.smtp.relay", "smtp.acme.dev:99999"),
        "monitoring.smtp.relay",
    ),
    "gpu count true": (_set(AWS, "services.0.gpu.count", True), "services[0].gpu.count"),
    "pool gpu count true": (_set(AWS, "node_pools.1.gpu.count", True), "node_pools[1].gpu.count"),
    "max false": (_set(AWS, "node_pools.0.max", False), "node_pools[0].max"),
    "apex domain": (_set(AWS, "network.domain", "acme.dev"), "network.domain"),
    "apex domain under co.uk": (
        _set(_set(AWS, "network.domain", "acme.co.uk"), "services.0.expose", "internal"),
        "network.domain",
    ),
    "latest image": (_set(AWS, "services.0.image", "ghcr.io/acme/sentiment:latest"), "services[0].image"),
}


def _stack_dir(tmp_path: Path, config: dict[str, Any]) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: wrong-acceptance\nruntime: python\n")
    (tmp_path / "__main__.py").write_text((PLATFORM_STACK_DIR / "__main__.py").read_text())
    (tmp_path / "Pulumi.t.yaml").write_text(yaml.safe_dump({"config": config}))
    return tmp_path


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_at_spec_time_naming_the_field(case: str, tmp_path: Path) -> None:
    config, field = CASES[case]
    result = CliRunner().invoke(app, ["plan", str(_stack_dir(tmp_path, config)), "--stack", "t"])
    assert result.exit_code == 2, result.output
    assert f"{field}:" in result.output and "Traceback" not in result.output
    with pytest.raises(SpecError) as err:
        plan_stack(tmp_path, "t")
    assert field in err.value.paths
    assert [r.type for r in err.value.recorded_resources if r.type != STACK_TYPE] == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("config", "path", "value"),
    [
        (AWS, "cluster.authorized_networks", _networks(40)),  # EKS: up to 40
        (GCP, "cluster.authorized_networks", _networks(50)),  # GKE: up to 50
        (AZURE, "cluster.authorized_networks", _networks(201)),  # AKS with VNet integration: up to 2,000
        (AWS, "services.0.cpu", "4"),  # the L4 pool's g6.xlarge (its spot types share one shape)
        (AWS, "network.domain", "ai.acme.co.uk"),
        (AWS, "services.0.image", "ghcr.io/acme/sentiment:latest-stable"),
        (AWS, "monitoring.smtp.relay", "smtp.acme.dev:65535"),
    ],
)
def test_what_the_cloud_accepts_is_still_accepted(config: dict[str, Any], path: str, value: Any) -> None:
    raw = _set(config, path, value)["lepton:platform"]
    if path == "services.0.cpu":
        raw["tenants"][0]["cpu_quota"] = "64"
    assert spec_problems(raw) == {}


def test_the_internet_in_pieces_with_the_opt_in_is_a_policy_violation(tmp_path: Path) -> None:
    """The DANGER opt-in lets the spec through; the policy pack still sees the whole internet."""
    config = _set(AWS, "cluster.authorized_networks", ["0.0.0.0/1", "128.0.0.0/1"])
    config = _set(config, "cluster.allow_public_endpoint_from_anywhere", True)
    result = CliRunner().invoke(app, ["validate", str(_stack_dir(tmp_path, config)), "--stack", "t"])
    assert result.exit_code == 1, result.output
    assert "lepton-aws-eks-endpoint-not-public" in result.output
