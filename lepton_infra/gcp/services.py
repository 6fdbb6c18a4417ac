"""`gcp.ProjectServices`: enable exactly the APIs the platform needs, never disabling them on destroy."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.args import known, non_empty
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name

# What the platform calls. Beyond the obvious: iam creates service accounts, cloudresourcemanager reads
# the project number and sets project IAM bindings, storage holds the model bucket (on by default in new
# projects, but not in projects created without default APIs); billingbudgets only with a budget.
# serviceusage itself (which enables the rest) must already be on: see docs/gcp.md "Deploy readiness".
PLATFORM_SERVICES: tuple[str, ...] = (
    "cloudresourcemanager.googleapis.com",
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


@dataclass
class ProjectServicesArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The GCP project (its id) the resources are created in."""
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
    from it wait for the APIs without any `depends_on` plumbing."""

    TOKEN = "lepton:gcp:ProjectServices"

    def __init__(
        self, name: str, args: ProjectServicesArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        self.services = [
            gcp.projects.Service(
                child_name(name, service.split(".")[0]),
                project=args.project,
                service=service,
                # Another stack (or a person) may rely on the API: destroying the platform must never
                # switch it off, nor the services that depend on it.
                disable_on_destroy=False,
                disable_dependent_services=False,
                opts=self.child_opts(),
            )
            for service in args.services
        ]
        ids = [s.id for s in self.services]
        self.project: pulumi.Output[str] = pulumi.Output.all(args.project, *ids).apply(lambda v: str(v[0]))
        self.finish({"project": self.project})
