"""The roles each cloud guide tells users to grant the deployer cover every permission the shipped stacks
need, judged against the public role definitions in lepton_infra/deployer/data/roles_<cloud>.json (GCP
predefined roles' permission lists, Azure built-in role definitions with their NotActions, AWS managed
policies), each with its source. The check fails when a needed permission is missing from a guide (the
last tests remove a role from a guide and see it fail)."""

from __future__ import annotations

import pytest

from lepton_infra.deployer.section import deployer_plan
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS
from tests.deployer.guide_roles import GuideGrants, guide_grants, read_guide

WHERE = {"aws": "account", "gcp": "project", "azure": "subscription"}


def _needs_by_where(stack: str) -> tuple[str, dict[str, list[str]]]:
    cloud = stack.split("-")[0]
    needs = deployer_plan(cached_stack_plan(PLATFORM_STACK_DIR, stack), cloud).needs
    out: dict[str, list[str]] = {}
    for p in needs.permissions:
        where = needs.scope.get(p, "default")
        out.setdefault(WHERE[cloud] if where == "default" else where, []).append(p)
    return cloud, out


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_guide_roles_cover_the_stack(stack: str) -> None:
    cloud, needed = _needs_by_where(stack)
    guide = read_guide(cloud)
    gaps = {where: guide.missing(cloud, where, perms) for where, perms in needed.items()}
    assert not any(gaps.values()), f"docs/{cloud}.md's deployer roles do not grant, for {stack}: {gaps}"


def test_gcp_gaps_the_issue_names_are_needed_and_granted() -> None:
    """iam.roles.create (the DNS-01 custom role) and dns.managedZones.setIamPolicy (its grant on the zone):
    gcp-prod needs both, roles/dns.admin has only getIamPolicy, and the guide now grants both."""
    _, needed = _needs_by_where("gcp-prod")
    assert {"iam.roles.create", "dns.managedZones.setIamPolicy"} <= set(needed["project"])
    guide = read_guide("gcp")
    assert guide.missing("gcp", "project", ["iam.roles.create", "dns.managedZones.setIamPolicy"]) == []
    assert GuideGrants(roles={"project": ["roles/dns.admin"]}).missing(
        "gcp", "project", ["dns.managedZones.getIamPolicy", "dns.managedZones.setIamPolicy"]
    ) == ["dns.managedZones.setIamPolicy"]


def test_the_roles_docs_gcp_md_listed_before_miss_the_custom_role_and_the_zone_grant() -> None:
    """The guide's list until issue 22, literally: gcp-prod's IAMCustomRole and zone IAM member fail."""
    _, needed = _needs_by_where("gcp-prod")
    old = [
        "roles/container.admin", "roles/compute.networkAdmin", "roles/compute.securityAdmin",
        "roles/cloudkms.admin", "roles/iam.serviceAccountAdmin", "roles/iam.serviceAccountUser",
        "roles/resourcemanager.projectIamAdmin", "roles/storage.admin", "roles/artifactregistry.admin",
        "roles/monitoring.editor", "roles/serviceusage.serviceUsageAdmin",
        "roles/binaryauthorization.policyEditor", "roles/dns.admin",
    ]  # fmt: skip
    assert GuideGrants(roles={"project": old}).missing("gcp", "project", needed["project"]) == [
        "dns.managedZones.setIamPolicy", "iam.roles.create", "iam.roles.delete", "iam.roles.get",
        "iam.roles.undelete", "iam.roles.update",
    ]  # fmt: skip


def test_azure_prod_locks_need_more_than_contributor_and_rbac_administrator() -> None:
    """azure-prod's management locks: Contributor's NotActions exclude Microsoft.Authorization/*/Write, and
    Role Based Access Control Administrator grants role assignments only."""
    _, needed = _needs_by_where("azure-prod")
    old_guide = GuideGrants(
        roles={"subscription": ["Contributor", "Role Based Access Control Administrator"]}
    )
    assert old_guide.missing("azure", "subscription", needed["subscription"]) == [
        "Microsoft.Authorization/locks/delete",
        "Microsoft.Authorization/locks/write",
    ]


@pytest.mark.parametrize("cloud", ["aws", "gcp", "azure"])
def test_removing_any_one_guide_role_leaves_a_gap(cloud: str) -> None:
    """Every role the guide lists is needed by some shipped stack: dropping one must fail the coverage
    check (so the check can fail, and the guide grants nothing for nothing)."""
    guide = read_guide(cloud)
    needed: dict[str, set[str]] = {}
    for stack in (s for s in SHIPPED_STACKS if s.startswith(f"{cloud}-")):
        for where, perms in _needs_by_where(stack)[1].items():
            needed.setdefault(where, set()).update(perms)
    for where, roles in guide.roles.items():
        for role in roles:
            fewer = GuideGrants(
                roles={**guide.roles, where: [r for r in roles if r != role]}, custom=guide.custom
            )
            assert fewer.missing(cloud, where, sorted(needed.get(where, ()))), (
                f"docs/{cloud}.md lists {role} ({where}) but no shipped stack needs anything only it grants"
            )


def test_guide_table_parser_reads_roles_and_custom_rows() -> None:
    text = (
        "<!-- deployer-roles -->\n| where | grant |\n|---|---|\n| project | `roles/container.admin` |\n"
        "| project | custom role: `dns.managedZones.getIamPolicy`, `dns.managedZones.setIamPolicy` |\n"
        "<!-- /deployer-roles -->\n"
    )
    grants = guide_grants(text)
    assert grants.roles == {"project": ["roles/container.admin"]}
    assert grants.custom == {"project": {"dns.managedZones.getIamPolicy", "dns.managedZones.setIamPolicy"}}
