"""Inference services: a container with an HTTP endpoint that scales with load, or to zero."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from lepton_infra.spec.base import GpuRequest, Name, Quantity, SpecModel, described, quantity_value

# An image reference with an explicit tag or digest (never implicit :latest).
IMAGE_PATTERN = described(
    r"^[a-z0-9.\-/:_]+(:[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}|@sha256:[a-f0-9]{64})$",
    "an image reference with an explicit tag or digest, e.g. `ghcr.io/acme/app:1.4` or `...@sha256:<64 hex>`",
)


class ReplicasSpec(SpecModel):
    min: int = Field(
        default=0, ge=0, le=1000, description="Minimum replicas. 0 scales to zero through KEDA. Default 0."
    )
    max: int = Field(default=4, ge=1, le=1000, description="Maximum replicas. Default 4.")


class ScalingSpec(SpecModel):
    metric: Literal["requests_per_second", "queue_length"] = Field(
        default="requests_per_second",
        description="What drives replicas: request rate (from Prometheus) or a queue length. "
        "Default requests_per_second.",
    )
    target: float = Field(default=10.0, gt=0, description="Target value per replica. Default 10.")
    cpu_utilization: int = Field(
        default=70, ge=10, le=100, description="CPU target (%) when replicas.min > 0 (HPA). Default 70."
    )


Expose = Literal["cluster", "internal", "public"]


def _not_latest(image: str) -> str:
    """`:latest` names whatever was pushed last: the same spec would run other code tomorrow."""
    if "@" not in image and image.rsplit("/", 1)[-1].rpartition(":")[2] == "latest":
        raise PydanticCustomError(
            "latest_tag", "`:latest` names whatever was pushed last, not a reviewed version"
        )
    return image


def _not_zero(quantity: str) -> str:
    """A replica's request is also its limit: zero CPU or memory is a pod that cannot run."""
    if quantity_value(quantity) == 0:
        raise PydanticCustomError(
            "zero_request", "a replica needs some of it (the request is also the limit)"
        )
    return quantity


# The pattern first, so the `latest` check only sees an image reference.
ImageRef = Annotated[str, StringConstraints(pattern=IMAGE_PATTERN), AfterValidator(_not_latest)]
Request = Annotated[Quantity, AfterValidator(_not_zero)]

# An absolute HTTP path (RFC 3986 path characters): routes, probes and load-balancer health checks all
# need the leading `/` (a probe path without it is refused by the Kubernetes API).
HttpPath = Annotated[
    str,
    StringConstraints(
        max_length=1024,
        pattern=described(
            r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$",
            "an absolute HTTP path: `/` then letters, digits and `- . _ ~ ! $ & ' ( ) * + , ; = : @ % /`, "
            "e.g. `/predict`",
        ),
    ),
]


class ServiceSpec(SpecModel):
    name: Name = Field(description="Service name, unique in the platform.")
    tenant: Name = Field(description="Tenant whose namespace and quota the service runs in.")
    image: ImageRef = Field(
        description="Container image with an explicit tag or digest (`:latest` is refused). In prod a "
        "digest is required (`registry/app@sha256:<64 hex>`, optionally with a tag before the `@`): a tag "
        "can be moved to other content after review. The pull policy follows: `IfNotPresent` for a digest "
        "(the content cannot change), `Always` for a tag (every pod start resolves the tag again, so nodes "
        "do not run stale copies).",
    )
    port: int = Field(
        default=8080, ge=1024, le=65535, description="Container port (non-root, so ≥ 1024). Default 8080."
    )
    predict_path: HttpPath = Field(
        default="/predict", description="Inference path, starting with `/`. Default /predict."
    )
    health_path: HttpPath = Field(
        default="/healthz", description="Readiness/liveness path, starting with `/`. Default /healthz."
    )
    gpu: GpuRequest | None = Field(default=None, description="GPUs per replica. Omit for CPU.")
    cpu: Request = Field(
        default="2", description="CPU request = limit per replica, above zero (e.g. `500m`, `2`). Default 2."
    )
    memory: Request = Field(
        default="8Gi",
        description="Memory request = limit per replica, above zero (e.g. `512Mi`). Default 8Gi.",
    )
    replicas: ReplicasSpec = Field(default_factory=ReplicasSpec, description="Replica bounds.")
    scaling: ScalingSpec = Field(default_factory=ScalingSpec, description="Autoscaling signal.")
    expose: Expose | None = Field(
        default=None,
        description="How the service is reached: `cluster` (in-cluster only, no load balancer), `internal` "
        "(an internal load balancer, reachable from the VPC/VNet and what is peered to it) or `public` (an "
        "internet-facing load balancer; in prod only with `network.public_services`). Always over TLS 1.2+, "
        "HTTP redirected to HTTPS. Default: internal when `network.domain` is set, cluster otherwise.",
    )
    host: str | None = Field(
        default=None,
        description="The FQDN the service answers on, within `network.domain`; unique per platform. "
        "Default `<name>.<network.domain>`.",
    )
