"""Where `pulumi up` must run for a GKE stack: the in-cluster layer talks to the GKE API, so the endpoint
decides it (the `api_access` stack output). Every cloud answers in `<cloud>/access.py`, as
`api_access(resolved, network)`."""

from __future__ import annotations

from lepton_infra.spec.resolved import ResolvedPlatform


def dns_endpoint_exposure(resolved: ResolvedPlatform) -> str | None:
    """The warning a plan gives while the DNS-based endpoint takes traffic from outside the VPC (GKE's
    `dnsEndpointConfig.allowExternalTraffic`, the only way to use that endpoint at all): any network that
    reaches Google APIs can call the Kubernetes API there, IAM alone decides, and the master authorized
    networks (`cluster.authorized_networks`) do not apply to it (GKE docs, "About network isolation",
    read 2026-12-07). None when the endpoint is off."""
    assert resolved.gcp is not None  # resolve() fills the spec's own cloud
    if not resolved.gcp.dns_endpoint:
        return None
    return (
        "the GKE API is reachable from any network that reaches Google APIs over its DNS-based endpoint "
        "(gcp.dns_endpoint): IAM container.clusters.connect alone decides who calls it, and "
        "cluster.authorized_networks do not apply there; set gcp.dns_endpoint: false to keep only the "
        f"{resolved.endpoint} IP endpoint"
    )


def api_access(resolved: ResolvedPlatform, network: str) -> str:
    """Where `pulumi up` must run for the in-cluster layer (it talks to the GKE API), as plain text.

    With the DNS-based endpoint the kubeconfig points at it, and only IAM decides. Otherwise a private
    endpoint is reachable only from inside the VPC (GKE: the cluster subnet's primary range and
    the Pod range, plus internal authorized networks, in the cluster's region): a runner VM or
    self-hosted CI runner on the node subnet, or a network reaching the VPC over Cloud VPN/Interconnect
    listed in `cluster.authorized_networks`. A public endpoint is reachable only from the authorized
    networks (Google's public ranges excluded)."""
    spec = resolved.spec
    networks = ", ".join(str(n) for n in spec.cluster.authorized_networks)
    assert resolved.gcp is not None  # resolve() fills the spec's own cloud
    if resolved.gcp.dns_endpoint:
        ip = (
            "private IP endpoint (VPC only)"
            if resolved.endpoint == "private"
            else f"public IP endpoint open to {networks}"
        )
        return (
            "DNS-based endpoint (gcp.dns_endpoint): run `pulumi up` from any network that reaches Google "
            "APIs, as an identity holding IAM container.clusters.connect (roles/container.admin has it) "
            f"and gcloud's gke-gcloud-auth-plugin; the {ip} is not used"
        )
    if resolved.endpoint == "private":
        extra = f" or from {networks} over Cloud VPN/Interconnect" if networks else ""
        return (
            f"private endpoint only: run `pulumi up` inside VPC subnet {network} ({spec.region}), "
            f"e.g. a VM or self-hosted CI runner there{extra}; a laptop or hosted CI cannot reach the "
            "GKE API, and every Kubernetes resource would fail"
        )
    return (
        f"public endpoint, open only to cluster.authorized_networks ({networks}): run `pulumi up` from "
        "one of those networks"
    )
