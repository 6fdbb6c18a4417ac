"""Binary Authorization rules: the project policy denies by default."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import ResourceView, Severity
from lepton_infra.policy.props import as_list, as_mapping, is_unknown, shown
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules._shared import require_prod
from lepton_infra.policy.rules.common import ENVIRONMENT_SCHEMA
from lepton_infra.policy.rules.gcp.tokens import BINAUTHZ_POLICY, GCP


@resource_rule(
    id="lepton-gcp-binary-authorization-deny-by-default",
    title="Prod Binary Authorization policies deny unlisted images",
    severity=Severity.MEDIUM,
    types=(BINAUTHZ_POLICY,),
    clouds=GCP,
    description="In prod, the project policy's `defaultAdmissionRule` denies (ALWAYS_DENY) or requires "
    "attestations (REQUIRE_ATTESTATION) with `ENFORCED_BLOCK_AND_AUDIT_LOG`, and no allowlist pattern admits "
    "a "
    "whole registry host or everything (`*`, `**`, `<host>/**`). Dry-run or ALWAYS_ALLOW only log. Not "
    "applicable outside prod, where the platform runs the same policy in dry-run.",
    remediation="`gcp.binary_authorization: enforce` in the prod stack; list repositories, not registries, "
    "in "
    "`gcp.binary_authorization_allowlist`.",
    config_schema=ENVIRONMENT_SCHEMA,
)
def binary_authorization_deny_by_default(r: ResourceView) -> Iterator[str]:
    require_prod(r)
    evaluation = r.get("defaultAdmissionRule.evaluationMode")
    enforcement = r.get("defaultAdmissionRule.enforcementMode")
    if not is_unknown(evaluation) and evaluation not in ("ALWAYS_DENY", "REQUIRE_ATTESTATION"):
        yield f"defaultAdmissionRule.evaluationMode is {shown(evaluation)}: unlisted images are admitted"
    if not is_unknown(enforcement) and enforcement != "ENFORCED_BLOCK_AND_AUDIT_LOG":
        yield f"defaultAdmissionRule.enforcementMode is {shown(enforcement)}: denials are only logged"
    for pattern in as_list(r.get("admissionWhitelistPatterns")):
        name = as_mapping(pattern).get("namePattern")
        head = name.rstrip("*") if isinstance(name, str) else None
        if (
            head is not None
            and head != name
            and (head == "" or (head.endswith("/") and head.count("/") == 1))
        ):
            yield f"allowlist pattern {name} admits a whole registry"
