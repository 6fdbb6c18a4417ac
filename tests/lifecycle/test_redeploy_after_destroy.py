"""Redeploy after destroy: no shipped stack's next deployment asks for a name the destroyed one still holds
(core/data/held_names.yaml: GCP KMS key rings and keys, never deleted; Azure Key Vaults, held 90 days).

The redeploy is planned as the guides say to make it: the same stack with `generation` raised by one. On
the code before this test the names did not depend on anything a redeploy could change: gcp-dev's
`up` after `destroy` fails with 409 on the key ring.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from lepton_infra.lifecycle.held_names import held_names, held_resources, redeploy_clashes
from lepton_infra.plan import plan_stack
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS


def _redeployed(tmp_path: Path, stack: str) -> Any:
    target = tmp_path / "platform"
    shutil.copytree(PLATFORM_STACK_DIR, target)
    stack_file = target / f"Pulumi.{stack}.yaml"
    document: dict[str, Any] = yaml.safe_load(stack_file.read_text())
    spec = document["config"]["lepton:platform"]
    spec["generation"] = int(spec.get("generation", 1)) + 1
    stack_file.write_text(yaml.safe_dump(document, sort_keys=False))
    return plan_stack(target, stack)


def test_the_table_holds_what_the_issue_found() -> None:
    table = held_names()
    assert {"gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey", "azure-native:keyvault:Vault"} <= set(
        table
    )
    assert all(row.source and row.read for row in table.values())


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_a_redeploy_after_destroy_meets_no_held_name(stack: str, tmp_path: Path) -> None:
    destroyed = cached_stack_plan(PLATFORM_STACK_DIR, stack)
    held = held_resources(destroyed)
    if stack.startswith("aws"):
        assert held == {}, "no AWS type in the table: a new one needs a row and this branch removed"
        return
    # GCP: the key ring and the key; Azure: the vault.
    assert len(held) == (2 if stack.startswith("gcp") else 1)
    assert redeploy_clashes(destroyed, _redeployed(tmp_path, stack)) == []


def test_the_first_generation_keeps_todays_names() -> None:
    """Generation 1 adds nothing: no running stack's key is renamed (and so replaced) by this change."""
    names = sorted(held_resources(cached_stack_plan(PLATFORM_STACK_DIR, "gcp-dev")).values())
    assert names == ["acme-ai-dev-key", "acme-ai-dev-ring"]
    vault = list(held_resources(cached_stack_plan(PLATFORM_STACK_DIR, "azure-dev")).values())
    assert len(vault) == 1 and not vault[0].endswith("g2")


def test_redeploying_the_same_names_is_caught() -> None:
    """What the check reports when nothing renames them: gcp-dev's ring and key, azure-dev's vault."""
    for stack, count in (("gcp-dev", 2), ("azure-dev", 1)):
        graph = cached_stack_plan(PLATFORM_STACK_DIR, stack)
        assert len(redeploy_clashes(graph, graph)) == count
