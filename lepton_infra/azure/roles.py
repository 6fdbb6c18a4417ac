"""Role assignments, always scoped to the one resource a principal needs (a key, a subnet, a container),
never to a subscription."""

from __future__ import annotations

import pulumi
from pulumi_azure_native import authorization

from lepton_infra.azure.planning import role_definition_id


def grant(
    name: str,
    *,
    principal_id: pulumi.Input[str],
    role: str,
    scope: pulumi.Input[str],
    subscription_id: str,
    opts: pulumi.ResourceOptions,
    condition: pulumi.Input[str] | None = None,
    principal_type: str = "ServicePrincipal",
) -> authorization.RoleAssignment:
    """Assign the built-in `role` on `scope`. Managed identities are service principals: saying so
    (`principalType`) lets ARM skip the directory lookup that fails while a just-created identity is
    still replicating in Entra ID. (Left unset, the SDK sends `User`.)"""
    return authorization.RoleAssignment(
        name,
        principal_id=principal_id,
        principal_type=principal_type,
        role_definition_id=role_definition_id(subscription_id, role),
        scope=scope,
        condition=condition,
        condition_version="2.0" if condition is not None else None,
        description=f"lepton-infra: {role}",
        opts=opts,
    )
