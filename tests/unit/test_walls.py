"""The dependency walls of docs/architecture.md, read from the source (every import, TYPE_CHECKING ones
too): a wall that only held at run time would still couple the packages for readers and pyright."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lepton_infra"
SDKS = ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native", "pulumi_kubernetes")
CLOUDS = ("lepton_infra.aws", "lepton_infra.gcp", "lepton_infra.azure")
# package -> module prefixes it must never import
WALLS: dict[str, tuple[str, ...]] = {
    "spec": (*SDKS, *CLOUDS, "lepton_infra.kubernetes", "lepton_infra.plan"),
    "catalog": (*SDKS, *CLOUDS, "lepton_infra.kubernetes", "lepton_infra.plan"),
    "core": (*SDKS, *CLOUDS, "lepton_infra.kubernetes", "lepton_infra.plan"),
    "profiles": (*SDKS, *CLOUDS, "lepton_infra.kubernetes", "lepton_infra.plan"),
    "policy": (*SDKS, *CLOUDS, "lepton_infra.kubernetes"),
    "kubernetes": ("pulumi_aws", "pulumi_gcp", "pulumi_azure_native", *CLOUDS),
    "aws": ("pulumi_gcp", "pulumi_azure_native", "lepton_infra.gcp", "lepton_infra.azure"),
    "gcp": ("pulumi_aws", "pulumi_azure_native", "lepton_infra.aws", "lepton_infra.azure"),
    "azure": ("pulumi_aws", "pulumi_gcp", "lepton_infra.aws", "lepton_infra.gcp"),
    "plan": (*CLOUDS, "lepton_infra.kubernetes", "lepton_infra.platform"),
    # the deployer's permissions are read from type tokens in the plan, never from an SDK or a component
    "deployer": (*SDKS, *CLOUDS, "lepton_infra.kubernetes", "lepton_infra.platform"),
}


def _imports(module: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


@pytest.mark.parametrize("package", sorted(WALLS))
def test_the_wall_holds(package: str) -> None:
    crossings = sorted(
        f"{module.relative_to(PACKAGE)} imports {name}"
        for module in (PACKAGE / package).rglob("*.py")
        for name in _imports(module)
        if any(name == w or name.startswith(f"{w}.") for w in WALLS[package])
    )
    assert crossings == []
