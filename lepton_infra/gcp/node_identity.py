"""`gcp.NodeServiceAccount`: the dedicated, least-privilege identity of GKE nodes."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name, physical_name

# What a node needs and nothing more: ship logs and metrics, read monitoring config, label its metrics.
# Never roles/editor (what the default compute SA holds) nor owner. Image pulls are granted per
# repository by ArtifactStore (`reader_members`), not project-wide.
NODE_ROLES: tuple[str, ...] = (
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
)


@dataclass
class NodeServiceAccountArgs:
    project: pulumi.Input[str]
    physical_prefix: str


class NodeServiceAccount(Component):
    TOKEN = "lepton:gcp:NodeServiceAccount"

    def __init__(self, name: str, args: NodeServiceAccountArgs,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, opts)
        self.account = gcp.serviceaccount.Account(
            child_name(name, "sa"),
            account_id=physical_name(args.physical_prefix, "nodes", limit="gcp:service-account"),
            display_name=f"GKE nodes of {args.physical_prefix}",
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
            for role in NODE_ROLES
        ]
        self.email = self.account.email
        self.member = self.account.member
        self.finish({"email": self.email})
