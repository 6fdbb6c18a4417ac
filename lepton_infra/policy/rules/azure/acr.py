"""Container Registry rules: customer-managed keys, no admin user."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import ResourceView, Severity
from lepton_infra.policy.props import (
    as_bool,
    is_set,
    is_unknown,
    shown,
)
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.azure.tokens import AZURE, REGISTRY


@resource_rule(
    id="lepton-azure-acr-cmk",
    title="Container registries use our Key Vault key",
    severity=Severity.MEDIUM,
    types=(REGISTRY,),
    clouds=AZURE,
    description="`encryption.status` is enabled with `encryption.keyVaultProperties.keyIdentifier` "
    "(Premium).",
    remediation="Use the Premium SKU and set `encryption={'status': 'enabled', 'key_vault_properties': "
    "{...}}`.",
)
def acr_cmk(r: ResourceView) -> Iterator[str]:
    status = r.get("encryption.status")
    if str(status).lower() != "enabled" and not is_unknown(status):
        yield f"encryption.status is {shown(status)}: Microsoft-managed keys"
    elif not is_set(r.get("encryption.keyVaultProperties.keyIdentifier")):
        yield "encryption.keyVaultProperties.keyIdentifier is not set"


@resource_rule(
    id="lepton-azure-acr-no-admin-user",
    title="Container registries have the admin user off",
    severity=Severity.MEDIUM,
    types=(REGISTRY,),
    clouds=AZURE,
    description="`adminUserEnabled` is not true (pulls use managed identities).",
    remediation="Set `admin_user_enabled=False`.",
    anchors=("checkov:CKV_AZURE_137",),
)
def acr_no_admin_user(r: ResourceView) -> Iterator[str]:
    if as_bool(r.get("adminUserEnabled")) is True:
        yield "adminUserEnabled is true: a shared password can push and pull"
