"""An LLM service scaling from zero scales on requests in flight, not their rate (issue 30): the prod
stacks' `chat` (vLLM 0.11.0 on one L4 or A10, replicas.min 0) gets an HTTPScaledObject on
`scalingMetric.concurrency` with the engine's batch ceiling as target, 256 (vLLM 0.11.0
vllm/engine/arg_utils.py `_set_default_args`, the OpenAI API server on a GPU under 70 GiB); any other
service keeps request rate; both validate against the add-on's CRD at the pinned chart (0.15.0). The
ceiling follows the GPU as vLLM's does: 1024 on an H100, 256 on an A100 80GB (its exception)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec.engines import VLLM
from tests.conftest import PLATFORM_STACK_DIR
from tests.kubernetes.crd_schemas import validate_cr
from tests.kubernetes.manifests import manifest
from tests.stacks.test_llm_service import PROD, one

HTTP_SCALED_OBJECT = "kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject"


@pytest.mark.parametrize("stack", PROD)
def test_the_engine_scales_from_zero_on_requests_in_flight(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    chat = one(graph, HTTP_SCALED_OBJECT, "acme-ai-k8s-svc-chat-http-scaler")
    assert chat.inputs["spec"]["scalingMetric"] == {"concurrency": {"targetValue": 256}}
    sentiment = one(graph, HTTP_SCALED_OBJECT, "acme-ai-k8s-svc-sentiment-http-scaler")
    assert set(sentiment.inputs["spec"]["scalingMetric"]) == {"requestRate"}
    for r in (chat, sentiment):
        validate_cr(manifest(r), "keda-add-ons-http-0.15.0")


@pytest.mark.parametrize(
    "model, memory_mib, ceiling",
    [
        ("NVIDIA L4", 22888, 256),
        ("NVIDIA L40S", 45776, 256),
        ("NVIDIA A100 80GB", 81920, 256),  # vLLM keeps A100s at the smaller default (its PR #17885)
        ("NVIDIA H100 80GB", 81920, 1024),
        ("NVIDIA H200 141GB", 144384, 1024),
    ],
)
def test_the_batch_ceiling_follows_the_gpu_as_vllm_decides_it(
    model: str, memory_mib: int, ceiling: int
) -> None:
    assert VLLM.max_concurrent_sequences(model, memory_mib) == ceiling
