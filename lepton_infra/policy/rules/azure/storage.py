"""Storage account rules: customer-managed keys, no public access, TLS only."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import ResourceView, Severity
from lepton_infra.policy.props import (
    UNKNOWN,
    as_bool,
    is_set,
    is_unknown,
    shown,
)
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules._shared import not_false
from lepton_infra.policy.rules.azure.tokens import AZURE, STORAGE_ACCOUNT


@resource_rule(
    id="lepton-azure-storage-cmk",
    title="Storage accounts use our Key Vault key",
    severity=Severity.HIGH,
    types=(STORAGE_ACCOUNT,),
    clouds=AZURE,
    description="`encryption.keySource` is Microsoft.Keyvault with `encryption.keyVaultProperties.keyName`.",
    remediation="Set `encryption={'key_source': 'Microsoft.Keyvault', 'key_vault_properties': {...}}` "
    "with a user-assigned identity that can use the key.",
    anchors=("checkov:CKV2_AZURE_1",),
)
def storage_cmk(r: ResourceView) -> Iterator[str]:
    source = r.get("encryption.keySource")
    if source is UNKNOWN:
        return
    if str(source).lower() != "microsoft.keyvault":
        yield f"encryption.keySource is {shown(source)}: Microsoft-managed keys"
    elif not is_set(r.get("encryption.keyVaultProperties.keyName")):
        yield "encryption.keyVaultProperties.keyName is not set"


@resource_rule(
    id="lepton-azure-storage-no-public-access",
    title="Storage accounts allow no public blob access",
    severity=Severity.HIGH,
    types=(STORAGE_ACCOUNT,),
    clouds=AZURE,
    description="`allowBlobPublicAccess` is false.",
    remediation="Set `allow_blob_public_access=False`.",
)
def storage_no_public_access(r: ResourceView) -> Iterator[str]:
    value = r.get("allowBlobPublicAccess")
    if not is_unknown(value) and as_bool(value) is not False:
        yield "allowBlobPublicAccess is not false"


@resource_rule(
    id="lepton-azure-storage-tls-only",
    title="Storage accounts refuse plain HTTP and old TLS",
    severity=Severity.HIGH,
    types=(STORAGE_ACCOUNT,),
    clouds=AZURE,
    description="`enableHttpsTrafficOnly` is true and `minimumTlsVersion` is TLS1_2 or later: the account "
    "refuses HTTP requests and TLS 1.0/1.1 handshakes (the Azure counterpart of the S3 TLS-only policy).",
    remediation="Set `enable_https_traffic_only=True, minimum_tls_version='TLS1_2'`.",
    anchors=("checkov:CKV_AZURE_3", "checkov:CKV_AZURE_44"),
)
def storage_tls_only(r: ResourceView) -> Iterator[str]:
    if (problem := not_false(r, "enableHttpsTrafficOnly")) is not None:
        yield problem
    version = r.get("minimumTlsVersion")
    if not is_unknown(version) and version not in ("TLS1_2", "TLS1_3"):
        yield f"minimumTlsVersion is {shown(version)}, not TLS1_2 or later"
