"""GCP's knobs with their defaults decided: what the GCP platform reads instead of the Optional knobs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from lepton_infra.profiles.gcp.knobs import GcpKnobs

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

BinaryAuthorizationMode = Literal["enforce", "dryrun", "off"]


@dataclass(frozen=True)
class ResolvedGcp:
    knobs: GcpKnobs  # the `gcp:` block as written (required on GCP)
    release_channel: str  # `gke_release_channel`
    binary_authorization: BinaryAuthorizationMode  # `enforce` in prod, `dryrun` otherwise
    dns_endpoint: bool  # on with a private endpoint


def gke_release_channel(spec: PlatformSpec) -> str:
    """The cluster's release channel: `gcp.release_channel`, else EXTENDED with `cluster.support:
    extended` (GKE's paid extended support) and REGULAR otherwise."""
    chosen = spec.gcp.release_channel if spec.gcp else None
    return chosen or ("EXTENDED" if spec.cluster.support == "extended" else "REGULAR")


def free_tier_credit(spec: PlatformSpec) -> bool:
    """`gcp.free_tier_credit`, else on in dev only (the billing account's one zonal cluster credit)."""
    chosen = spec.gcp.free_tier_credit if spec.gcp else None
    return spec.environment == "dev" if chosen is None else chosen


def resolve_gcp(spec: PlatformSpec) -> ResolvedGcp:
    knobs = spec.gcp
    if knobs is None:
        raise ValueError("cloud gcp needs its `gcp:` block: validate the spec first")
    prod = spec.environment == "prod"
    dns_endpoint = knobs.dns_endpoint
    return ResolvedGcp(
        knobs=knobs,
        release_channel=gke_release_channel(spec),
        binary_authorization=knobs.binary_authorization or ("enforce" if prod else "dryrun"),
        dns_endpoint=spec.cluster.endpoint == "private" if dns_endpoint is None else dns_endpoint,
    )
