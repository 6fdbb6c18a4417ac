"""`lepton-infra deployer-policy`'s three formats, on every shipped stack: the AWS policy is valid per
parliament, fits IAM's managed-policy size and allows every needed action; the GCP custom role and the
Azure role definition hold exactly the needed permissions in the shape their CLIs take."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from typer.testing import CliRunner

from lepton_infra import cli
from lepton_infra.deployer.policies import (
    MANAGED_POLICY_LIMIT,
    aws_policy_documents,
    azure_custom_role,
    gcp_custom_role,
)
from lepton_infra.deployer.roles import _aws_allows
from lepton_infra.deployer.section import deployer_plan
from lepton_infra.plan.testing import cached_stack_plan
from tests.aws.iam_lint import lint
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS

# parliament's community auditor flags every policy that may write a bucket policy: the deployer writes the
# buckets' TLS-only policies, so it must (the finding names the bucket, which is the stack's own).
WRITES_BUCKET_POLICIES = "RESOURCE_POLICY_PRIVILEGE_ESCALATION"


def _plan(stack: str):
    graph = cached_stack_plan(PLATFORM_STACK_DIR, stack)
    return graph, deployer_plan(graph, stack.split("-")[0])


@pytest.mark.parametrize("stack", [s for s in SHIPPED_STACKS if s.startswith("aws-")])
def test_aws_policy_is_valid_small_enough_and_allows_every_action(stack: str) -> None:
    graph, plan = _plan(stack)
    documents = aws_policy_documents(plan, graph)
    for doc in documents:
        text = json.dumps(doc)
        assert [f for f in lint(text) if not f.startswith(WRITES_BUCKET_POLICIES)] == []
        assert len(re.sub(r"\s", "", text)) <= MANAGED_POLICY_LIMIT
    assert [a for a in plan.needs.permissions if not any(_aws_allows(d, a) for d in documents)] == []


def test_aws_policy_names_the_stacks_resources_instead_of_star() -> None:
    graph, plan = _plan("aws-prod")
    statements = {st["Sid"]: st for doc in aws_policy_documents(plan, graph) for st in doc["Statement"]}
    assert "arn:aws:iam::*:role/acme-ai-prod-cluster" in statements["IamRole"]["Resource"]
    assert "iam:PassRole" in statements["IamRole"]["Action"]
    assert "arn:aws:eks:us-east-1:*:cluster/acme-ai-prod" in statements["Eks"]["Resource"]
    assert "arn:aws:s3:::acme-ai-prod-models-123456789012" in statements["S3Bucket"]["Resource"]
    assert statements["Ec2InRegion"]["Resource"] == ["arn:aws:ec2:us-east-1:*:*"]
    assert statements["ServiceLinkedRoleNeededOnlyOnce"]["Action"] == ["iam:CreateServiceLinkedRole"]
    # an action in no scope is not lost: it stays allowed on `*`
    assert statements["Ec2Any"]["Resource"] == "*" and "ec2:DescribeVpcs" in statements["Ec2Any"]["Action"]


@pytest.mark.parametrize("stack", [s for s in SHIPPED_STACKS if s.startswith("gcp-")])
def test_gcp_custom_role_holds_the_project_permissions(stack: str) -> None:
    graph, plan = _plan(stack)
    role = yaml.safe_load(yaml.safe_dump(gcp_custom_role(plan, graph)))
    assert set(role) == {"title", "description", "stage", "includedPermissions"}
    assert len(role["title"]) <= 100 and len(role["includedPermissions"]) <= 3000  # custom role limits
    expected = [p for p in plan.needs.permissions if not p.startswith("billing.")]
    assert role["includedPermissions"] == expected
    # Only a stack with a public domain (DNS-01 through its own custom role) creates roles.
    assert "iam.roles.create" in expected or stack in ("gcp-dev", "gcp-train")


SUBSCRIPTIONS = {  # the shipped stacks' azure.subscription_id
    "azure-dev": "7c4e2a9d-1b3f-4d6e-8a5c-2e9f0b1c3d4e",
    "azure-prod": "3f2b6c1e-8d4a-4b7e-9c21-5a6d7e8f9a0b",
}


@pytest.mark.parametrize("stack", sorted(SUBSCRIPTIONS))
def test_azure_role_definition_is_what_az_takes(stack: str) -> None:
    graph, plan = _plan(stack)
    role = azure_custom_role(plan, graph)
    assert set(role) == {
        "Name",
        "IsCustom",
        "Description",
        "Actions",
        "NotActions",
        "DataActions",
        "NotDataActions",
        "AssignableScopes",
    }
    assert role["Actions"] == plan.needs.permissions
    assert role["AssignableScopes"] == [f"/subscriptions/{SUBSCRIPTIONS[stack]}"]


def test_azure_prod_role_holds_the_lock_actions_and_dev_does_not() -> None:
    prod = azure_custom_role(*reversed(_plan("azure-prod")))
    dev = azure_custom_role(*reversed(_plan("azure-dev")))
    assert "Microsoft.Authorization/locks/write" in prod["Actions"]
    assert "Microsoft.Authorization/locks/write" not in dev["Actions"]


def test_cli_writes_split_aws_policies(tmp_path) -> None:
    out = tmp_path / "deployer.json"
    result = CliRunner().invoke(
        cli.app, ["deployer-policy", str(PLATFORM_STACK_DIR), "--stack", "aws-dev", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["deployer-1.json", "deployer-2.json"]
    assert json.loads((tmp_path / "deployer-1.json").read_text())["Version"] == "2012-10-17"


@pytest.mark.parametrize(
    ("stack", "fmt", "expect"),
    [
        ("gcp-dev", "policy", "includedPermissions:"),
        ("azure-dev", "policy", '"AssignableScopes"'),
        ("azure-dev", "roles", "  - Role Based Access Control Administrator"),
        ("gcp-dev", "json", '"built_in_roles"'),
    ],
)
def test_cli_formats(stack: str, fmt: str, expect: str) -> None:
    result = CliRunner().invoke(
        cli.app, ["deployer-policy", str(PLATFORM_STACK_DIR), "--stack", stack, "--format", fmt]
    )
    assert result.exit_code == 0, result.output
    assert expect in result.stdout


def test_cli_refuses_an_unknown_format() -> None:
    result = CliRunner().invoke(
        cli.app, ["deployer-policy", str(PLATFORM_STACK_DIR), "--stack", "gcp-dev", "--format", "xml"]
    )
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.output and "'xml' is not one of" in " ".join(
        result.output.split()
    )
