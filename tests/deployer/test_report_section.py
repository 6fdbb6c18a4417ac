"""The JSON report's `deployer` section on every shipped stack: its shape, the permissions the issue names
(and what needs them), the once-only ones, the built-in roles that cover them, the in-cluster access, and a
type without a table row reported instead of silently left out."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from lepton_infra import cli
from lepton_infra.deployer import needs as needs_module
from lepton_infra.deployer.section import deployer_section
from lepton_infra.deployer.tables import permission_table
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS

KEYS = {
    "cloud",
    "table_read",
    "permissions",
    "needed_by",
    "once",
    "grant_scopes",
    "built_in_roles",
    "kubernetes",
    "unknown_types",
    "unknown_invokes",
    "table_sources",
    "sources",
    "summary",
}


def _section(stack: str) -> dict:
    report = json.loads(cli.build_report(cached_stack_plan(PLATFORM_STACK_DIR, stack)).json_text())
    return report["deployer"]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_shipped_report_has_a_complete_deployer_section(stack: str) -> None:
    section = _section(stack)
    assert set(section) == KEYS
    assert section["cloud"] == stack.split("-")[0]
    every = [p for perms in section["permissions"].values() for p in perms]
    assert every and set(every) == set(section["needed_by"])
    assert all(section["needed_by"][p] for p in every)
    assert section["unknown_types"] == [] and section["unknown_invokes"] == []
    assert section["built_in_roles"]["not_granted"] == []
    assert section["kubernetes"]["needs"] == "cluster-admin"
    assert all(s["source"] and s["read_on"] <= "2026-12-07" for s in section["sources"].values())


def test_gcp_prod_names_what_needs_the_custom_role_and_the_zone_grant() -> None:
    section = _section("gcp-prod")
    assert section["needed_by"]["iam.roles.create"] == ["gcp:projects/iAMCustomRole:IAMCustomRole (create)"]
    assert (
        "gcp:dns/dnsManagedZoneIamMember:DnsManagedZoneIamMember (create)"
        in section["needed_by"]["dns.managedZones.setIamPolicy"]
    )
    assert section["once"] == ["serviceusage.services.enable"]
    assert section["grant_scopes"]["billing_account"] == [
        "billing.budgets.create",
        "billing.budgets.delete",
        "billing.budgets.get",
        "billing.budgets.update",
    ]
    assert section["built_in_roles"]["roles"]["billing_account"] == ["roles/billing.costsManager"]
    # on GKE the Kubernetes objects are authorized by IAM: their permissions are in the section
    assert "container.thirdPartyObjects.create" in section["permissions"]["container"]


def test_azure_prod_needs_locks_and_user_access_administrator() -> None:
    section = _section("azure-prod")
    assert section["needed_by"]["Microsoft.Authorization/locks/write"] == [
        "azure-native:authorization:ManagementLockAtResourceLevel (create)",
        "azure-native:authorization:ManagementLockAtResourceLevel (update)",
    ]
    assert section["built_in_roles"]["roles"] == {
        "subscription": ["Contributor", "User Access Administrator"]
    }
    assert _section("azure-dev")["built_in_roles"]["roles"] == {
        "subscription": ["Contributor", "Role Based Access Control Administrator"]
    }
    assert "Microsoft.ContainerService/register/action" in section["once"]


def test_aws_prod_once_and_managed_policies() -> None:
    section = _section("aws-prod")
    assert section["once"] == ["iam:CreateServiceLinkedRole"]
    assert section["built_in_roles"]["roles"] == {"account": ["IAMFullAccess", "PowerUserAccess"]}
    assert "aws:eks/cluster:Cluster (create)" in section["needed_by"]["iam:PassRole"]
    assert "aws:eks/cluster:Cluster with encryptionConfig (create)" in section["needed_by"]["kms:CreateGrant"]
    assert "AmazonEKSClusterAdminPolicy" in section["kubernetes"]["how"]


def test_a_type_without_a_row_is_reported_not_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    table = permission_table("aws")
    fewer = replace(table, types={k: v for k, v in table.types.items() if k != "aws:kms/key:Key"})
    monkeypatch.setattr(needs_module, "permission_table", lambda cloud: fewer)
    section = deployer_section(cached_stack_plan(PLATFORM_STACK_DIR, "aws-dev"), "aws")
    assert section is not None
    assert section["unknown_types"] == ["aws:kms/key:Key"]
    assert "NO PERMISSION ROW for aws:kms/key:Key" in section["summary"]
    assert "kms:CreateKey" not in section["needed_by"]
