"""Every IAM identity policy the AWS stacks and components render passes parliament (see iam_lint.py
for what it checks and why trust and key policies are out of its scope)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.aws.iam_lint import identity_policies, lint

AWS_STACKS = ["aws-dev", "aws-prod"]


def _findings(graph) -> dict[str, list[str]]:
    policies = identity_policies(graph)
    assert policies, "no identity policy found: the collector is broken"
    return {name: found for name, doc in policies.items() if (found := lint(doc))}


@pytest.mark.parametrize("stack", AWS_STACKS)
def test_stack_identity_policies_pass_parliament(plan_stack, platform_dir: Path, stack: str) -> None:
    assert _findings(plan_stack(platform_dir, stack)) == {}


def test_component_identity_policies_pass_parliament(aws_plan) -> None:
    """The component test platform: interface endpoints, admin roles, a tenant's bucket-prefix reader."""
    assert _findings(aws_plan.graph) == {}


def _doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.mark.parametrize(
    "policy, issue",
    [
        (_doc({"Effect": "Allow", "Action": ["s3:GetObjectz"], "Resource": "*"}), "UNKNOWN_ACTION"),
        # The flow-log role's old statement: DescribeLogGroups authorizes only on `*`.
        (
            _doc(
                {
                    "Effect": "Allow",
                    "Action": ["logs:DescribeLogGroups"],
                    "Resource": ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc/x/flow-logs"],
                }
            ),
            "RESOURCE_MISMATCH",
        ),
        (_doc({"Action": ["s3:GetObject"], "Resource": "*"}), "MALFORMED"),
    ],
    ids=["unknown-action", "unmatchable-resource", "no-effect"],
)
def test_parliament_flags_planted_mistakes(policy: str, issue: str) -> None:
    found = lint(policy)
    assert any(f.startswith(issue) for f in found), found
