"""`gcp.ProjectServices`: enable exactly the APIs the platform needs, never disabling them on destroy."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.args import known, non_empty
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name

if TYPE_CHECKING:
    from lepton_infra.spec.resolved import ResolvedPlatform

# Enabled first, through a provider WITHOUT the user-project override: the platform's provider bills every
# call to the project itself (`X-Goog-User-Project`), and after enabling an API terraform-provider-google
# re-reads the project through Cloud Resource Manager ("Verify project for services still exists",
# resource_google_project_service.go), which a fresh project answers with a 403 that is not retried
# (hashicorp/terraform-provider-google#11435, #6101; read 2026-12-07). Without the override these two calls
# are billed to the caller's own quota project (its credentials' project, or gcloud's quota project), where
# Service Usage is on. cloudresourcemanager also reads the project number and sets project IAM bindings.
BOOTSTRAP_SERVICES: tuple[str, ...] = (
    "serviceusage.googleapis.com",
    "cloudresourcemanager.googleapis.com",
)
# What the platform calls, enabled once the bootstrap APIs are on. Beyond the obvious: iam creates service
# accounts, storage holds the model bucket (on by default in new projects, but not in projects created
# without default APIs); billingbudgets only with a budget.
PLATFORM_SERVICES: tuple[str, ...] = (
    "compute.googleapis.com",
    "container.googleapis.com",
    "cloudkms.googleapis.com",
    "iam.googleapis.com",
    "logging.googleapis.com",
    "monitoring.googleapis.com",
    "artifactregistry.googleapis.com",
    "storage.googleapis.com",
)
BUDGET_SERVICE = "billingbudgets.googleapis.com"
# Binary Authorization (gcp.binary_authorization not `off`): the policy and GKE's admission check need it.
BINARY_AUTHORIZATION_SERVICE = "binaryauthorization.googleapis.com"
QUOTA_SERVICE = "cloudquotas.googleapis.com"  # with gcp.request_quota_increases (Cloud Quotas preferences)
# Cloud DNS, with `network.dns_records` and an exposed service: the private zone and the hosts' records.
DNS_SERVICE = "dns.googleapis.com"
# Image streaming on some pool (spec/image_streaming.py): GKE's requirements name the Container File
# System API.
IMAGE_STREAMING_SERVICE = "containerfilesystem.googleapis.com"
FILESTORE_SERVICE = "file.googleapis.com"  # with the shared filesystem (gcp/filesystem.py)


def platform_services(resolved: ResolvedPlatform, streaming: bool) -> list[str]:
    """The APIs a platform enables: `PLATFORM_SERVICES` and those its spec's features need (`streaming`:
    some pool streams images)."""
    spec = resolved.spec
    assert resolved.gcp is not None  # resolve() fills the spec's own cloud
    knobs = resolved.gcp.knobs
    return (
        list(PLATFORM_SERVICES)
        + ([BUDGET_SERVICE] if spec.budget else [])
        + ([BINARY_AUTHORIZATION_SERVICE] if resolved.gcp.binary_authorization != "off" else [])
        + ([QUOTA_SERVICE] if knobs.request_quota_increases else [])
        + ([DNS_SERVICE] if spec.network.dns_records and resolved.exposed else [])
        + ([IMAGE_STREAMING_SERVICE] if streaming else [])
        + ([FILESTORE_SERVICE] if spec.filesystem.enabled else [])
    )


@dataclass
class ProjectServicesArgs(ComponentArgs):
    project: str
    """The GCP project (its id) the APIs are enabled in; the bootstrap provider is pinned to it."""
    services: Sequence[str] = field(default_factory=lambda: list(PLATFORM_SERVICES))
    """The Google APIs to enable (`<name>.googleapis.com`); never disabled on destroy. Default: every API the
    platform uses (`PLATFORM_SERVICES`)."""

    def problems(self) -> Iterator[Problem]:
        yield from non_empty("services", self.services, "API service")
        for i, service in enumerate(self.services):
            if known(service) and not str(service).endswith(".googleapis.com"):
                yield Problem(
                    f"services[{i}]",
                    service,
                    "not a Google API service name",
                    "write it like container.googleapis.com",
                )


class ProjectServices(Component):
    """`self.project` resolves only after every service is enabled: resources that take their project
    from it wait for the APIs without any `depends_on` plumbing. The bootstrap APIs come first, on a
    provider of their own without the user-project override (`bootstrap_provider`); the rest follow on
    the caller's provider (from `opts`) once both are on."""

    TOKEN = "lepton:gcp:ProjectServices"

    def __init__(
        self, name: str, args: ProjectServicesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        # Project only: no billing project, no override, no labels (a Service has none).
        self.bootstrap_provider = gcp.Provider(
            child_name(name, "bootstrap"), project=args.project, opts=self.child_opts()
        )

        def enable(service: str, **kwargs: Any) -> gcp.projects.Service:
            return gcp.projects.Service(
                child_name(name, service.split(".")[0]),
                project=args.project,
                service=service,
                # Another stack (or a person) may rely on the API: destroying the platform must never
                # switch it off, nor the services that depend on it.
                disable_on_destroy=False,
                disable_dependent_services=False,
                opts=self.child_opts(**kwargs),
            )

        self.bootstrap = [enable(s, provider=self.bootstrap_provider) for s in BOOTSTRAP_SERVICES]
        rest = [s for s in args.services if s not in BOOTSTRAP_SERVICES]
        self.services = [*self.bootstrap, *(enable(s, depends_on=self.bootstrap) for s in rest)]
        ids = [s.id for s in self.services]
        self.project: pulumi.Output[str] = pulumi.Output.all(args.project, *ids).apply(lambda v: str(v[0]))
        self.finish({"project": self.project})
