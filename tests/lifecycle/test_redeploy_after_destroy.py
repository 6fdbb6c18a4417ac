"""Redeploy after destroy: no shipped stack's next deployment asks for a name the destroyed one still holds
(core/data/held_names.yaml: GCP KMS key rings and keys, never deleted; GCP custom roles, held 7-37 days;
Azure Key Vaults, held 90 days; Azure Log Analytics workspaces, recovered by asking for them again; AWS's
autoscaling service-linked role, which the stack keeps on destroy).

The redeploy is planned as the guides say to make it: the same stack with `generation` raised by one and,
where the table says so, a spec setting (AWS: `autoscaling_service_linked_role: existing`). On the code
before these tests the names did not depend on anything a redeploy could change: gcp-dev's `up` after
`destroy` fails with 409 on the key ring, and aws-dev's with 400 "has been taken" on the kept role.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from lepton_infra.lifecycle.held_names import (
    HANDLINGS,
    held_names,
    held_resources,
    redeploy_clashes,
    redeploy_settings,
    retained_without_row,
)
from lepton_infra.plan import plan_stack
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS


def _set(spec: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    for part in parents:
        spec = spec.setdefault(part, {})
    spec[leaf] = value


def _redeployed(tmp_path: Path, stack: str) -> Any:
    settings = redeploy_settings(cached_stack_plan(PLATFORM_STACK_DIR, stack))
    target = tmp_path / "platform"
    shutil.copytree(PLATFORM_STACK_DIR, target)
    stack_file = target / f"Pulumi.{stack}.yaml"
    document: dict[str, Any] = yaml.safe_load(stack_file.read_text())
    spec = document["config"]["lepton:platform"]
    spec["generation"] = int(spec.get("generation", 1)) + 1
    for dotted, value in settings.items():
        _set(spec, dotted, value)
    stack_file.write_text(yaml.safe_dump(document, sort_keys=False))
    return plan_stack(target, stack)


def test_the_table_holds_what_the_issue_found() -> None:
    table = held_names()
    assert {
        "gcp:kms/keyRing:KeyRing",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:projects/iAMCustomRole:IAMCustomRole",
        "azure-native:keyvault:Vault",
        "azure-native:operationalinsights:Workspace",
        "aws:iam/serviceLinkedRole:ServiceLinkedRole",
    } <= set(table)
    assert all(row.source and row.read and row.handled in HANDLINGS for row in table.values())


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_a_redeploy_after_destroy_meets_no_held_name(stack: str, tmp_path: Path) -> None:
    destroyed = cached_stack_plan(PLATFORM_STACK_DIR, stack)
    held = held_resources(destroyed)
    # AWS: the kept service-linked role; GCP: the key ring and the key (gcp-prod: and the DNS-01 custom
    # role); Azure: the vault.
    assert (
        len(held)
        == {
            "aws-dev": 1,
            "aws-prod": 1,
            "aws-train": 1,
            "gcp-dev": 2,
            "gcp-prod": 3,
            "gcp-train": 2,
            "azure-dev": 1,
            "azure-prod": 1,
            "azure-train": 1,
        }[stack]
    )
    assert retained_without_row(destroyed) == []
    redeployed = _redeployed(tmp_path, stack)
    assert redeploy_clashes(destroyed, redeployed) == []
    # What the redeploy recovers instead (Azure's workspace) is asked for where it was: same name and group.
    assert len(held_resources(destroyed, "recovered")) == (1 if stack.startswith("azure") else 0)
    for urn, name in held_resources(destroyed, "recovered").items():
        before, after = destroyed.by_urn(urn), redeployed.by_urn(urn)
        assert held_resources(redeployed, "recovered")[urn] == name
        assert (after.get("resourceGroupName"), after.get("location")) == (
            before.get("resourceGroupName"),
            before.get("location"),
        )


def test_the_first_generation_keeps_todays_names() -> None:
    """Generation 1 adds nothing: no running stack's key is renamed (and so replaced) by this change."""
    names = sorted(held_resources(cached_stack_plan(PLATFORM_STACK_DIR, "gcp-dev")).values())
    assert names == ["acme-ai-dev-key", "acme-ai-dev-ring"]
    vault = list(held_resources(cached_stack_plan(PLATFORM_STACK_DIR, "azure-dev")).values())
    assert len(vault) == 1 and not vault[0].endswith("g2")


def test_redeploying_the_same_names_is_caught() -> None:
    """What the check reports when nothing renames them: gcp-dev's ring and key, azure-dev's vault."""
    for stack, count in (("gcp-dev", 2), ("gcp-prod", 3), ("azure-dev", 1)):
        graph = cached_stack_plan(PLATFORM_STACK_DIR, stack)
        assert len(redeploy_clashes(graph, graph)) == count


def test_the_dns01_role_id_follows_the_generation(tmp_path: Path) -> None:
    """gcp-prod's DNS-01 custom role: a deleted role's id is refused for 7-37 days, so a redeploy within a
    month of the destroy needs a new one (before this test the id was fixed: `acme_ai_prod_dns01`)."""
    role = "gcp:projects/iAMCustomRole:IAMCustomRole"
    first = cached_stack_plan(PLATFORM_STACK_DIR, "gcp-prod").one(role)
    second = _redeployed(tmp_path, "gcp-prod").one(role)
    assert (first.get("roleId"), second.get("roleId")) == ("acme_ai_prod_dns01", "acme_ai_prod_dns01_g2")


@pytest.mark.parametrize("stack", ["aws-dev", "aws-prod"])
def test_the_kept_service_linked_role_is_not_created_again(stack: str, tmp_path: Path) -> None:
    """`autoscaling_service_linked_role: create` keeps the role on destroy (retain_on_delete): a redeploy that
    creates it again gets 400 "has been taken in this account". The guide's redeploy sets `existing`."""
    slr = "aws:iam/serviceLinkedRole:ServiceLinkedRole"
    destroyed = cached_stack_plan(PLATFORM_STACK_DIR, stack)
    kept = destroyed.of_type(slr)
    assert len(kept) == 1 and kept[0].retain_on_delete
    assert redeploy_settings(destroyed) == {"aws.autoscaling_service_linked_role": "existing"}
    assert _redeployed(tmp_path, stack).of_type(slr) == []
