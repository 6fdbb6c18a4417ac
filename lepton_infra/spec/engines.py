"""The inference engines `services[].engine` may name, as reviewed data: the pinned image and what the
platform relies on at that version (server port, paths, Prometheus metric names, memory fraction).

vLLM v0.11.0, read 2026-12-07 from the release's wheel on PyPI (vllm-0.11.0-cp38-abi3-manylinux1_x86_64.whl):
- vllm/v1/metrics/loggers.py `PrometheusStatLogger`: the gauges `vllm:num_requests_waiting`,
  `vllm:num_requests_running`, `vllm:kv_cache_usage_perc` (0-1; `vllm:gpu_cache_usage_perc` is hidden at
  0.11 unless `--show-hidden-metrics-for-version`), the histograms `vllm:time_to_first_token_seconds`
  and `vllm:inter_token_latency_seconds`; every series labelled `model_name` (the served model name) and
  `engine`.
- vllm/entrypoints/openai/api_server.py: `/health`, `/metrics` (mounted on the API server's port),
  `/v1/models`, `/v1/chat/completions`, `/v1/completions`.
- vllm/entrypoints/openai/cli_args.py: `port` defaults to 8000 (we always pass `--port`).
- vllm/engine/arg_utils.py: `--model`, `--revision`, `--served-model-name`, `--max-model-len`,
  `--tensor-parallel-size`, `--download-dir`.
- vllm/config/cache.py: `gpu_memory_utilization` defaults to 0.9 (weights, activations and KV cache share
  that fraction of each GPU).
The image digest: the Docker Hub registry is out of reach from where this was written; the digest is the
one three independent public repositories pin for `vllm/vllm-openai:v0.11.0` (code index, read
2026-12-07). Check it before a deploy: `crane digest docker.io/vllm/vllm-openai:v0.11.0`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Engine:
    kind: str
    version: str
    image: str  # registry/repository:tag@sha256:digest, as pods name it
    health_path: str
    api_path: str  # the path prefix the OpenAI-compatible API answers under
    metrics_path: str
    gpu_memory_utilization: float  # the fraction of each GPU the engine takes (weights + KV cache)
    queue_metric: str  # requests waiting for a slot in the running batch
    running_metric: str
    kv_cache_metric: str  # 0-1
    ttft_metric: str  # histogram, seconds
    inter_token_metric: str  # histogram, seconds
    model_label: str  # the label every series carries with the served model name


VLLM = Engine(
    kind="vllm",
    version="v0.11.0",
    image="docker.io/vllm/vllm-openai:v0.11.0@sha256:014a95f21c9edf6abe0aea6b07353f96baa4ec291c427bb1176dc7c93a85845c",
    health_path="/health",
    api_path="/v1",
    metrics_path="/metrics",
    gpu_memory_utilization=0.9,
    queue_metric="vllm:num_requests_waiting",
    running_metric="vllm:num_requests_running",
    kv_cache_metric="vllm:kv_cache_usage_perc",
    ttft_metric="vllm:time_to_first_token_seconds",
    inter_token_metric="vllm:inter_token_latency_seconds",
    model_label="model_name",
)

ENGINES: dict[str, Engine] = {VLLM.kind: VLLM}
