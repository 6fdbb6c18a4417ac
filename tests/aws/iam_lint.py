"""Lint IAM identity policies with parliament (duo-labs): unknown actions, resources an action cannot
match, malformed statements.

Only identity policies (`aws:iam/rolePolicy:RolePolicy`, `aws:iam/policy:Policy`): parliament does not
understand trust policies (`assume_role_policy`), KMS key policies, bucket or topic policies (their
`Principal` element is outside its model), so those are checked by the invariant tests instead
(tests/invariants/test_aws_invariants.py: every principal exists before the policy naming it).
"""

from __future__ import annotations

import json
from fnmatch import fnmatchcase
from typing import Any

from parliament import analyze_policy_string

from lepton_infra.plan.record import PlannedGraph

IDENTITY_POLICY_TYPES = ("aws:iam/rolePolicy:RolePolicy", "aws:iam/policy:Policy")
# Findings that come from parliament's action database being older than AWS's, each with its evidence.
# `elasticloadbalancing:CreateAction` (Service Authorization Reference, Elastic Load Balancing V2 condition
# keys: "the name of a resource-creating API action") guards AddTags to tagging at creation time; the AWS
# Load Balancer Controller's own iam_policy.json (v3.5.0) uses it the same way.
NEWER_THAN_PARLIAMENT = (
    "UNKNOWN_CONDITION_FOR_ACTION: Unknown condition elasticloadbalancing:CreateAction "
    "for action elasticloadbalancing:AddTags",
)


def identity_policies(graph: PlannedGraph) -> dict[str, str]:
    """Resource name -> its policy document (JSON text)."""
    out: dict[str, str] = {}
    for r in graph.resources:
        if r.type in IDENTITY_POLICY_TYPES:
            doc = r.get("policy")
            out[r.name] = doc if isinstance(doc, str) else json.dumps(doc)
    return out


def _listify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _covered_elsewhere(doc: dict[str, Any], action: str, required_format: str) -> bool:
    """parliament checks each statement alone: a statement allowing `ec2:AttachVolume` on instances only
    is flagged, although IAM authorizes each resource of a request separately and another statement
    allows the volume (conditions differ per resource, so one statement cannot hold both). Such a
    finding is accepted only if another Allow statement of the same document does match the format."""
    for st in _listify(doc.get("Statement", [])):
        if st.get("Effect") != "Allow":
            continue
        if not any(fnmatchcase(action.lower(), a.lower()) for a in _listify(st.get("Action", []))):
            continue
        resources = _listify(st.get("Resource", []))
        if required_format == "*":  # the action authorizes only on `*`
            if "*" in resources:
                return True
            continue
        # A policy `*` may stand for an empty ARN segment (EC2 snapshot ARNs have no account).
        if any(r == "*" or fnmatchcase(r.replace("*", ""), required_format) for r in resources):
            return True
    return False


def lint(policy: str) -> list[str]:
    """parliament's findings on one identity policy, minus cross-statement resource matches."""
    doc = json.loads(policy)
    problems = []
    for finding in analyze_policy_string(policy).findings:
        if finding.issue == "RESOURCE_MISMATCH" and all(
            _covered_elsewhere(doc, d["action"], d["required_format"]) for d in _listify(finding.detail)
        ):
            continue
        if f"{finding.issue}: {finding.detail}" in NEWER_THAN_PARLIAMENT:
            continue
        problems.append(f"{finding.issue}: {finding.detail}")
    return problems
