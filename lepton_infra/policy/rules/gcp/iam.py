"""IAM rules: no primitive roles for service accounts."""

from __future__ import annotations

import json
from collections.abc import Iterator

from lepton_infra.policy.model import ResourceView, Severity
from lepton_infra.policy.props import (
    as_list,
    as_mapping,
)
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.gcp.tokens import GCP, IAM_BINDING_TYPES, IAM_MEMBER_TYPES, IAM_POLICY_TYPES

PRIMITIVE_ROLES = frozenset({"roles/owner", "roles/editor", "roles/viewer"})


@resource_rule(
    id="lepton-gcp-no-primitive-roles-for-service-accounts",
    title="No primitive roles (owner, editor, viewer) for service accounts",
    severity=Severity.CRITICAL,
    types=(*IAM_MEMBER_TYPES, *IAM_BINDING_TYPES, *IAM_POLICY_TYPES),
    clouds=GCP,
    description="Project, folder and organization IAM never grant roles/owner, roles/editor or "
    "roles/viewer to a `serviceAccount:` member.",
    remediation="Grant the predefined roles the workload needs (e.g. roles/logging.logWriter).",
    anchors=("checkov:CKV_GCP_41", "checkov:CKV_GCP_42"),
)
def no_primitive_roles(r: ResourceView) -> Iterator[str]:
    if r.type in IAM_POLICY_TYPES:
        data = r.get("policyData")
        try:
            policy = json.loads(data) if isinstance(data, str) else as_mapping(data)
        except json.JSONDecodeError:
            return
        bindings = [
            (as_mapping(b).get("role"), as_list(as_mapping(b).get("members")))
            for b in as_list(as_mapping(policy).get("bindings"))
        ]
    else:
        members = [r.get("member")] if r.type in IAM_MEMBER_TYPES else as_list(r.get("members"))
        bindings = [(r.get("role"), members)]
    for role, members in bindings:
        if role not in PRIMITIVE_ROLES:
            continue
        for member in members:
            if isinstance(member, str) and member.startswith("serviceAccount:"):
                yield f"{role} granted to {member}"
