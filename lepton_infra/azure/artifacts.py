"""`azure.ArtifactStore`: the model storage account (private endpoint only, Entra auth only, our key)
with its `models` container, and the Premium registry on our key that the nodes pull from."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import containerregistry, network, privatedns, storage

from lepton_infra.azure.planning import registry_name, storage_account_name
from lepton_infra.azure.roles import grant
from lepton_infra.azure.storage_account import hardened_storage_account
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.profiles.azure.tags import AZURE_TAGS

MODELS_CONTAINER = "models"
BLOB_PRIVATE_ZONE = "privatelink.blob.core.windows.net"
RETENTION_DAYS = 30  # soft delete of blobs and containers


@dataclass
class ArtifactStoreArgs(ComponentArgs):
    name_prefix: str
    """Prefix of cloud-side names (`<platform>-<environment>`)."""
    location: str
    """The Azure region (e.g. `eastus`)."""
    resource_group_name: pulumi.Input[str]
    """The resource group (its name) the resources are created in (`Network.resource_group_name`)."""
    subscription_id: str
    """The subscription id: role assignments and built-in role definitions are scoped by it."""
    vnet_id: pulumi.Input[str]
    """The VNet (its id) the storage account's private DNS zone (`privatelink.blob.core.windows.net`) is
    linked to."""
    endpoint_subnet_id: pulumi.Input[str]
    """The subnet (its id) of the storage account's private endpoint: the account is reachable only there."""
    key_vault_uri: pulumi.Input[str]
    """The Key Vault's URI holding the key the storage account is encrypted with."""
    key_name: pulumi.Input[str]
    """The key's name in that vault (the storage account follows its rotations)."""
    key_uri: pulumi.Input[str]
    """The key's versionless URI: the registry is encrypted with it and follows its rotations."""
    encryption_identity_id: pulumi.Input[str]
    """The user-assigned identity (its id) with crypto access to the key, used by the storage account and the
    registry."""
    encryption_identity_client_id: pulumi.Input[str]
    """That identity's client id (the registry's encryption names it)."""
    encryption_dependencies: list[pulumi.Resource] = field(default_factory=list)
    """Resources the customer-managed-key encryption waits for (the identity's grant on the key): Azure
    refuses the key until the grant exists. Default: none."""
    kubelet_principal_id: pulumi.Input[str] | None = None
    """The kubelet identity's principal id: granted AcrPull on the registry so nodes pull its images. Default:
    none, no grant."""
    zone_redundant: bool = True
    """Zone-redundant storage (`Standard_ZRS`) and a zone-redundant registry. Default: on; off means
    `Standard_LRS` and a single-zone registry."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Azure tags on every resource (the platform's: `team`, `cost-center`, ...), checked against Azure's tag
    rules. Default: none."""
    protect: bool = False
    """Pulumi `protect` on the stateful resources: `pulumi destroy` and replacements stop at them. Default:
    off (the platform sets it in prod)."""

    def problems(self) -> Iterator[Problem]:
        # Account, vault and registry names are derived within Azure's limits (planning.py): only the tags
        # are the caller's to get wrong.
        yield from AZURE_TAGS.problems(self.tags)


class ArtifactStore(Component):
    TOKEN = "lepton:azure:ArtifactStore"

    def __init__(
        self, name: str, args: ArtifactStoreArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        tags = dict(args.tags)
        after_key = self.child_opts(depends_on=args.encryption_dependencies, protect=args.protect)
        self.account = hardened_storage_account(
            child_name(name, "models"),
            account_name=storage_account_name(args.name_prefix, "models"),
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=tags,
            sku="Standard_ZRS" if args.zone_redundant else "Standard_LRS",
            access_tier=storage.AccessTier.HOT,
            # Reached through the private endpoint below; management (containers) goes through ARM.
            public_network_access="Disabled",
            firewall_bypass="None",
            encryption_identity_id=args.encryption_identity_id,
            key_name=args.key_name,
            key_vault_uri=args.key_vault_uri,
            encryption_services=storage.EncryptionServicesArgs(
                blob=storage.EncryptionServiceArgs(enabled=True, key_type="Account"),
                file=storage.EncryptionServiceArgs(enabled=True, key_type="Account"),
            ),
            opts=after_key,
        )
        self.blob_service = storage.BlobServiceProperties(
            child_name(name, "blob-service"),
            account_name=self.account.name,
            resource_group_name=args.resource_group_name,
            blob_services_name="default",
            is_versioning_enabled=True,
            delete_retention_policy=storage.DeleteRetentionPolicyArgs(enabled=True, days=RETENTION_DAYS),
            container_delete_retention_policy=storage.DeleteRetentionPolicyArgs(
                enabled=True, days=RETENTION_DAYS
            ),
            opts=self.child_opts(),
        )
        self.container = storage.BlobContainer(
            child_name(name, "models-container"),
            container_name=MODELS_CONTAINER,
            account_name=self.account.name,
            resource_group_name=args.resource_group_name,
            public_access=storage.PublicAccess.NONE,
            opts=self.child_opts(protect=args.protect),
        )

        # Pods reach blobs privately: a private endpoint in the endpoints subnet, resolved through a
        # private DNS zone linked to the VNet.
        self.blob_zone = privatedns.PrivateZone(
            child_name(name, "blob-zone"),
            private_zone_name=BLOB_PRIVATE_ZONE,
            location="global",
            resource_group_name=args.resource_group_name,
            tags=tags,
            opts=self.child_opts(),
        )
        self.blob_zone_link = privatedns.VirtualNetworkLink(
            child_name(name, "blob-zone-link"),
            virtual_network_link_name=physical_name(args.name_prefix, "blob", limit=80),
            private_zone_name=self.blob_zone.name,
            resource_group_name=args.resource_group_name,
            location="global",
            registration_enabled=False,
            virtual_network=privatedns.SubResourceArgs(id=args.vnet_id),
            # Linked, this zone answers every *.privatelink.blob.core.windows.net name in the VNet: another
            # organisation's account behind its own private endpoint resolves there to a name this zone
            # lacks, NXDOMAIN, and pods could not reach it even over its public endpoint. NxDomainRedirect
            # falls back to public resolution for names the zone lacks (privatedns VirtualNetworkLink
            # `resolutionPolicy`, API 2024-06-01 in azure-native 3.29; privatelink zones only).
            resolution_policy=privatedns.ResolutionPolicy.NX_DOMAIN_REDIRECT,
            tags=tags,
            opts=self.child_opts(),
        )
        self.blob_endpoint = network.PrivateEndpoint(
            child_name(name, "blob-endpoint"),
            private_endpoint_name=physical_name(args.name_prefix, "models-blob", limit=80),
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=tags,
            subnet=network.SubnetArgs(id=args.endpoint_subnet_id),
            private_link_service_connections=[
                network.PrivateLinkServiceConnectionArgs(
                    name="blob", private_link_service_id=self.account.id, group_ids=["blob"]
                )
            ],
            opts=self.child_opts(),
        )
        self.blob_dns = network.PrivateDnsZoneGroup(
            child_name(name, "blob-dns"),
            private_dns_zone_group_name="default",
            private_endpoint_name=self.blob_endpoint.name,
            resource_group_name=args.resource_group_name,
            private_dns_zone_configs=[
                network.PrivateDnsZoneConfigArgs(name="blob", private_dns_zone_id=self.blob_zone.id)
            ],
            opts=self.child_opts(),
        )

        # Premium: the only tier with customer-managed keys (and zone redundancy, private endpoints).
        self.registry = containerregistry.Registry(
            child_name(name, "registry"),
            registry_name=registry_name(args.name_prefix, "registry"),
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=tags,
            sku=containerregistry.SkuArgs(name="Premium"),
            admin_user_enabled=False,
            anonymous_pull_enabled=False,
            zone_redundancy="Enabled" if args.zone_redundant else "Disabled",
            identity=containerregistry.IdentityPropertiesArgs(
                type=containerregistry.ResourceIdentityType.USER_ASSIGNED,
                user_assigned_identities=pulumi.Output.from_input(args.encryption_identity_id).apply(
                    lambda i: {i: containerregistry.UserIdentityPropertiesArgs()}
                ),
            ),
            encryption=containerregistry.EncryptionPropertyArgs(
                status="enabled",
                key_vault_properties=containerregistry.KeyVaultPropertiesArgs(
                    key_identifier=args.key_uri, identity=args.encryption_identity_client_id
                ),
            ),
            # CI pushes over the public endpoint with Entra tokens; nothing anonymous.
            public_network_access="Enabled",
            # Untagged manifests go after 30 days (ACR refuses this together with its soft-delete policy).
            policies=containerregistry.PoliciesArgs(
                retention_policy=containerregistry.RetentionPolicyArgs(status="enabled", days=30)
            ),
            opts=after_key,
        )
        self.grants: list[pulumi.Resource] = []
        if args.kubelet_principal_id is not None:
            # Nodes pull from this registry only.
            self.grants.append(
                grant(
                    child_name(name, "kubelet-pull"),
                    principal_id=args.kubelet_principal_id,
                    role="AcrPull",
                    scope=self.registry.id,
                    subscription_id=args.subscription_id,
                    opts=self.child_opts(),
                )
            )
        self.account_id = self.account.id
        self.account_name = self.account.name
        self.container_name = self.container.name
        self.registry_url = self.registry.login_server
        self.finish({"account_name": self.account_name, "registry_url": self.registry_url})
