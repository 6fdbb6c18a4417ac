"""What a service's replica reads into GPU memory before it is ready: the one place the estimate learns a
model's size and where its weights are cached.

Services without a model (every service today: a generic container, its weights if any inside its own
start) load nothing the platform knows of: None. The serving work (`models:` with a size, `services[].model`,
its cache) answers here, so the estimate's weight-load term follows it without another change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec
    from lepton_infra.spec.service import ServiceSpec

CacheKind = Literal["bucket", "nvme"]
"""Where a replica reads the weights from: `bucket`, the platform's model bucket through the cloud's FUSE
client (Mountpoint for S3, Cloud Storage FUSE, BlobFuse2); `nvme`, a node-local NVMe cache, filled from the
bucket the first time a node reads the model."""


@dataclass(frozen=True)
class WeightsToLoad:
    size_bytes: int  # the model's weights as stored (e.g. 16 GiB of bf16 safetensors for 8B parameters)
    cache_kind: CacheKind


def weights_to_load(spec: PlatformSpec, service: ServiceSpec) -> WeightsToLoad | None:
    """The weights `service` loads at start, or None when it declares no model (every service today)."""
    del spec, service  # no service names a model yet: the serving work wires its `models:` here
    return None
