"""Role assignment rules: no Owner or Contributor on the subscription."""

from __future__ import annotations

import re
from collections.abc import Iterator

from lepton_infra.policy.model import NotApplicable, ResourceView, Severity
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.azure.tokens import AZURE, ROLE_ASSIGNMENT

# Built-in role definition ids (the same in every tenant).
OWNER_ROLE = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"


CONTRIBUTOR_ROLE = "b24988ac-6180-42a0-ab88-20f7382dd24c"


SUBSCRIPTION_SCOPE = re.compile(r"^/subscriptions/[^/]+/?$", re.IGNORECASE)


@resource_rule(
    id="lepton-azure-no-subscription-owner",
    title="No Owner or Contributor on a whole subscription",
    severity=Severity.CRITICAL,
    types=(ROLE_ASSIGNMENT,),
    clouds=AZURE,
    description="Role assignments at subscription scope never grant Owner or Contributor.",
    remediation="Assign at resource-group or resource scope, with a narrower built-in role.",
)
def no_subscription_owner(r: ResourceView) -> Iterator[str]:
    scope, role = r.get("scope"), str(r.get("roleDefinitionId", "")).lower()
    if not isinstance(scope, str) or not SUBSCRIPTION_SCOPE.match(scope):
        raise NotApplicable("not a subscription-wide assignment")
    for name, guid in (("Owner", OWNER_ROLE), ("Contributor", CONTRIBUTOR_ROLE)):
        if role.endswith(guid):
            yield f"{name} assigned on the whole subscription {scope}"
