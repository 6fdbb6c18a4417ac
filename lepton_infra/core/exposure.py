"""The loud warning every cloud gives when its Kubernetes API is open to the whole internet: the spec
allows it only behind `cluster.allow_public_endpoint_from_anywhere`, and the plan must still say so."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pulumi

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


def api_open_to_the_world(spec: PlatformSpec) -> bool:
    """A public endpoint with 0.0.0.0/0 (any /0) among its authorized networks."""
    return spec.cluster.endpoint == "public" and any(
        n.prefixlen == 0 for n in spec.cluster.authorized_networks
    )


def warn_if_api_open_to_the_world(spec: PlatformSpec, api: str, resource: pulumi.Resource) -> None:
    """`api`: how users name the cloud's API server ("EKS", "GKE", "AKS")."""
    if api_open_to_the_world(spec):
        pulumi.log.warn(
            f"DANGER: the {api} API endpoint is open to the whole internet (0.0.0.0/0 in "
            "cluster.authorized_networks, allowed by allow_public_endpoint_from_anywhere)",
            resource,
        )
