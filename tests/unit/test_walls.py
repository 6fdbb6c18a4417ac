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
    # the destroy simulation and held names read type tokens and inputs from the plan, like the deployer
    "lifecycle": (*SDKS, *CLOUDS, "lepton_infra.kubernetes", "lepton_infra.platform"),
    # the cold-start estimate reads the spec, the catalog and the deploy model's figures
    "coldstart": (*SDKS, *CLOUDS, "lepton_infra.kubernetes", "lepton_infra.platform"),
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


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _run_time_imports(module: Path) -> list[tuple[str, bool]]:
    """(imported module, inside a function) of every import that runs: at module level or in a function,
    not in an `if TYPE_CHECKING:` block (an annotation's import, which never runs)."""
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            return
        if isinstance(node, ast.Import):
            found.extend((a.name, in_function) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, in_function))
        inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(ast.parse(module.read_text()), False)
    return found


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(f"{package}.")


def test_the_profiles_import_nothing_from_the_spec() -> None:
    """The spec receives each cloud's knobs, rules, tags and defaults from its profile (profiles/<cloud>/):
    spec/ imports profiles/, never the reverse. A profile names `PlatformSpec` in its rules' signatures
    through a TYPE_CHECKING import only, so no import cycle runs, at module level or in a function."""
    crossings = sorted(
        f"{module.relative_to(PACKAGE)} imports {name}"
        for module in (PACKAGE / "profiles").rglob("*.py")
        for name, _ in _run_time_imports(module)
        if _under(name, "lepton_infra.spec")
    )
    assert crossings == []


def test_the_spec_imports_the_profiles_at_module_level() -> None:
    """No import of a profile waits inside a function, where it used to hide the spec <-> profiles cycle."""
    hidden = sorted(
        f"{module.relative_to(PACKAGE)} imports {name} in a function"
        for module in (PACKAGE / "spec").rglob("*.py")
        for name, in_function in _run_time_imports(module)
        if in_function and _under(name, "lepton_infra.profiles")
    )
    assert hidden == []
