"""The inference engines' Grafana dashboard (issue 30): the prod stacks run vLLM (`chat`), so each
provisions one labelled ConfigMap in `monitoring` the Grafana sidecar of the pinned kube-prometheus-stack
loads (the release's `grafana.sidecar.dashboards.label`, as for the GPU dashboard), with panels for time to
first token, inter-token latency, queue depth, KV cache usage and tokens per second. Every metric an
expression reads is one vLLM 0.11.0 exports (the table below, from vllm/v1/metrics/loggers.py
`PrometheusStatLogger` in the release's wheel, read 2026-12-08; counters carry prometheus_client's `_total`,
histograms are read through `_bucket`). A stack without an engine gets none."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.plan.record import PlannedGraph
from tests.conftest import PLATFORM_STACK_DIR
from tests.stacks.test_llm_service import PROD, one

CONFIG_MAP = "kubernetes:core/v1:ConfigMap"
RELEASE = "kubernetes:helm.sh/v3:Release"
NAME = "acme-ai-k8s-observability-vllm-dashboard"
# vLLM 0.11.0's series (loggers.py): gauges as named, counters with `_total`, histograms with `_bucket`.
VLLM_0_11_SERIES = {
    "vllm:num_requests_running",
    "vllm:num_requests_waiting",
    "vllm:kv_cache_usage_perc",
    "vllm:prompt_tokens_total",
    "vllm:generation_tokens_total",
    "vllm:num_preemptions_total",
    "vllm:time_to_first_token_seconds_bucket",
    "vllm:inter_token_latency_seconds_bucket",
    "vllm:e2e_request_latency_seconds_bucket",
    "vllm:request_queue_time_seconds_bucket",
}
METRIC = re.compile(r"vllm:[a-z_]+")


@pytest.mark.parametrize("stack", PROD)
def test_the_engine_dashboard_is_loaded_by_the_grafana_sidecar_on_exported_metrics(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    cm = one(graph, CONFIG_MAP, NAME).inputs
    assert cm["metadata"]["namespace"] == "monitoring"
    (kps,) = [r for r in graph.of_type(RELEASE) if r.name.endswith("kube-prometheus-stack")]
    sidecar = kps.inputs["values"]["grafana"]["sidecar"]["dashboards"]
    assert cm["metadata"]["labels"][sidecar["label"]] == sidecar["labelValue"] == "1"
    dashboard = json.loads(cm["data"]["lepton-inference-vllm.json"])
    titles = [p["title"] for p in dashboard["panels"]]
    assert titles == [
        "Time to first token",
        "Inter-token latency",
        "Requests waiting / running",
        "KV cache usage",
        "Tokens per second",
    ]
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    assert len(exprs) == 9  # p50 and p95 of each histogram, two series of the queue and the tokens
    read = {m for e in exprs for m in METRIC.findall(e)}
    assert read <= VLLM_0_11_SERIES, read - VLLM_0_11_SERIES
    assert read == {
        "vllm:time_to_first_token_seconds_bucket",
        "vllm:inter_token_latency_seconds_bucket",
        "vllm:num_requests_waiting",
        "vllm:num_requests_running",
        "vllm:kv_cache_usage_perc",
        "vllm:generation_tokens_total",
        "vllm:prompt_tokens_total",
    }
    # One service at a time, by the labels the services' ServiceMonitor scrape sets.
    assert all('namespace=~"$namespace",service=~"$service"' in e for e in exprs)
    variables = [v["name"] for v in dashboard["templating"]["list"]]
    assert variables == ["datasource", "namespace", "service"]
    for v in dashboard["templating"]["list"][1:]:
        assert set(METRIC.findall(v["query"])) <= VLLM_0_11_SERIES


def test_a_stack_without_an_engine_has_no_engine_dashboard(
    plan_stack: Callable[[Path, str], PlannedGraph],
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, "aws-dev")
    names = {r.name for r in graph.of_type(CONFIG_MAP)}
    if "acme-ai-k8s-observability-gpu-dashboard" not in names:
        pytest.skip("aws-dev plans no observability stack: nothing to compare with")
    assert not any(n.endswith("-vllm-dashboard") for n in names)
