"""Where `pulumi up` (and kubectl) must run for an AKS stack: the in-cluster layer talks to the API server,
so its access profile decides it (the `api_access` stack output). Every cloud answers in
`<cloud>/access.py`, as `api_access(resolved, network)`."""

from __future__ import annotations

from lepton_infra.spec.resolved import ResolvedPlatform


def api_access(resolved: ResolvedPlatform, network: str) -> str:
    """Where `pulumi up` (and kubectl) must run for this stack: the in-cluster layer talks to the API;
    `network` names the VNet a private API server answers in."""
    if resolved.endpoint == "private":
        # The API name resolves only from the private DNS zone AKS links to the cluster's VNet (peered or
        # VPN-connected networks do not resolve it), and run command is off: nothing outside reaches it.
        return (
            f"only from inside VNet {network}, which this stack creates: the private API "
            "name resolves only there (peered or VPN networks do not resolve it), so a first `up` from "
            "anywhere else creates the cloud layer and fails on every in-cluster resource. See docs/azure.md "
            "'The first deploy' (a runner in the VNet, then `pulumi up` again from it)"
        )
    ranges = ", ".join(str(n) for n in resolved.spec.cluster.authorized_networks)
    return f"from {ranges}: the API server is public but admits only cluster.authorized_networks"
