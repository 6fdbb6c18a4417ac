"""An inference engine's side of a service, as data: the container's command and environment, the KEDA
triggers on the engine's own metrics, and the alert rules on its latency, queue and KV cache. Pure; the
engine's facts (metric names, paths, image) are the reviewed table in spec/engines.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lepton_infra.kubernetes.observability.alerts import AlertRule, prometheus_rule_spec
from lepton_infra.kubernetes.serving.workload import MODEL_CACHE_PATH
from lepton_infra.spec.engines import Engine

RULE_GROUP = "lepton-inference-engines"
# Scale out when the replicas' KV cache is this full on average: past it the engine preempts requests
# (recomputes or swaps them) instead of admitting new ones, and latency climbs.
KV_CACHE_SCALE_AT = 0.8
# Alert thresholds: a first token after 5 s, or 250 ms between tokens (p95 over 10 minutes), is slower
# than an interactive chat can hide; a queue waiting 10 minutes means the replicas are at max.
TTFT_P95_SECONDS = 5
INTER_TOKEN_P95_SECONDS = 0.25
KV_CACHE_ALERT_AT = 0.95


@dataclass(frozen=True)
class EngineLaunch:
    """What the service's container runs for its engine: the command, its arguments and environment."""

    engine: Engine
    hub_id: str
    revision: str | None
    served_name: str
    tensor_parallel: int
    max_model_len: int
    port: int
    model_path: str | None = None  # the weights mounted here (bucket mount): read from disk, not the Hub

    def command(self) -> list[str]:
        # The OpenAI-compatible server module (vllm/entrypoints/openai/api_server.py `__main__` at the
        # pinned version), named explicitly rather than relying on the image's entrypoint.
        return ["python3", "-m", "vllm.entrypoints.openai.api_server"]

    def args(self) -> list[str]:
        args = [
            "--model",
            self.model_path or self.hub_id,
            "--served-model-name",
            self.served_name,
            "--tensor-parallel-size",
            str(self.tensor_parallel),
            "--max-model-len",
            str(self.max_model_len),
            "--port",
            str(self.port),
        ]
        if self.model_path:
            return args  # the revision is the mounted directory's
        # The Hub client downloads into the model cache volume (the root filesystem is read-only).
        args += ["--download-dir", f"{MODEL_CACHE_PATH}/huggingface"]
        if self.revision:
            args += ["--revision", self.revision]
        return args

    def env(self) -> list[dict[str, str]]:
        # vLLM reports usage statistics to its maintainers unless told not to (vllm/envs.py
        # VLLM_NO_USAGE_STATS); a platform's workloads do not phone home.
        return [
            {"name": "VLLM_NO_USAGE_STATS", "value": "1"},
            {"name": "DO_NOT_TRACK", "value": "1"},
            # The pod runs as a UID the image's /etc/passwd does not list: PyTorch's compile cache asks
            # getpass.getuser(), which reads $USER first and otherwise fails with "uid not found"
            # (vllm-project/vllm#12219, a crash at start under a non-root runAsUser; deploy review
            # 2026-12-08, unverified on v0.11.0's image).
            {"name": "USER", "value": "vllm"},
            # The Hub's Xet client keeps a chunk cache under $HF_HOME/xet, on the same sized volume as the
            # weights (10 GB by default in hf_xet releases of autumn 2025: huggingface/xet-core PR #579);
            # off, so the model cache holds the weights and nothing else.
            {"name": "HF_XET_CHUNK_CACHE_SIZE_BYTES", "value": "0"},
            # Mounted weights: the Hub client never goes online (huggingface_hub `HF_HUB_OFFLINE`), so a
            # replica depends on the bucket alone, never on the Hub being reachable.
            *([{"name": "HF_HUB_OFFLINE", "value": "1"}] if self.model_path else []),
        ]


def engine_selector(namespace: str, service: str) -> str:
    """The series of one service's replicas: `namespace` and `service` come from the ServiceMonitor's
    scrape of the service's Service."""
    return f'namespace="{namespace}",service="{service}"'


def engine_triggers(
    engine: Engine, namespace: str, service: str, waiting_per_replica: float, prometheus_url: str
) -> list[dict[str, Any]]:
    """KEDA Prometheus triggers on the engine's own gauges, for a service kept running (min ≥ 1): requests
    waiting for a place in the running batch, per replica (`scaling.target`), and the replicas' KV cache
    usage (0-1) past KV_CACHE_SCALE_AT on average. Both are AverageValue metrics: KEDA divides the sum
    by the replicas. No CPU trigger: the engine's loop keeps a core busy whatever the load."""
    selector = engine_selector(namespace, service)

    def trigger(query: str, threshold: str) -> dict[str, Any]:
        return {
            "type": "prometheus",
            "metadata": {
                "serverAddress": prometheus_url,
                "query": query,
                "threshold": threshold,
                "activationThreshold": "0",
            },
        }

    return [
        trigger(f"sum({engine.queue_metric}{{{selector}}})", f"{waiting_per_replica:g}"),
        trigger(f"sum({engine.kv_cache_metric}{{{selector}}})", f"{KV_CACHE_SCALE_AT:g}"),
    ]


def engine_alert_rules(engine: Engine, namespace: str, service: str) -> list[AlertRule]:
    """One service's: time to first token, inter-token latency, queue and KV cache (its replicas' series,
    selected by the scrape's `namespace` and `service` labels)."""
    by = "by (namespace, service)"
    sel = "{" + engine_selector(namespace, service) + "}"

    def p95(metric: str) -> str:
        return f"histogram_quantile(0.95, sum by (namespace, service, le) (rate({metric}_bucket{sel}[10m])))"

    return [
        AlertRule(
            name="InferenceTimeToFirstTokenSlow",
            expr=f"{p95(engine.ttft_metric)} > {TTFT_P95_SECONDS}",
            for_="10m",
            severity="warning",
            summary="Slow time to first token",
            description="p95 time to first token of {{ $labels.namespace }}/{{ $labels.service }} is "
            "{{ $value }}s: prompts wait for prefill (long prompts, a full batch, or too few replicas).",
        ),
        AlertRule(
            name="InferenceInterTokenLatencyHigh",
            expr=f"{p95(engine.inter_token_metric)} > {INTER_TOKEN_P95_SECONDS}",
            for_="10m",
            severity="warning",
            summary="Slow token generation",
            description="p95 inter-token latency of {{ $labels.namespace }}/{{ $labels.service }} is "
            "{{ $value }}s: the batch is too large for the GPU, or prefills interrupt decoding.",
        ),
        AlertRule(
            name="InferenceQueueBacklog",
            expr=f"sum {by} ({engine.queue_metric}{sel}) > 0",
            for_="10m",
            severity="warning",
            summary="Requests keep waiting in the engine's queue",
            description="{{ $value }} requests of {{ $labels.namespace }}/{{ $labels.service }} have been "
            "waiting for 10 minutes: the replicas are at max, or the autoscaler cannot place new ones.",
        ),
        AlertRule(
            name="InferenceKvCacheFull",
            expr=f"avg {by} ({engine.kv_cache_metric}{sel}) > {KV_CACHE_ALERT_AT}",
            for_="10m",
            severity="warning",
            summary="KV cache nearly full",
            description="The KV cache of {{ $labels.namespace }}/{{ $labels.service }} is {{ $value }} "
            "full on average: the engine preempts requests; add replicas or lower max_model_len.",
        ),
    ]


def engine_rule_spec(engine: Engine, namespace: str, service: str) -> dict[str, Any]:
    return prometheus_rule_spec(engine_alert_rules(engine, namespace, service), RULE_GROUP)
