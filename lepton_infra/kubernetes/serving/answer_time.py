"""How long an inference engine's answer may take, from its model: the one figure the interceptor's
per-service response-header timeout (the HTTPScaledObject's `spec.timeouts.responseHeader`), the routes'
request timeouts and the load balancers' idle timeouts are all derived from. Pure.

A non-streaming OpenAI request (`stream` false, the API's default) gets its response headers only when
the engine has decoded the last token: until then nothing flows back through the interceptor or the load
balancer. The longest answer is a sequence of `max_model_len` tokens (prompt and output share that limit)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from lepton_infra.kubernetes.serving.engine import INTER_TOKEN_P95_SECONDS, TTFT_P95_SECONDS
from lepton_infra.kubernetes.serving.keda import COLD_START_WAIT_SECONDS, RESPONSE_HEADER_TIMEOUT_SECONDS
from lepton_infra.spec.served_model import served_model

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec
    from lepton_infra.spec.service import ServiceSpec

# The slowest decode a replica is allowed before the platform alerts (InferenceInterTokenLatencyHigh:
# p95 inter-token latency above 0.25 s, engine.py), 4 tokens/s per sequence. For scale: an L4's 300 GB/s of
# memory bandwidth (NVIDIA L4 datasheet) reads a 7-8B model's ~15 GB of bf16 weights at most ~20 times a
# second, so one sequence decodes at <= ~20 tokens/s on an L4 and slower in a full batch; a single A100 40GB
# decodes Llama-3.1-8B at ~75 tokens/s at concurrency 1 (johnmusgrave.com "vLLM throughput-latency sweep
# on NVIDIA A100", vLLM 0.23, read 2026-12-08). Sizing at the alert threshold keeps an answer that is slow
# but not yet alerting from being cut.
DECODE_FLOOR_TOKENS_PER_SECOND = 1 / INTER_TOKEN_P95_SECONDS
# The longest answer the platform waits for, whatever the model: the interceptor's cold-start wait, this,
# and 60 s of margin must fit the strictest load-balancer limit of the three clouds, an ALB's idle timeout
# of at most 4000 s (ELB docs, "Connection idle timeout": 1-4000 s): 1200 + 2700 + 60 = 3960. A longer
# answer must stream (`stream: true`: headers come with the first token).
MAX_ANSWER_SECONDS = 2700


def engine_answer_seconds(max_model_len: int) -> int:
    """The response-header timeout of an engine serving `max_model_len`: its first token at the TTFT alert
    threshold, then `max_model_len` tokens at DECODE_FLOOR_TOKENS_PER_SECOND, rounded up to a whole minute,
    never below the platform's default (RESPONSE_HEADER_TIMEOUT_SECONDS) nor above MAX_ANSWER_SECONDS.
    8192 tokens: 5 + 2048 s, 2100 s (35 minutes)."""
    seconds = TTFT_P95_SECONDS + max_model_len / DECODE_FLOOR_TOKENS_PER_SECOND
    minutes = math.ceil(seconds / 60)
    return min(max(minutes * 60, RESPONSE_HEADER_TIMEOUT_SECONDS), MAX_ANSWER_SECONDS)


def interceptor_request_seconds(answer_seconds: int) -> int:
    """How long one request through the interceptor may take: the cold-start wait, then the answer."""
    return COLD_START_WAIT_SECONDS + answer_seconds


def service_answer_seconds(spec: PlatformSpec, svc: ServiceSpec) -> int | None:
    """A service's engine answer time (engine_answer_seconds of its `max_model_len`); None for a service
    without an engine, which keeps the platform's defaults."""
    served = served_model(spec, svc)
    return engine_answer_seconds(served.max_model_len) if served else None
