"""Managed Kubernetes control plane settings."""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Literal

from pydantic import Field

from lepton_infra.core.kubernetes_versions import WARN_DAYS, default_minor, lifecycle
from lepton_infra.core.spec_model import SpecModel, described
from lepton_infra.cost.prices import fees
from lepton_infra.spec.maintenance import MAINTENANCE_DESCRIPTION, MaintenanceWindow

EndpointAccess = Literal["private", "public"]
SupportLevel = Literal["standard", "extended"]

DEFAULT_VERSION = default_minor()
_TABLE = f"lepton_infra/core/data/kubernetes_versions.yaml, read {lifecycle().read}"


def _hourly(fee: str) -> str:
    return f"${fees()[fee]['usd_per_hour']:.2f}"


class ClusterSpec(SpecModel):
    version: str = Field(
        default=DEFAULT_VERSION,
        pattern=described(
            r"^1\.[0-9]{2}$", "a Kubernetes minor version written as a quoted string, e.g. '1.36'"
        ),
        description=f"Kubernetes minor version, e.g. '{DEFAULT_VERSION}'. Default {DEFAULT_VERSION}: the "
        "newest minor EKS, GKE (Regular channel) and AKS all create in standard support on the date of the "
        f"version lifecycle table ({_TABLE}; every row names its source) that every pinned chart also "
        "supports (lepton_infra/core/data/chart_support.yaml: KEDA 2.20 is tested up to 1.35). The spec "
        "compares the minor with "
        "that table at the plan's date (today in UTC, or `LEPTON_PLAN_DATE` / `lepton-infra plan --date` "
        "for a reproducible run) and refuses a minor the cloud no longer creates, and one past standard "
        "support unless `support: extended`; the plan prints when support ends and warns within "
        f"{WARN_DAYS} days of it. Upgrade one minor at a time (each cloud refuses skipping minors).",
    )
    support: SupportLevel = Field(
        default="standard",
        description="`standard` (default): only minors in the cloud's standard support, at its standard "
        "price. `extended`: paid extended support, so a minor past standard support can still be created "
        "and kept: on AWS EKS extended support (`upgradePolicy.supportType: EXTENDED`; "
        f"{_hourly('eks-control-plane-extended')} instead of {_hourly('eks-control-plane')} per "
        "cluster-hour once the minor leaves standard support, and a cluster cannot leave extended support "
        "once in it), on GCP the EXTENDED release channel (an extra "
        f"{_hourly('gke-extended-support-period')} per cluster-hour in the extended period, estimate), on "
        "Azure the Premium tier with the AKSLongTermSupport plan "
        f"({_hourly('aks-control-plane-premium')} per cluster-hour from creation, instead of "
        f"{_hourly('aks-control-plane-standard')} Standard or {_hourly('aks-control-plane-free')} Free). "
        "Only minors the cloud offers extended support or LTS for; the plan's cost table prices it.",
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
        "or routed to it (deploy runner, VPN) that the cluster security group admits on 443; a private "
        "endpoint without any, or with one outside the VPC and no `aws.runner_transit_gateway_id`, is "
        "refused (nothing could reach it). Default none.",
    )
    system_replicas: int | None = Field(
        default=None,
        ge=1,
        le=10,
        description="Replicas of the platform's stateless system pods that run several for high "
        "availability: the KEDA HTTP add-on's scaler and interceptor (installed when a service scales to "
        "zero on request rate; the chart runs 3), 250m CPU and 20Mi each, and metrics-server where the "
        "platform installs it (EKS; 2 at most), 100m CPU and 200Mi. Default: 1 in dev (one of each: a "
        "request waits for a restarted interceptor instead of failing over, CPU-based scaling pauses while "
        "metrics-server restarts; saves 1 vCPU of the system pool's requests, 1.1 vCPU and 200Mi on EKS, "
        "what lets the dev stacks' one standard-4 system node hold the platform's pods and the cloud's "
        "add-ons: the plan's `system_pool_fit`; no node is saved, so $0/month), 3 in staging and prod "
        "(the charts' own; metrics-server 2).",
    )
    trim_system_requests: bool | None = Field(
        default=None,
        description="Request 100m CPU instead of the chart's 250m for each of the KEDA HTTP add-on's "
        "operator, scaler and interceptor (installed when a service scales to zero on request rate); "
        "memory requests and the chart's limits (500m CPU, 64Mi) stay, so at idle they still burst to "
        "what the node has free. Default: on in dev, where the system pool is one node: 450m less to "
        "request, without which azure-dev's one Standard_D4s_v5 does not hold the platform's pods beside "
        "AKS's add-ons (the plan's `system_pool_fit`), so it saves the second system node the pool would "
        "otherwise need (about $140/month); gives up their guaranteed CPU share when the node is busy "
        "(requests routed through the interceptor slow down first). Off in staging and prod, where it is "
        "refused: a production interceptor keeps the chart's guarantee.",
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
