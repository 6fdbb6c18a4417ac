"""Managed Kubernetes control plane settings."""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Literal

from pydantic import Field

from lepton_infra.spec.base import SpecModel, described
from lepton_infra.spec.maintenance import MAINTENANCE_DESCRIPTION, MaintenanceWindow

EndpointAccess = Literal["private", "public"]


class ClusterSpec(SpecModel):
    version: str = Field(
        default="1.35",
        pattern=described(
            r"^1\.[0-9]{2}$", "a Kubernetes minor version written as a quoted string, e.g. '1.35'"
        ),
        description="Kubernetes minor version, e.g. '1.35'. Default 1.35: the newest minor every pinned "
        "chart supports (lepton_infra/core/data/chart_support.yaml; KEDA 2.20 is tested up to 1.35).",
    )
    endpoint: EndpointAccess | None = Field(
        default=None,
        description="API endpoint: `private` (reachable only from the network) or `public` (reachable "
        "only from authorized_networks). Default: private in prod, public otherwise.",
    )
    authorized_networks: list[IPv4Network] = Field(
        default_factory=list,
        description="CIDRs allowed to reach the API: where `pulumi up` and kubectl run (office, VPN, CI). "
        "Required when the endpoint is public. With a private endpoint on AWS, the networks inside the VPC "
        "or routed to it (deploy runner, VPN) that the cluster security group admits on 443; without any, "
        "only the nodes reach it and `pulumi up` cannot create in-cluster resources (the `api_access` "
        "output says where to run). Default none.",
    )
    allow_public_endpoint_from_anywhere: bool = Field(
        default=False,
        description="DANGER: permit 0.0.0.0/0 in authorized_networks. Off by default; the plan warns "
        "loudly when it is on.",
    )

    # --- maintenance window (spec/maintenance.py) ----------------------------------------------------
    maintenance: MaintenanceWindow = Field(
        default_factory=MaintenanceWindow, description=MAINTENANCE_DESCRIPTION
    )
