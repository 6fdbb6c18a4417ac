"""Key Vault rules: keys rotate, purge protection on."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import ResourceView, Severity
from lepton_infra.policy.props import (
    as_bool,
    as_list,
    as_mapping,
    is_unknown,
)
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.azure.tokens import AZURE, KEY, VAULT

# A key rotated on purpose, by a runbook, never by a policy (azure/encryption.py's etcd key).
MANUAL_ROTATION_TAG = "rotation"
MANUAL_ROTATION = "manual"


@resource_rule(
    id="lepton-azure-key-rotation",
    title="Key Vault keys have a rotation policy",
    severity=Severity.HIGH,
    types=(KEY,),
    clouds=AZURE,
    description="`properties.rotationPolicy.lifetimeActions` holds a Rotate action, or the key is tagged "
    f"`{MANUAL_ROTATION_TAG}: {MANUAL_ROTATION}`: rotated by a runbook because its user needs a step after "
    'each rotation (AKS KMS: every Secret rewritten; docs/azure.md, "Key rotation").',
    remediation="Set `properties.rotation_policy` with a lifetime action `{'action': {'type': 'Rotate'}, "
    "'trigger': {'time_after_create': 'P90D'}}`.",
)
def key_rotation(r: ResourceView) -> Iterator[str]:
    if r.get(f"tags.{MANUAL_ROTATION_TAG}") == MANUAL_ROTATION:
        return
    actions = as_list(r.get("properties.rotationPolicy.lifetimeActions"))
    if is_unknown(r.get("properties.rotationPolicy.lifetimeActions")):
        return
    if not any(
        str(as_mapping(as_mapping(a).get("action")).get("type", "")).lower() == "rotate" for a in actions
    ):
        yield "properties.rotationPolicy has no Rotate lifetime action"


@resource_rule(
    id="lepton-azure-key-vault-purge-protection",
    title="Key Vaults have purge protection",
    severity=Severity.HIGH,
    types=(VAULT,),
    clouds=AZURE,
    description="`properties.enablePurgeProtection` is true (soft delete is always on).",
    remediation="Set `properties.enable_purge_protection=True`.",
    anchors=("checkov:CKV_AZURE_110", "checkov:CKV_AZURE_42"),
)
def key_vault_purge_protection(r: ResourceView) -> Iterator[str]:
    value = r.get("properties.enablePurgeProtection")
    if not is_unknown(value) and as_bool(value) is not True:
        yield "properties.enablePurgeProtection is not true"
