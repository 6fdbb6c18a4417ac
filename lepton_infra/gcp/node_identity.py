"""`gcp.NodeServiceAccount`: the dedicated, least-privilege identity of GKE nodes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name

# What a node needs and nothing more. GKE's docs ("Configure GKE node service accounts") name the
# minimum: roles/container.defaultNodeServiceAccount (Kubernetes Engine Default Node Service Account),
# one predefined role Google keeps in step with what node agents (logging, monitoring, metadata,
# autoscaler metrics) need, replacing the hand-picked logWriter/metricWriter/viewer set. Never roles/editor
# (what the default
# compute SA holds) nor owner. Image pulls are granted per repository by ArtifactStore
# (`reader_members`: roles/artifactregistry.reader on the platform repository), not project-wide.
NODE_ROLES: tuple[str, ...] = ("roles/container.defaultNodeServiceAccount",)
# Image streaming with a node service account other than the default one: GKE's "Use Image streaming to pull
# container images" (requirements; stored copy read 2026-12-07) asks for Service Usage Consumer in the project
# hosting the images (the platform's registry is in its own project).
IMAGE_STREAMING_ROLE = "roles/serviceusage.serviceUsageConsumer"


@dataclass
class NodeServiceAccountArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The GCP project (its id) the resources are created in."""
    name_prefix: str
    """Prefix of the service account's id (`<prefix>-nodes`)."""
    image_streaming: bool = False
    """Some pool streams images: the account also gets `IMAGE_STREAMING_ROLE`. Default: off."""

    def problems(self) -> Iterator[Problem]:
        # The account id is derived from name_prefix within GCP's limits (physical_name): nothing to refuse.
        return iter(())


class NodeServiceAccount(Component):
    TOKEN = "lepton:gcp:NodeServiceAccount"

    def __init__(
        self, name: str, args: NodeServiceAccountArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        self.account = gcp.serviceaccount.Account(
            child_name(name, "sa"),
            account_id=physical_name(args.name_prefix, "nodes", limit="gcp:service-account"),
            display_name=f"GKE nodes of {args.name_prefix}",
            description="Least-privilege node identity (lepton-infra); never the default compute SA.",
            project=args.project,
            opts=self.child_opts(),
        )
        self.roles = [
            gcp.projects.IAMMember(
                child_name(name, role.split("/")[1].replace(".", "-").lower()),
                project=args.project,
                role=role,
                member=self.account.member,
                opts=self.child_opts(),
            )
            for role in (*NODE_ROLES, *([IMAGE_STREAMING_ROLE] if args.image_streaming else []))
        ]
        # The email resolves only once every role binding exists, so a node pool (or the cluster's default
        # pool) that takes it never boots nodes before they may write logs and metrics. `member` does not
        # wait: grants *to* the account (the registry reader) need only the account.
        self.email: pulumi.Output[str] = pulumi.Output.all(
            self.account.email, *[r.id for r in self.roles]
        ).apply(lambda v: str(v[0]))
        self.member = self.account.member
        self.finish({"email": self.email})
