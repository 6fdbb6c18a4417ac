"""What a service's replica reads into GPU memory before it is ready: the one place the estimate learns a
model's size and where its weights are cached.

Services without a model (every service today: a generic container, its weights if any inside its own
start) load nothing the platform knows of: None. The serving work (`models:` with a size, `services[].model`,
its cache) answers here, so the estimate's weight-load term follows it without another change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from lepton_infra.spec.served_model import CacheKind as ServedCacheKind
from lepton_infra.spec.served_model import served_model

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec
    from lepton_infra.spec.service import ServiceSpec

CacheKind = Literal["bucket", "nvme", "hub"]
"""Where a replica reads the weights from: `bucket`, the platform's model bucket through the cloud's FUSE
client (Mountpoint for S3, Cloud Storage FUSE, BlobFuse2); `nvme`, a node-local NVMe cache, filled from the
bucket the first time a node reads the model; `hub`, downloaded from the model hub into the node's disk by
the engine at every start (services with an engine today: spec/served_model.py CacheKind.NODE_DISK). The hub
publishes no download throughput: the estimate takes the node's network figure, so the term is a lower
bound."""


@dataclass(frozen=True)
class WeightsToLoad:
    size_bytes: int  # the model's weights as stored (e.g. 16 GiB of bf16 safetensors for 8B parameters)
    cache_kind: CacheKind


def weights_to_load(spec: PlatformSpec, service: ServiceSpec) -> WeightsToLoad | None:
    """The weights `service` loads at start, or None when it serves no model (`services[].model`)."""
    served = served_model(spec, service)
    if served is None:
        return None
    return WeightsToLoad(size_bytes=served.size_bytes, cache_kind=_KINDS[served.cache_kind])


# The serving side's cache kinds as the estimate reads them (a bucket mount, NVMe and a shared filesystem
# are not built for engine services yet: each is added here when it is).
_KINDS: dict[ServedCacheKind, CacheKind] = {
    ServedCacheKind.NODE_DISK: "hub",
    ServedCacheKind.NODE_LOCAL_NVME: "nvme",
    ServedCacheKind.BUCKET_MOUNT: "bucket",
}
