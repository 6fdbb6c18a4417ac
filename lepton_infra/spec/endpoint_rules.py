"""What the spec refuses about who may reach the cluster's API: the whole internet (in one range or in
pieces) unless the DANGER opt-in says so, a public endpoint nobody may reach, and more authorized networks
than the cloud takes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Network, collapse_addresses
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.core.spec_checks import rule

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

_ANYWHERE = IPv4Network("0.0.0.0/0")


@dataclass(frozen=True)
class NetworkLimit:
    count: int
    applies: str  # "always", or "public" when only a public endpoint takes the list
    what: str  # the field the cloud caps
    source: str


# How many authorized networks each cloud's API takes (read 2026-12-07).
API_NETWORK_LIMITS = {
    # EKS quota "Public endpoint access CIDR ranges per cluster": 40, not adjustable
    # (docs.aws.amazon.com/general/latest/gr/eks.html, Service Quotas L-93A74D60). A private endpoint takes
    # the networks as security-group rules instead (aws/cluster.py), which this cap does not bound.
    "aws": NetworkLimit(
        40, "public", "EKS publicAccessCidrs", "EKS service quota L-93A74D60, not adjustable"
    ),
    # GKE API MasterAuthorizedNetworksConfig.cidr_blocks: "up to 50 external networks"
    # (cloud.google.com/python/docs/reference/container, google.cloud.container_v1 types).
    "gcp": NetworkLimit(
        50, "always", "GKE master authorized networks", "GKE API MasterAuthorizedNetworksConfig"
    ),
    # AKS: 200 authorized IP ranges, 2,000 with API Server VNet Integration, which this platform always
    # enables (azure/cluster.py) (learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges,
    # "Limitations"). A private cluster takes none (authorizedIPRanges is unset).
    "azure": NetworkLimit(
        2000, "public", "AKS authorizedIPRanges", "AKS API Server VNet Integration: up to 2,000 ranges"
    ),
}


def covers_everything(networks: list[IPv4Network]) -> bool:
    """Whether the networks together are all of IPv4 (`0.0.0.0/1` + `128.0.0.0/1` is the internet too)."""
    return _ANYWHERE in collapse_addresses(networks)


@rule("environment", "cluster")
def _endpoint(spec: PlatformSpec) -> Iterator[Problem]:
    cluster = spec.cluster
    networks = list(cluster.authorized_networks)
    anywhere = [i for i, net in enumerate(networks) if net.prefixlen == 0]
    if not cluster.allow_public_endpoint_from_anywhere:
        for i in anywhere:
            yield Problem(
                f"cluster.authorized_networks[{i}]",
                str(networks[i]),
                "opens the API to the internet",
                "list your office/VPN CIDRs, or set allow_public_endpoint_from_anywhere: true "
                "if you really mean it",
            )
        if not anywhere and covers_everything(networks):
            yield Problem(
                "cluster.authorized_networks",
                [str(n) for n in networks],
                "together these ranges are the whole internet (0.0.0.0/0 in pieces): the API is open to "
                "anyone",
                "list your office/VPN CIDRs, or set allow_public_endpoint_from_anywhere: true "
                "if you really mean it",
            )
    if cluster.endpoint == "public" and not networks:
        yield Problem(
            "cluster.authorized_networks",
            [],
            "a public endpoint needs authorized networks",
            "add the CIDRs that may reach the API, or set cluster.endpoint: private",
        )


@rule("cloud", "environment", "cluster")
def _network_count(spec: PlatformSpec) -> Iterator[Problem]:
    limit = API_NETWORK_LIMITS.get(spec.cloud)
    count = len(spec.cluster.authorized_networks)
    if limit is None or count <= limit.count:
        return
    if limit.applies == "public" and spec.cluster.endpoint != "public":
        return
    yield Problem(
        "cluster.authorized_networks",
        f"{count} networks",
        f"{limit.what} takes at most {limit.count} ({limit.source})",
        f"merge them into at most {limit.count} larger ranges",
    )


ENDPOINT_RULES = (_endpoint, _network_count)
