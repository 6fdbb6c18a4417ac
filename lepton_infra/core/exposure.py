"""What a platform exposes, from the spec: which services get a load balancer and on which host (the
spec's exposure fields with their defaults resolved, for the spec's and the clouds' rules, the in-cluster
layer's routes and certificates, and the clouds' certificates and DNS), and the loud warning every cloud
gives when its Kubernetes API is open to the whole internet (the spec allows it only behind
`cluster.allow_public_endpoint_from_anywhere`, and the plan must still say so).

In core/, not spec/: the cloud profiles' rules read it too, and they import nothing from spec/."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import pulumi

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec
    from lepton_infra.spec.service import ServiceSpec


@dataclass(frozen=True)
class ExposedService:
    service: str
    tenant: str
    host: str
    exposure: Literal["internal", "public"]


def service_exposure(spec: PlatformSpec, service: ServiceSpec) -> str:
    """`cluster`, `internal` or `public`, with the default resolved."""
    if service.expose is not None:
        return service.expose
    return "internal" if spec.network.domain else "cluster"


def service_host(spec: PlatformSpec, service: ServiceSpec) -> str | None:
    if service.host is not None:
        return service.host
    return f"{service.name}.{spec.network.domain}" if spec.network.domain else None


def exposed_services(spec: PlatformSpec) -> tuple[ExposedService, ...]:
    """Every service reached through a load balancer, in spec order."""
    out = []
    for s in spec.services:
        exposure = service_exposure(spec, s)
        host = service_host(spec, s)
        if exposure in ("internal", "public") and host is not None:
            out.append(ExposedService(s.name, s.tenant, host, exposure))  # type: ignore[arg-type]
    return tuple(out)


def within(host: str, domain: str) -> bool:
    """`host` is `domain` or a name under it."""
    return host == domain or host.endswith("." + domain)


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
