"""IAM rules: no administrator access."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from lepton_infra.policy.model import ResourceView, Severity
from lepton_infra.policy.props import as_list, as_mapping
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.aws.tokens import ATTACHMENT_TYPES, AWS, IAM_ROLE, POLICY_DOCUMENT_TYPES

ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


@resource_rule(
    id="lepton-aws-iam-no-admin",
    title="No IAM policy allows * on *",
    severity=Severity.CRITICAL,
    types=(*POLICY_DOCUMENT_TYPES, *ATTACHMENT_TYPES, IAM_ROLE),
    clouds=AWS,
    description="No policy statement allows every action on every resource, and AdministratorAccess is "
    "not attached.",
    remediation="List the actions and resources the principal needs; scope by tag conditions.",
    anchors=("checkov:CKV_AWS_62", "checkov:CKV_AWS_1"),
)
def iam_no_admin(r: ResourceView) -> Iterator[str]:
    if r.type in ATTACHMENT_TYPES:
        if r.get("policyArn") == ADMIN_POLICY_ARN:
            yield "AdministratorAccess is attached"
        return
    if r.type == IAM_ROLE:
        if ADMIN_POLICY_ARN in as_list(r.get("managedPolicyArns")):
            yield "AdministratorAccess is in managedPolicyArns"
        for inline in as_list(r.get("inlinePolicies")):
            yield from _admin_statements(as_mapping(inline).get("policy"))
        return
    yield from _admin_statements(r.get("policy"))


def _admin_statements(document: Any) -> Iterator[str]:
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except json.JSONDecodeError:
            return
    statements = as_list(as_mapping(document).get("Statement"))
    for s in (as_mapping(x) for x in statements):
        actions, resources = as_list(s.get("Action")), as_list(s.get("Resource"))
        if s.get("Effect") == "Allow" and {"*", "*:*"} & set(map(str, actions)) and "*" in resources:
            yield f"statement {s.get('Sid') or ''} allows Action * on Resource *".replace("  ", " ")
