"""`azure.EncryptionKey`: a Key Vault (RBAC, purge protection) with one RSA key that rotates, the
user-assigned identity storage and the registry encrypt with, and the Disk Encryption Set for node and
volume disks. Every grant is on the key, nothing wider."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import compute, keyvault, managedidentity

from lepton_infra.azure.planning import MAX_SOFT_DELETE_DAYS, MIN_SOFT_DELETE_DAYS, key_vault_name
from lepton_infra.azure.roles import grant
from lepton_infra.core.args import at_least, at_most
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.core.propagation import wait_for
from lepton_infra.profiles.azure.tags import AZURE_TAGS

# Operations a wrapping key needs; nothing signs or encrypts data with it directly.
KEY_OPS = ["wrapKey", "unwrapKey", "encrypt", "decrypt"]
ROTATE_AFTER = "P90D"  # a new key version every 90 days
KEY_LIFETIME = "P2Y"  # a version expires after two years (rotation keeps a fresh one long before)


@dataclass
class EncryptionKeyArgs(ComponentArgs):
    name_prefix: str
    """Prefix of cloud-side names (`<platform>-<environment>`)."""
    location: str
    """The Azure region (e.g. `eastus`)."""
    resource_group_name: pulumi.Input[str]
    """The resource group (its name) the resources are created in (`Network.resource_group_name`)."""
    tenant_id: pulumi.Input[str]
    """The Entra ID tenant (its id) of the Key Vault."""
    subscription_id: str
    """The subscription id: role assignments and built-in role definitions are scoped by it."""
    soft_delete_days: int = 90
    """Days a deleted vault and its keys stay recoverable (Key Vault soft delete, 7 to 90; purge protection is
    always on). Default: 90."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Azure tags on every resource (the platform's: `team`, `cost-center`, ...), checked against Azure's tag
    rules. Default: none."""
    protect: bool = False
    """Pulumi `protect` on the stateful resources: `pulumi destroy` and replacements stop at them. Default:
    off (the platform sets it in prod)."""

    def problems(self) -> Iterator[Problem]:
        why = f"Key Vault keeps deleted vaults {MIN_SOFT_DELETE_DAYS} to {MAX_SOFT_DELETE_DAYS} days"
        yield from at_least("soft_delete_days", self.soft_delete_days, MIN_SOFT_DELETE_DAYS, why)
        yield from at_most("soft_delete_days", self.soft_delete_days, MAX_SOFT_DELETE_DAYS, why)
        yield from AZURE_TAGS.problems(self.tags)


class EncryptionKey(Component):
    TOKEN = "lepton:azure:EncryptionKey"

    def __init__(
        self, name: str, args: EncryptionKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        tags = dict(args.tags)
        self.vault = keyvault.Vault(
            child_name(name, "vault"),
            vault_name=key_vault_name(args.name_prefix, "kv"),
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=tags,
            properties=keyvault.VaultPropertiesArgs(
                tenant_id=args.tenant_id,
                sku=keyvault.SkuArgs(family="A", name=keyvault.SkuName.STANDARD),
                # Azure RBAC, not access policies: grants are role assignments scoped to the key.
                enable_rbac_authorization=True,
                enable_soft_delete=True,
                soft_delete_retention_in_days=args.soft_delete_days,
                # Deleting the vault or key would make etcd, disks and blobs unreadable: never purgeable.
                enable_purge_protection=True,
                # AKS KMS in Public mode cannot pass a vault firewall, and the registry's CMK reaches a
                # firewalled vault only with a system-assigned identity; access is Entra-authenticated
                # and role-scoped instead (docs/azure.md, "Key Vault network access").
                public_network_access="Enabled",
                network_acls=keyvault.NetworkRuleSetArgs(default_action="Allow", bypass="AzureServices"),
                enabled_for_deployment=False,
                enabled_for_template_deployment=False,
                enabled_for_disk_encryption=False,
            ),
            opts=self.child_opts(protect=args.protect),
        )
        self.key = keyvault.Key(
            child_name(name, "key"),
            key_name="platform",
            vault_name=self.vault.name,
            resource_group_name=args.resource_group_name,
            tags=tags,
            properties=keyvault.KeyPropertiesArgs(
                kty="RSA",
                key_size=3072,
                key_ops=KEY_OPS,
                rotation_policy=keyvault.RotationPolicyArgs(
                    attributes=keyvault.KeyRotationPolicyAttributesArgs(expiry_time=KEY_LIFETIME),
                    lifetime_actions=[
                        keyvault.LifetimeActionArgs(
                            action=keyvault.ActionArgs(type=keyvault.KeyRotationPolicyActionType.ROTATE),
                            trigger=keyvault.TriggerArgs(time_after_create=ROTATE_AFTER),
                        )
                    ],
                ),
            ),
            # ARM creates a key only if it does not exist ("Keys - Create If Not Exist": an existing key
            # is returned without any write, no new version and no update of it; learn.microsoft.com
            # @azure/arm-keyvault KeysOperations.createIfNotExist, read 2026-12-07). An edit of these
            # properties or tags would be a Pulumi update that changes nothing in Azure: they are
            # creation-time values, and a new rotation policy for a running key goes through `az keyvault
            # key rotation-policy update` (docs/azure.md, "Key rotation").
            opts=self.child_opts(protect=args.protect, ignore_changes=["properties", "tags"]),
        )
        # The key's version now, read at every `pulumi up` (Keys - Get answers the current version; the
        # resource's own `keyUriWithVersion` is the first version, kept in the state). AKS KMS takes a
        # versioned key id and never follows a rotation by itself: passing the current one is what moves
        # etcd encryption to each new version (docs/azure.md, "Key rotation").
        self.current_key = keyvault.get_key_output(
            key_name=self.key.name,
            vault_name=self.vault.name,
            resource_group_name=args.resource_group_name,
            opts=pulumi.InvokeOutputOptions(parent=self, depends_on=[self.key]),
        )

        def encryption_user(
            role: str,
        ) -> tuple[managedidentity.UserAssignedIdentity, pulumi.Resource, pulumi.Resource]:
            identity = managedidentity.UserAssignedIdentity(
                child_name(name, f"{role}-identity"),
                resource_name_=physical_name(args.name_prefix, role, limit="azure:generic"),
                resource_group_name=args.resource_group_name,
                location=args.location,
                tags=tags,
                opts=self.child_opts(),
            )
            # get + wrapKey + unwrapKey on this key only: what a service encrypting at rest needs.
            access = grant(
                child_name(name, f"{role}-key-access"),
                principal_id=identity.principal_id,
                role="Key Vault Crypto Service Encryption User",
                scope=self.key.id,
                subscription_id=args.subscription_id,
                opts=self.child_opts(),
            )
            # The service reads the key through this assignment when it is created: it waits until the
            # assignment has propagated (core/propagation.py), not only until it exists.
            settled = wait_for(child_name(name, f"{role}-key-access-settle"), [access], "azure-rbac", self)
            return identity, access, settled

        # Storage accounts and the registry encrypt with this identity, once `identity_ready`.
        self.identity, self.identity_access, self.identity_ready = encryption_user("cmk")
        # The Disk Encryption Set has an identity of its own, so disk access can be revoked separately.
        self.disk_identity, self.disk_identity_access, disk_ready = encryption_user("des")
        self.disk_encryption_set = compute.DiskEncryptionSet(
            child_name(name, "des"),
            disk_encryption_set_name=physical_name(args.name_prefix, "des", limit="azure:generic"),
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=tags,
            encryption_type="EncryptionAtRestWithCustomerKey",
            identity=compute.EncryptionSetIdentityArgs(
                type="UserAssigned", user_assigned_identities=[self.disk_identity.id]
            ),
            # The API takes only a fully versioned key URL, rotation on or off (azure-native 3.29
            # KeyForDiskEncryptionSetArgs.key_url: "Version segment of the Url is required regardless of
            # rotationToLatestKeyVersionEnabled"; a versionless URL fails the PUT, and the cluster that
            # needs the set is never created). The set starts on the key's first version and, with
            # rotation on, Azure moves it and every disk on it to each new version within an hour.
            active_key=compute.KeyForDiskEncryptionSetArgs(key_url=self.key.key_uri_with_version),
            rotation_to_latest_key_version_enabled=True,
            # After a rotation Azure's keyUrl names the new version while ours still names the first:
            # without this, the next `pulumi up` would move the disks back to the old version
            # (hashicorp/terraform-provider-azurerm#22893 hit the same). The key itself never changes
            # here (ARM creates it once: EncryptionKey's `key`).
            opts=self.child_opts(
                depends_on=[disk_ready], protect=args.protect, ignore_changes=["activeKey.keyUrl"]
            ),
        )

        self.vault_id = self.vault.id
        self.vault_uri = self.vault.properties.vault_uri
        self.key_id = self.key.id  # the ARM id: role assignment scope
        self.key_name = self.key.name
        self.key_uri = self.key.key_uri  # versionless: storage and registry follow rotations
        # AKS KMS needs a version: the current one, so a rotation reaches etcd at the next `pulumi up`.
        self.current_key_uri_with_version: pulumi.Output[str] = self.current_key.key_uri_with_version
        self.disk_encryption_set_id = self.disk_encryption_set.id
        self.finish(
            {
                "vault_id": self.vault_id,
                "key_id": self.key_id,
                "disk_encryption_set_id": self.disk_encryption_set_id,
            }
        )
