"""What a service serving a model needs decided from the whole spec: the model it names, its GPU memory
fit, and its model cache (kind and size). One function, `served_model`, is what the rest of the platform
reads (the in-cluster layer, the cold-start estimate, the report): the cache kind and the model's size in
bytes are typed here, not re-derived. Pure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from lepton_infra.catalog import gpu_models
from lepton_infra.spec.engines import ENGINES, Engine
from lepton_infra.spec.model import ModelSpec

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec
    from lepton_infra.spec.service import ServiceSpec

GIB = 2**30
# Room in the cache beyond the weights: the tokenizer, configs and the Hub client's partial downloads
# (it writes each file beside the finished ones before renaming it).
CACHE_HEADROOM = 0.10


class CacheKind(Enum):
    """Where a replica reads the model's weights from."""

    NODE_DISK = "node-disk"
    """An emptyDir on the node's boot disk, filled from the Hub when the replica starts (each replica
    downloads the weights again; read at the boot disk's throughput). `models[].cache: node-disk`."""
    NODE_LOCAL_NVME = "node-local-nvme"
    """The node's local NVMe SSDs (instance store, GCP local SSD, Azure temp disk). Not built yet."""
    BUCKET_MOUNT = "bucket-mount"
    """The model's prefix of the model bucket mounted read-only with a node-local cache, filled once by a
    hydration Job (`models[].cache: bucket-mount`; Mountpoint for S3 on AWS; GCS FUSE and BlobFuse2 not
    built yet)."""
    SHARED_FILESYSTEM = "shared-filesystem"
    """A shared filesystem the platform runs (Lustre). Not built yet."""


@dataclass(frozen=True)
class ServedModel:
    """A service's model as the platform serves it."""

    model: ModelSpec
    engine: Engine
    served_name: str  # what clients send as `model`, and the engine metrics' model label
    tensor_parallel: int  # GPUs per replica
    max_model_len: int
    cache_kind: CacheKind
    cache_gib: int  # the cache volume's size (the weights plus CACHE_HEADROOM, whole GiB)
    max_num_seqs: int  # sequences one replica's engine batches at once (its default on the service's GPU)

    @property
    def size_bytes(self) -> int:
        """The weights' size in bytes (`models[].size_gib`)."""
        return round(self.model.size_gib * GIB)

    @property
    def source(self) -> str:
        return self.model.source


def model_cache_gib(model: ModelSpec) -> int:
    """The model cache a replica reserves for this model: its weights and CACHE_HEADROOM, whole GiB."""
    return math.ceil(model.size_gib * (1 + CACHE_HEADROOM))


def replica_gpu_memory_gib(gpu_type: str, count: int) -> float:
    """GPU memory of one replica (the catalog's per-GPU memory times its GPUs), in GiB."""
    return gpu_models()[gpu_type].memory_mib * count / 1024


def model_of(spec: PlatformSpec, svc: ServiceSpec) -> ModelSpec | None:
    """The model a service names (None when it names none, or one the spec does not define)."""
    return next((m for m in spec.models if m.name == svc.model), None) if svc.model else None


def served_model(spec: PlatformSpec, svc: ServiceSpec) -> ServedModel | None:
    """The model a service's engine serves, decided; None for a service without an engine."""
    model = model_of(spec, svc)
    if svc.engine is None or model is None:
        return None
    engine = ENGINES[svc.engine.kind]
    return ServedModel(
        model=model,
        engine=engine,
        served_name=svc.engine.served_model_name or model.name,
        tensor_parallel=svc.gpu.count if svc.gpu else 1,
        max_model_len=svc.engine.max_model_len,
        cache_kind=CacheKind.BUCKET_MOUNT if model.cache == "bucket-mount" else CacheKind.NODE_DISK,
        cache_gib=model_cache_gib(model),
        max_num_seqs=max_num_seqs(engine, svc),
    )


def max_num_seqs(engine: Engine, svc: ServiceSpec) -> int:
    """The engine's default batch ceiling on the service's GPU (the catalog's model name and memory)."""
    if svc.gpu is None:
        return engine.max_num_seqs
    gpu = gpu_models()[svc.gpu.type]
    return engine.max_concurrent_sequences(gpu.model, gpu.memory_mib)


def cache_gb(spec: PlatformSpec, svc: ServiceSpec) -> int:
    """The model cache a replica reserves: sized from its model for an engine, else `model_cache_gb`."""
    served = served_model(spec, svc)
    return served.cache_gib if served else svc.model_cache_gb


def container_image(svc: ServiceSpec) -> str:
    """The image a service's replicas run: its own `image`, or its engine's pinned image."""
    if svc.image is not None:
        return svc.image
    assert svc.engine is not None  # the spec requires one of the two (spec/model_rules.py)
    return ENGINES[svc.engine.kind].image
