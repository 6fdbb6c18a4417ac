"""One hardened storage account: what every account of the platform (models, flow logs) shares.

HTTPS and TLS 1.2 only, no public blob access, Entra ID only (no account keys, no SAS signed with them),
no cross-tenant replication, a default-deny firewall, and encryption under the platform's key through the
user-assigned identity, with a second infrastructure-level AES-256 layer (settable only at creation).
What differs per account (SKU, tier, how it is reached, which services name the key) is a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
from pulumi_azure_native import storage


def hardened_storage_account(
    resource_name: str,
    *,
    account_name: pulumi.Input[str],
    resource_group_name: pulumi.Input[str],
    location: pulumi.Input[str],
    tags: Mapping[str, pulumi.Input[str]],
    sku: str,
    access_tier: storage.AccessTier,
    public_network_access: str,
    firewall_bypass: str,
    encryption_identity_id: pulumi.Input[str],
    key_name: pulumi.Input[str],
    key_vault_uri: pulumi.Input[str],
    encryption_services: storage.EncryptionServicesArgs | None,
    opts: pulumi.ResourceOptions,
) -> storage.StorageAccount:
    return storage.StorageAccount(
        resource_name,
        account_name=account_name,
        resource_group_name=resource_group_name,
        location=location,
        tags=dict(tags),
        kind="StorageV2",
        sku=storage.SkuArgs(name=sku),
        access_tier=access_tier,
        enable_https_traffic_only=True,
        minimum_tls_version="TLS1_2",
        allow_blob_public_access=False,
        allow_shared_key_access=False,
        default_to_o_auth_authentication=True,
        allow_cross_tenant_replication=False,
        public_network_access=public_network_access,
        network_rule_set=storage.NetworkRuleSetArgs(
            default_action=storage.DefaultAction.DENY, bypass=firewall_bypass
        ),
        identity=storage.IdentityArgs(type="UserAssigned", user_assigned_identities=[encryption_identity_id]),
        encryption=storage.EncryptionArgs(
            key_source="Microsoft.Keyvault",
            key_vault_properties=storage.KeyVaultPropertiesArgs(
                key_name=key_name, key_vault_uri=key_vault_uri
            ),
            encryption_identity=storage.EncryptionIdentityArgs(
                encryption_user_assigned_identity=encryption_identity_id
            ),
            require_infrastructure_encryption=True,
            services=encryption_services,
        ),
        opts=opts,
    )
