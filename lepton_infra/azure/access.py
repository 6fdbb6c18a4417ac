"""Where `pulumi up` (and kubectl) must run for an AKS stack: the in-cluster layer talks to the API server,
so its access profile decides it (the `api_access` stack output). Every cloud answers in
`<cloud>/access.py`, as `api_access(spec, network)`."""

from __future__ import annotations

from lepton_infra.spec import PlatformSpec


def api_access(spec: PlatformSpec, network: str) -> str:
    """Where `pulumi up` (and kubectl) must run for this stack: the in-cluster layer talks to the API."""
    if spec.cluster.endpoint == "private":
        return (
            f"inside VNet {network} or a network peered/VPN-connected to it: the API "
            "server is private (private cluster with API server VNet integration)"
        )
    ranges = ", ".join(str(n) for n in spec.cluster.authorized_networks)
    return f"from {ranges}: the API server is public but admits only cluster.authorized_networks"
