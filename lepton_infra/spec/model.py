"""Models as a spec concept: open weights a service's inference engine serves (`models:`), and the engine
that serves them (`services[].engine`). Pure data; the rules reading them with the rest of the spec are in
spec/model_rules.py, the engines' facts (image, metrics, arguments) in spec/engines.py."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from lepton_infra.core.spec_model import SpecModel, described
from lepton_infra.spec.base import Name

# A Hugging Face Hub repository id, `<owner>/<name>`: letters, digits, `-`, `_` and `.` in each part (a
# conservative reading of the Hub's ids; the Hub itself refuses what does not exist when the engine starts).
HUB_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$"
ModelSource = Annotated[
    str,
    StringConstraints(
        max_length=512,
        pattern=described(
            HUB_ID_PATTERN,
            "a Hugging Face Hub id `<owner>/<name>`, e.g. `Qwen/Qwen2.5-7B-Instruct`",
        ),
    ),
]

# A Hub revision: a branch or tag name, or a commit hash (git ref characters, no `..`, spaces or `~^:`).
Revision = Annotated[
    str,
    StringConstraints(
        max_length=128,
        pattern=described(
            r"^[A-Za-z0-9][A-Za-z0-9._/-]*$",
            "a branch, tag or commit of the Hub repository, e.g. `main` or a 40-hex commit",
        ),
    ),
]


class ModelSpec(SpecModel):
    name: Name = Field(
        description="Model name, unique in the platform; services refer to it (`services[].model`)."
    )
    source: ModelSource = Field(
        description="Where the weights come from: a Hugging Face Hub id `<owner>/<name>`, downloaded by "
        "the engine into the replica's model cache when it starts (over HTTPS, which tenants' egress "
        "allows). Only ungated repositories: a gated one needs a Hub token, which the platform does not "
        "deliver yet, and the engine would fail to start (docs/llm-serving.md). The model bucket as a "
        "source (hydrated once, mounted read-only) is not built yet.",
    )
    revision: Revision | None = Field(
        default=None,
        description="Hub revision to serve (`--revision`): a commit hash pins the exact weights, a branch "
        "or tag can move. In prod it must be a commit (the full 40-hex hash): every replica downloads the "
        "model when it starts, and under a moving name replicas started on different days would serve "
        "different weights. Default: the repository's `main` branch (refused in prod).",
    )
    size_gib: float = Field(
        gt=0,
        le=4096,
        description="Size of the weights in GiB as stored (the sum of the safetensors files). Sizes the "
        "model cache and decides which GPUs can hold the model: it must fit in 90% of one replica's GPU "
        "memory (vLLM's default `gpu_memory_utilization`), which also holds the KV cache.",
    )
    cache: Literal["node-disk", "bucket-mount"] = Field(
        default="node-disk",
        description="Where replicas read the weights from. `node-disk`: each replica downloads them from "
        "the Hub into its node's boot disk when it starts (no cost beyond the pool's disk, a Hub download "
        "at every start). `bucket-mount`: a Job copies the revision once into the tenant's prefix of the "
        "model bucket (`tenants/<tenant>/models/<name>/<revision>/`) and replicas read it through a "
        "read-only mount with a node-local cache the size of the model (AWS only today: Mountpoint for "
        "Amazon S3; needs a full commit `revision`). Costs the bucket's storage of one copy per tenant "
        "and revision. Default: node-disk.",
    )


class EngineSpec(SpecModel):
    kind: Literal["vllm"] = Field(
        description="The inference engine: `vllm`, its OpenAI-compatible server at the version pinned "
        "in spec/engines.py. It serves the service's `model` on the service's `port` (`/v1/...`, health "
        "at `/health`, Prometheus metrics at `/metrics`), with tensor parallelism over the replica's GPUs "
        "(`--tensor-parallel-size` = `gpu.count`).",
    )
    max_model_len: int = Field(
        default=8192,
        ge=256,
        le=1048576,
        description="Longest context (prompt + output tokens) a request may use (`--max-model-len`). The "
        "engine reserves KV cache for at least one sequence of this length beside the weights and "
        "refuses to start if it does not fit; a model's own limit (often 32k-128k) rarely fits a 24 GB "
        "GPU with an 8B model. Default 8192.",
    )
    served_model_name: Name | None = Field(
        default=None,
        description="The model name clients send in the OpenAI `model` field (`--served-model-name`), "
        "also the `model_name` label of the engine's metrics. Default: the model's `name`.",
    )


EngineKind = Literal["vllm"]
