"""The inference engines `services[].engine` may name, as reviewed data: the pinned image and what the
platform relies on at that version (server port, paths, Prometheus metric names, memory fraction).

vLLM v0.11.0, read 2026-12-07 from the release's wheel on PyPI (vllm-0.11.0-cp38-abi3-manylinux1_x86_64.whl):
- vllm/v1/metrics/loggers.py `PrometheusStatLogger`: the gauges `vllm:num_requests_waiting`,
  `vllm:num_requests_running`, `vllm:kv_cache_usage_perc` (0-1; `vllm:gpu_cache_usage_perc` is hidden at
  0.11 unless `--show-hidden-metrics-for-version`), the histograms `vllm:time_to_first_token_seconds`
  and `vllm:inter_token_latency_seconds`; every series labelled `model_name` (the served model name) and
  `engine`. The counters `vllm:prompt_tokens` and `vllm:generation_tokens` (prometheus_client Counters:
  exported as `vllm:prompt_tokens_total`, `vllm:generation_tokens_total`; read 2026-12-08).
- vllm/entrypoints/openai/api_server.py: `/health`, `/metrics` (mounted on the API server's port),
  `/v1/models`, `/v1/chat/completions`, `/v1/completions`.
- vllm/entrypoints/openai/cli_args.py: `port` defaults to 8000 (we always pass `--port`).
- vllm/engine/arg_utils.py: `--model`, `--revision`, `--served-model-name`, `--max-model-len`,
  `--tensor-parallel-size`, `--download-dir`.
- vllm/config/cache.py: `gpu_memory_utilization` defaults to 0.9 (weights, activations and KV cache share
  that fraction of each GPU).
- vllm/engine/arg_utils.py `EngineArgs._set_default_args` (read 2026-12-08 from the same wheel): without
  `--max-num-seqs` the OpenAI API server runs at most 256 sequences at once in its batch, or 1024 on a GPU
  with 70 GiB or more that is not an A100 (`device_memory >= 70 * GiB_bytes and "a100" not in
  device_name`); requests beyond it wait in the engine's queue (`vllm:num_requests_waiting`).
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
    prompt_tokens_metric: str  # counter (its `_total` series), prompt tokens prefilled
    generation_tokens_metric: str  # counter (its `_total` series), tokens generated
    model_label: str  # the label every series carries with the served model name
    max_num_seqs: int  # sequences the API server batches at once, by default
    max_num_seqs_large_gpu: int  # the same, on a GPU of large_gpu_min_gib or more (not large_gpu_except)
    large_gpu_min_gib: int
    large_gpu_except: str  # a device-name fragment the larger default skips

    def max_concurrent_sequences(self, gpu_model: str, gpu_memory_mib: int) -> int:
        """The engine's default batch ceiling on one GPU model (its catalog name and memory)."""
        large = (
            gpu_memory_mib >= self.large_gpu_min_gib * 1024 and self.large_gpu_except not in gpu_model.lower()
        )
        return self.max_num_seqs_large_gpu if large else self.max_num_seqs


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
    prompt_tokens_metric="vllm:prompt_tokens_total",
    generation_tokens_metric="vllm:generation_tokens_total",
    model_label="model_name",
    max_num_seqs=256,
    max_num_seqs_large_gpu=1024,
    large_gpu_min_gib=70,
    large_gpu_except="a100",
)

ENGINES: dict[str, Engine] = {VLLM.kind: VLLM}
