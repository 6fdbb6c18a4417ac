"""One registration pattern for policy rules, cost rules and mocks: rule modules register into a registry
module (which imports none of them), and one module imports every rule module (`RULE_MODULES`). A rule
module left out of that list would register nothing, silently: these tests name it."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "lepton_infra"

# registry package -> (folder of its rule modules, the decorators a rule module registers with)
REGISTRIES = {
    "lepton_infra.policy.rules": ("policy/rules", ("resource_rule", "stack_rule")),
    "lepton_infra.cost.rules": ("cost/rules", ("rule",)),
    "lepton_infra.plan.mocks.rules": ("plan/mocks/rules", ("outputs_for", "outputs_for_prefix", "invoke")),
}


def _registering_modules(folder: str, decorators: tuple[str, ...]) -> list[str]:
    pattern = re.compile(rf"^@({'|'.join(decorators)})\(", re.MULTILINE)
    return sorted(
        ".".join(("lepton_infra", *path.relative_to(PACKAGE).with_suffix("").parts))
        for path in (PACKAGE / folder).rglob("*.py")
        if pattern.search(path.read_text())
    )


@pytest.mark.parametrize("package", sorted(REGISTRIES))
def test_every_module_that_registers_is_imported_by_the_one_place(package: str) -> None:
    folder, decorators = REGISTRIES[package]
    listed = sorted(m.__name__ for m in importlib.import_module(package).RULE_MODULES)
    assert _registering_modules(folder, decorators) == listed
