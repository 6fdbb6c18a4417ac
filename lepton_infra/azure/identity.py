"""Azure workload identity: a Kubernetes service account acting as a user-assigned identity that may
read one prefix of the models container. `WorkloadIdentityBinder` is the AKS cluster handle's
`IdentityBinder`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import managedidentity

from lepton_infra.azure.planning import (
    CONTAINER_NAME,
    WORKLOAD_IDENTITY_AUDIENCE,
    container_scope,
    prefix_read_condition,
    workload_subject,
)
from lepton_infra.azure.roles import grant
from lepton_infra.core.args import known
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.identity import BoundIdentity
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.profiles.azure.tags import AZURE_TAGS
from lepton_infra.spec import TenantSpec
from lepton_infra.spec.problems import like_spec_field

CLIENT_ID_ANNOTATION = "azure.workload.identity/client-id"
USE_LABEL = "azure.workload.identity/use"


@dataclass
class WorkloadIdentityArgs(ComponentArgs):
    name_prefix: str
    """Prefix of cloud-side names (`<platform>-<environment>`)."""
    location: str
    """The Azure region (e.g. `eastus`)."""
    resource_group_name: pulumi.Input[str]
    """The resource group (its name) the resources are created in (`Network.resource_group_name`)."""
    subscription_id: str
    """The subscription id: role assignments and built-in role definitions are scoped by it."""
    oidc_issuer: pulumi.Input[str]
    """The cluster's OIDC issuer URL: the identity's federated credential trusts one service account of it."""
    storage_account_id: pulumi.Input[str]
    """The model storage account (its id): the read grant is scoped to its container."""
    container: str
    """The models container's name (ArtifactStore's `models`)."""
    bucket_prefix: str
    """The prefix the service account may read (an ABAC condition on the grant): nothing else in the
    container."""
    namespace: str
    """The Kubernetes namespace of the service account (a tenant's)."""
    service_account: str
    """The Kubernetes service account that acts as the user-assigned identity."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Azure tags on every resource (the platform's: `team`, `cost-center`, ...), checked against Azure's tag
    rules. Default: none."""

    def problems(self) -> Iterator[Problem]:
        # Kubernetes names: the namespace is a tenant's name, the service account a DNS label too.
        yield from like_spec_field("namespace", self.namespace, TenantSpec, "name")
        yield from like_spec_field("service_account", self.service_account, TenantSpec, "name")
        if known(self.container) and not CONTAINER_NAME.fullmatch(self.container):
            yield Problem(
                "container",
                self.container,
                "not a blob container name: 3 to 63 lowercase letters, digits and single hyphens, "
                "starting and ending with a letter or digit",
                "use the model container's name (ArtifactStore's `models`)",
            )
        yield from AZURE_TAGS.problems(self.tags)


class WorkloadIdentity(Component):
    TOKEN = "lepton:azure:WorkloadIdentity"

    def __init__(
        self, name: str, args: WorkloadIdentityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        self.identity = managedidentity.UserAssignedIdentity(
            child_name(name, "identity"),
            resource_name_=physical_name(args.name_prefix, args.namespace, args.service_account, limit=128),
            resource_group_name=args.resource_group_name,
            location=args.location,
            tags=dict(args.tags),
            opts=self.child_opts(),
        )
        # Entra ID trusts tokens the cluster's issuer signs for exactly this service account.
        self.federation = managedidentity.FederatedIdentityCredential(
            child_name(name, "federation"),
            federated_identity_credential_resource_name="kubernetes",
            resource_name_=self.identity.name,
            resource_group_name=args.resource_group_name,
            issuer=args.oidc_issuer,
            subject=workload_subject(args.namespace, args.service_account),
            audiences=[WORKLOAD_IDENTITY_AUDIENCE],
            opts=self.child_opts(),
        )
        # Read access on the models container, narrowed by an ABAC condition to the tenant's prefix.
        self.read = grant(
            child_name(name, "read"),
            principal_id=self.identity.principal_id,
            role="Storage Blob Data Reader",
            scope=pulumi.Output.from_input(args.storage_account_id).apply(
                lambda account: container_scope(account, args.container)
            ),
            condition=prefix_read_condition(args.container, args.bucket_prefix),
            subscription_id=args.subscription_id,
            opts=self.child_opts(),
        )
        self.client_id = self.identity.client_id
        self.finish({"client_id": self.client_id})


class WorkloadIdentityBinder:
    """Creates a `WorkloadIdentity` wherever the Kubernetes layer asks (under its own parent), always
    with the platform's Azure provider: the caller's parent carries only a Kubernetes provider."""

    def __init__(
        self,
        *,
        name_prefix: str,
        location: str,
        resource_group_name: pulumi.Input[str],
        subscription_id: str,
        oidc_issuer: pulumi.Input[str],
        storage_account_id: pulumi.Input[str],
        container: str,
        provider: pulumi.ProviderResource,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        self.name_prefix = name_prefix
        self.location = location
        self.resource_group_name = resource_group_name
        self.subscription_id = subscription_id
        self.oidc_issuer = oidc_issuer
        self.storage_account_id = storage_account_id
        self.container = container
        self.provider = provider
        self.tags = dict(tags or {})

    def __call__(
        self,
        name: str,
        namespace: str,
        service_account: str,
        bucket_prefix: str,
        opts: pulumi.ResourceOptions,
    ) -> BoundIdentity:
        identity = WorkloadIdentity(
            name,
            WorkloadIdentityArgs(
                name_prefix=self.name_prefix,
                location=self.location,
                resource_group_name=self.resource_group_name,
                subscription_id=self.subscription_id,
                oidc_issuer=self.oidc_issuer,
                storage_account_id=self.storage_account_id,
                container=self.container,
                bucket_prefix=bucket_prefix,
                namespace=namespace,
                service_account=service_account,
                tags=self.tags,
            ),
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=self.provider)),
        )
        return BoundIdentity(
            annotations={CLIENT_ID_ANNOTATION: identity.client_id}, pod_labels={USE_LABEL: "true"}
        )
