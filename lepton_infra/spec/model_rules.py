"""Rules on models and inference engines that only the whole spec can check: a service's model exists, its
engine has what it runs on (GPUs, a model) and nothing it replaces (an own image, paths, a cache size),
and the weights fit the GPU memory of a replica and of some node. Pure."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.catalog import gpu_models
from lepton_infra.core.errors import Problem, choose_from
from lepton_infra.core.spec_checks import Rule, rule
from lepton_infra.spec.engines import ENGINES
from lepton_infra.spec.served_model import model_of, replica_gpu_memory_gib

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

# A Hub commit: the repository is git, a revision naming a commit is its full 40-hex SHA-1 (what the
# Hub's "Files and versions" page and its API's `sha` field show). Branches and tags move; a commit does not.
_COMMIT = re.compile(r"^[0-9a-f]{40}$")

# The service fields an engine decides itself (its image, API and health paths, the cache size).
_ENGINE_DECIDES = ("image", "predict_path", "health_path", "model_cache_gb")


def _usable_gib(gpu_type: str, count: int, engine: str = "vllm") -> float:
    """GPU memory the engine takes for weights and KV cache on `count` GPUs of this type."""
    return replica_gpu_memory_gib(gpu_type, count) * ENGINES[engine].gpu_memory_utilization


@rule("services", "models")
def _service_model(spec: PlatformSpec) -> Iterator[Problem]:
    """A service names a model the spec defines, only with an engine to serve it, and an engine needs a
    model, GPUs, and none of the fields it decides itself."""
    names = sorted(m.name for m in spec.models)
    for i, svc in enumerate(spec.services):
        path = f"services[{i}]"
        if svc.model is not None and model_of(spec, svc) is None:
            yield Problem(
                f"{path}.model",
                svc.model,
                "no model of that name in `models:`",
                choose_from(svc.model, names) if names else "define it under `models:`",
            )
        if svc.engine is None:
            if svc.model is not None:
                yield Problem(
                    f"{path}.model",
                    svc.model,
                    "a model needs an engine to serve it",
                    "add `engine: {kind: vllm}`, or remove `model`",
                )
            if svc.image is None:
                yield Problem(
                    f"{path}.image",
                    None,
                    "a service runs either its own image or an engine",
                    "set `image: registry/app:tag`, or `engine: {kind: vllm}` with a `model`",
                )
            if svc.scaling.metric == "engine_queue":
                yield Problem(
                    f"{path}.scaling.metric",
                    "engine_queue",
                    "the service runs no engine whose queue it could scale on",
                    "set `engine:` with a `model`, or use requests_per_second or queue_length",
                )
            continue
        if svc.scaling.metric == "engine_queue" and svc.replicas.min == 0:
            yield Problem(
                f"{path}.scaling.metric",
                "engine_queue",
                "at zero replicas no engine exports a queue to wake the service on",
                "use requests_per_second (the HTTP add-on's interceptor wakes it), or replicas.min ≥ 1",
            )
        if svc.model is None:
            yield Problem(
                f"{path}.engine",
                svc.engine.kind,
                "an engine serves a model and none is named",
                "set `model:` to one of `models[].name`",
            )
        if svc.gpu is None:
            yield Problem(
                f"{path}.engine",
                svc.engine.kind,
                "the engine runs on GPUs and the service asks for none (it would land on a CPU pool)",
                "set `gpu: {type: ..., count: ...}`",
            )
        for field in _ENGINE_DECIDES:
            if field in svc.model_fields_set:
                yield Problem(
                    f"{path}.{field}",
                    getattr(svc, field),
                    f"decided by the engine ({svc.engine.kind}): its pinned image, `/v1` and `/health`, a "
                    "cache sized from the model",
                    f"remove `{field}`",
                )


@rule("models", "node_pools")
def _model_fits_a_node(spec: PlatformSpec) -> Iterator[Problem]:
    """One replica runs on one node: weights larger than every GPU node's usable memory cannot be
    served. Serving across nodes (LeaderWorkerSet) is not built."""
    known = gpu_models()
    nodes = [
        (_usable_gib(p.gpu.type, p.gpu.count), p.name, f"{p.gpu.count} × {p.gpu.type}")
        for p in spec.gpu_pools
        if p.gpu is not None and p.gpu.type in known
    ]
    if not nodes:
        return
    room, pool, gpus = max(nodes)
    for i, model in enumerate(spec.models):
        if model.size_gib > room:
            yield Problem(
                f"models[{i}].size_gib",
                model.size_gib,
                f"fits no single node: the largest, {pool}'s {gpus}, leaves {room:.1f} GiB to the engine "
                "(90% of its GPU memory, "
                "weights and KV cache together); serving one model across nodes is not built",
                "add a pool with more GPU memory per node, or serve a smaller or quantized model",
            )


@rule("services", "models")
def _model_fits_a_replica(spec: PlatformSpec) -> Iterator[Problem]:
    """The engine loads the whole model on the replica's GPUs (tensor parallel over them) and needs room
    left for the KV cache: weights above 90% of the replica's GPU memory never start."""
    known = gpu_models()
    for i, svc in enumerate(spec.services):
        model = model_of(spec, svc)
        if svc.engine is None or model is None or svc.gpu is None or svc.gpu.type not in known:
            continue
        room = _usable_gib(svc.gpu.type, svc.gpu.count, svc.engine.kind)
        if model.size_gib <= room:
            continue
        per_gpu = _usable_gib(svc.gpu.type, 1, svc.engine.kind)
        need = math.ceil(model.size_gib / per_gpu)
        yield Problem(
            f"services[{i}].gpu.count",
            svc.gpu.count,
            f"model {model.name} ({model.size_gib} GiB) does not fit: {svc.gpu.count} × {svc.gpu.type} "
            f"leave {room:.1f} GiB to the engine (90% of their memory, weights and KV cache together)",
            f"use at least {need + 1} {svc.gpu.type} GPUs per replica (room for the KV cache too), on a "
            "pool whose nodes have that many, or a GPU with more memory",
        )


@rule("environment", "models")
def _prod_models_pinned(spec: PlatformSpec) -> Iterator[Problem]:
    """A prod model names the exact weights it serves. Each replica downloads the model when it starts: with a
    branch or tag (or no revision, the `main` branch) replicas started on different days serve different
    weights behind one endpoint, and a rollback does not bring the old weights back. A copy kept per
    revision (the model store, issue 30) would also go stale under a moving name."""
    if spec.environment != "prod":
        return
    for i, model in enumerate(spec.models):
        if model.revision is not None and _COMMIT.match(model.revision):
            continue
        shown = "the `main` branch (no revision set)" if model.revision is None else "a name"
        yield Problem(
            f"models[{i}].revision",
            model.revision,
            f"prod serves {shown}, not a full commit hash, and a name can move: replicas started at "
            "different times would serve different weights",
            f"set `revision:` to a commit of {model.source}: its full 40-hex hash (the Hub's \"Files and "
            'versions" page, History)',
        )


# The clouds whose bucket mount is built (kubernetes/serving/model_mount.py): Mountpoint for Amazon S3.
BUCKET_MOUNT_CLOUDS = ("aws",)


@rule("cloud", "environment", "models")
def _bucket_mount(spec: PlatformSpec) -> Iterator[Problem]:
    """A model read from the bucket is copied there once per revision, under a prefix named by the revision:
    a name that moves would leave the copy stale, so only a full commit is accepted. Built on AWS only."""
    for i, model in enumerate(spec.models):
        if model.cache != "bucket-mount":
            continue
        if spec.cloud not in BUCKET_MOUNT_CLOUDS:
            yield Problem(
                f"models[{i}].cache",
                model.cache,
                f"the bucket mount is built on {', '.join(BUCKET_MOUNT_CLOUDS)} only, not on {spec.cloud}",
                "use `cache: node-disk` (each replica downloads the weights from the Hub)",
            )
        # prod already refuses any revision but a commit (_prod_models_pinned): said once.
        if spec.environment != "prod" and (model.revision is None or not _COMMIT.match(model.revision)):
            yield Problem(
                f"models[{i}].revision",
                model.revision,
                "a bucket-mounted model is copied once under its revision: a branch, tag or no revision "
                "would leave that copy stale when the name moves",
                f"set `revision:` to a commit of {model.source}: its full 40-hex hash",
            )


def uses_bucket_mount(spec: PlatformSpec) -> bool:
    """Whether a service serves a model from the bucket mount (the cloud installs its CSI driver then).
    Rules on other fields call it on a spec whose `models` or `services` may have failed validation (and
    be absent): then no model is known to use it."""
    services, models = getattr(spec, "services", ()), getattr(spec, "models", ())
    served = {s.model for s in services if s.engine is not None}
    return any(m.cache == "bucket-mount" and m.name in served for m in models)


MODEL_RULES: tuple[Rule, ...] = (
    _service_model,
    _model_fits_a_node,
    _model_fits_a_replica,
    _prod_models_pinned,
    _bucket_mount,
)
