"""Inference services: a container with an HTTP endpoint that scales with load, or to zero."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from lepton_infra.core.spec_model import SpecModel, described
from lepton_infra.spec.base import GpuRequest, Name, Quantity, quantity_value
from lepton_infra.spec.engines import ENGINES
from lepton_infra.spec.model import EngineSpec

# An image reference with an explicit tag or digest (never implicit :latest).
IMAGE_PATTERN = described(
    r"^[a-z0-9.\-/:_]+(:[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}|@sha256:[a-f0-9]{64})$",
    "an image reference with an explicit tag or digest, e.g. `ghcr.io/acme/app:1.4` or `...@sha256:<64 hex>`",
)


ROLLOUT_MAX_SURGE = 1
"""Replicas a service's rolling update creates beyond its current count (the Deployment's
`rollingUpdate.maxSurge`, kubernetes/serving/inference.py). Every rollout surges, at max replicas too, so
a tenant's namespace quota must hold this many extra pods of each service (jobs_rules.py)."""


class ReplicasSpec(SpecModel):
    min: int = Field(
        default=0,
        ge=0,
        le=1000,
        description="Minimum replicas. 0 scales to zero through KEDA. In prod a service kept running "
        "(min ≥ 1) needs min ≥ 2, so one replica serves while a node drain (spot reclaim, upgrade, "
        "scale-down) moves the other, and an on-demand pool offering its GPU type (or an on-demand CPU "
        "pool). Default 0.",
    )
    max: int = Field(default=4, ge=1, le=1000, description="Maximum replicas. Default 4.")


class ScalingSpec(SpecModel):
    metric: Literal["requests_per_second", "queue_length", "engine_queue"] = Field(
        default="requests_per_second",
        description="What drives replicas (KEDA), whatever `replicas.min`: request rate, or the length of "
        "a queue the tenant publishes as `lepton_queue_length` from a Service in its namespace labelled "
        "`lepton.ai/queue-of: <service name>` with a port named `metrics` (the platform scrapes it and "
        "labels the series with the service's name). At 0 replicas request rate is counted by the KEDA "
        "HTTP add-on's interceptor, which holds the first request and wakes the service; from 1 replica "
        "up by the service's own `http_requests_total`. `engine_queue` (a service with an `engine`, "
        "replicas.min ≥ 1): the engine's own gauges, requests waiting for a place in its batch per "
        "replica (`target`) and its KV cache usage past 80% on average, with no CPU trigger (an engine's "
        "CPU is busy whatever its load). A service with an `engine` at replicas.min 0 scales on requests "
        "in flight per replica instead of their rate (the HTTP add-on's concurrency), with the engine's "
        "batch ceiling as target (vLLM: 256 sequences, 1024 on a GPU of 70 GiB or more other than an "
        "A100), and `target` is not used. Default requests_per_second.",
    )
    target: float = Field(default=10.0, gt=0, description="Target value per replica. Default 10.")
    cpu_utilization: int = Field(
        default=70,
        ge=10,
        le=100,
        description="CPU target (%), a second trigger beside `metric` when replicas.min > 0: replicas "
        "follow whichever asks for more. Default 70.",
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
    image: ImageRef | None = Field(
        default=None,
        description="Container image with an explicit tag or digest (`:latest` is refused); required "
        "unless `engine` is set, which runs the engine's pinned image instead (and refuses this). In prod a "
        "digest is required (`registry/app@sha256:<64 hex>`, optionally with a tag before the `@`): a tag "
        "can be moved to other content after review. The pull policy follows: `IfNotPresent` for a digest "
        "(the content cannot change), `Always` for a tag (every pod start resolves the tag again, so nodes "
        "do not run stale copies).",
    )
    image_size_gb: float | None = Field(
        default=None,
        gt=0,
        le=1000,
        description="The image's compressed size in GB (what the registry shows), for the cold-start "
        "estimate's pull term only; nothing is created from it. Default: 5 GB, a CUDA + PyTorch serving "
        "image (lepton_infra/coldstart/figures.yaml).",
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
    model_cache_gb: int = Field(
        default=20,
        ge=1,
        le=4096,
        description="Writable space for model weights, mounted at /models (`MODEL_CACHE_DIR`; "
        "`XDG_CACHE_HOME` and `HF_HOME` point under it, so Hugging Face and PyTorch caches land there). It "
        "is an emptyDir on the node's boot disk, so it costs nothing beyond the pool's `disk_gb` (priced "
        "with the pool) and is refilled when a replica starts on another node; the replica reserves it "
        "as `ephemeral-storage`, and a pool offering the service's GPU type (or a CPU pool) must have the "
        "disk for it. /tmp stays a 2 GiB scratch space. Default 20 GiB.",
    )
    model: Name | None = Field(
        default=None,
        description="The model (`models[].name`) the service's `engine` serves; needs `engine`. "
        "Default: none.",
    )
    engine: EngineSpec | None = Field(
        default=None,
        description="Run an inference engine serving `model` instead of an own `image` (needs `gpu` and "
        "`model`; `image`, `predict_path` and `health_path` then come from the engine). Its model cache "
        "is sized from the model (`model_cache_gb` must be left unset). Default: none, the service runs "
        "`image`.",
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

    @property
    def runs_image(self) -> str:
        """The image the replicas run: the engine's pinned one, else `image` (the rules require one of
        them; an empty string only on a spec that did not validate)."""
        if self.engine is not None:
            return ENGINES[self.engine.kind].image
        return self.image or ""

    @property
    def serves_path(self) -> str:
        """Where requests go (routes, the HTTP scaler): the engine's API prefix, else `predict_path`."""
        return ENGINES[self.engine.kind].api_path if self.engine is not None else self.predict_path

    @property
    def probe_path(self) -> str:
        """The readiness and liveness path: the engine's health path, else `health_path`."""
        return ENGINES[self.engine.kind].health_path if self.engine is not None else self.health_path
