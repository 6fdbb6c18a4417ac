"""Which services get a load balancer, on which host: the spec's exposure fields with their defaults
resolved, for the in-cluster layer (routes, certificates) and the clouds (certificates, DNS)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

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
