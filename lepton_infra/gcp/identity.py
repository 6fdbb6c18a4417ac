"""Workload Identity: a Kubernetes service account acting as a GCP service account that may read one
prefix of the model bucket. `WorkloadIdentityBinder` is the `IdentityBinder` of the GCP cluster handle."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.identity import BoundIdentity
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.gcp.planning import prefix_read_condition, workload_identity_member
from lepton_infra.spec import TenantSpec
from lepton_infra.spec.problems import like_spec_field

GKE_SA_ANNOTATION = "iam.gke.io/gcp-service-account"
OBJECT_READER_ROLE = "roles/storage.objectViewer"
WORKLOAD_IDENTITY_USER_ROLE = "roles/iam.workloadIdentityUser"


@dataclass
class WorkloadIdentityArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The GCP project (its id) the resources are created in."""
    bucket: pulumi.Input[str]
    """The model bucket's name."""
    bucket_prefix: str
    """The prefix the service account may read and list (e.g. `research/`): nothing else in the bucket."""
    namespace: str
    """The Kubernetes namespace of the service account (a tenant's)."""
    service_account: str
    """The Kubernetes service account that acts as the GCP service account."""
    name_prefix: str
    """Prefix of the GCP service account's id (`<platform>-<environment>`)."""

    def problems(self) -> Iterator[Problem]:
        # Kubernetes names: the namespace is a tenant's name, the service account a DNS label too.
        yield from like_spec_field("namespace", self.namespace, TenantSpec, "name")
        yield from like_spec_field("service_account", self.service_account, TenantSpec, "name")


class WorkloadIdentity(Component):
    TOKEN = "lepton:gcp:WorkloadIdentity"

    def __init__(
        self, name: str, args: WorkloadIdentityArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        self.account = gcp.serviceaccount.Account(
            child_name(name, "gsa"),
            account_id=physical_name(
                args.name_prefix, args.namespace, args.service_account, limit="gcp:service-account"
            ),
            display_name=f"{args.namespace}/{args.service_account}",
            description=f"Workload Identity of {args.namespace}/{args.service_account}: reads "
            f"{args.bucket_prefix} of the model bucket.",
            project=args.project,
            opts=self.child_opts(),
        )
        self.bucket_read = gcp.storage.BucketIAMMember(
            child_name(name, "read"),
            bucket=args.bucket,
            role=OBJECT_READER_ROLE,
            member=self.account.member,
            # Read and list inside the prefix only; other tenants' models stay invisible.
            condition=gcp.storage.BucketIAMMemberConditionArgs(
                title=physical_name("read", args.bucket_prefix.strip("/"), limit=100),
                description=f"objects under {args.bucket_prefix}",
                expression=pulumi.Output.from_input(args.bucket).apply(
                    lambda b: prefix_read_condition(b, args.bucket_prefix)
                ),
            ),
            opts=self.child_opts(),
        )
        self.trust = gcp.serviceaccount.IAMMember(
            child_name(name, "trust"),
            service_account_id=self.account.name,
            role=WORKLOAD_IDENTITY_USER_ROLE,
            member=pulumi.Output.from_input(args.project).apply(
                lambda p: workload_identity_member(p, args.namespace, args.service_account)
            ),
            opts=self.child_opts(),
        )
        self.email = self.account.email
        self.finish({"email": self.email})


class WorkloadIdentityBinder:
    """Creates a `WorkloadIdentity` wherever the Kubernetes layer asks (under its own parent), always
    with the platform's GCP provider: the caller's parent carries only a Kubernetes provider."""

    def __init__(
        self,
        *,
        project: pulumi.Input[str],
        bucket: pulumi.Input[str],
        name_prefix: str,
        provider: pulumi.ProviderResource,
    ) -> None:
        self.project = project
        self.bucket = bucket
        self.name_prefix = name_prefix
        self.provider = provider

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
                project=self.project,
                bucket=self.bucket,
                bucket_prefix=bucket_prefix,
                namespace=namespace,
                service_account=service_account,
                name_prefix=self.name_prefix,
            ),
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(provider=self.provider)),
        )
        return BoundIdentity(annotations={GKE_SA_ANNOTATION: identity.email})
