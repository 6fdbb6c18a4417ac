"""The in-cluster layer sees a cloud only through the ClusterHandle: no cloud SDK, no branching on the
cloud's name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lepton_infra" / "kubernetes"
CLOUD_SDKS = (
    "pulumi_aws",
    "pulumi_gcp",
    "pulumi_azure_native",
    "lepton_infra.aws",
    "lepton_infra.gcp",
    "lepton_infra.azure",
)
MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_cloud_sdk_import(module: Path) -> None:
    tree = ast.parse(module.read_text())
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        for name in names:
            assert not name.startswith(CLOUD_SDKS), f"{module.name} imports {name}"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_decision_on_the_cloud_name(module: Path) -> None:
    tree = ast.parse(module.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "cloud":
            pytest.fail(f"{module.name}:{node.lineno} reads `.cloud`; decide from GpuFacts / handle fields")


def test_modules_stay_small() -> None:
    for module in MODULES:
        assert len(module.read_text().splitlines()) < 400, module.name
