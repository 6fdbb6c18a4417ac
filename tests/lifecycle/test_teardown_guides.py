"""Each cloud guide's teardown ("From an empty account" → "Teardown") names what a destroy leaves held in that
cloud's shipped plans (core/data/held_names.yaml) and how a redeploy gets past it."""

from __future__ import annotations

from pathlib import Path

import pytest

from lepton_infra.lifecycle.held_names import held_names
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS

DOCS = Path(__file__).resolve().parents[2] / "docs"
# How a guide names each held type (written out here, not read from the table).
NAMED_AS = {
    "gcp:kms/keyRing:KeyRing": "key ring",
    "gcp:kms/cryptoKey:CryptoKey": "key",
    "gcp:projects/iAMCustomRole:IAMCustomRole": "custom role",
    "azure-native:keyvault:Vault": "Key Vault",
    "azure-native:operationalinsights:Workspace": "Log Analytics workspace",
    "aws:iam/serviceLinkedRole:ServiceLinkedRole": "AWSServiceRoleForAutoScaling",
}


def _teardown(cloud: str) -> str:
    text = (DOCS / f"{cloud}.md").read_text(encoding="utf-8")
    section = text[text.index("## From an empty account") :]
    start = section.index("### Teardown")
    end = section.find("\n## ", start)
    return " ".join(section[start : end if end > 0 else None].split())  # one line: phrases wrap


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_the_guide_names_every_held_name_of_its_plans(cloud: str) -> None:
    table = held_names()
    held = {
        r.type
        for stack in SHIPPED_STACKS
        if stack.startswith(cloud)
        for r in cached_stack_plan(PLATFORM_STACK_DIR, stack).resources
        if r.type in table
    }
    assert set(NAMED_AS) >= held, f"a held type without a guide name here: {sorted(held - set(NAMED_AS))}"
    section = _teardown(cloud)
    assert "tests/lifecycle/" in section
    for token in sorted(held):
        assert NAMED_AS[token] in section, f"docs/{cloud}.md's Teardown does not name the {NAMED_AS[token]}"
    if any(table[t].handled == "generation" for t in held):
        assert "raise `generation`" in section
    for token in sorted(held):
        for dotted, value in table[token].redeploy.items():
            assert f"{dotted}: {value}" in section, f"docs/{cloud}.md's Teardown does not say to set {dotted}"
