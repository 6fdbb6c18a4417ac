"""The prod stacks' LLM service (`chat`: vLLM serving Qwen2.5-7B-Instruct, scaling to zero), as planned by
the stacks' own programs: the engine's pinned image and arguments, its model cache sized from the model,
its probes and route on the engine's paths, no secret in its environment, its alert rules on metrics
vLLM 0.11.0 exports; and, on a variant kept running, the KEDA triggers on the engine's own gauges. Each
fails when its piece is removed."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pulumi
import pytest

from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from lepton_infra.plan.stackfiles import load_stack
from tests.conftest import PLATFORM_STACK_DIR

PROD = ["aws-prod", "gcp-prod", "azure-prod"]
VLLM_IMAGE = (
    "docker.io/vllm/vllm-openai:v0.11.0"
    "@sha256:014a95f21c9edf6abe0aea6b07353f96baa4ec291c427bb1176dc7c93a85845c"
)
# Exported by vLLM 0.11.0 (vllm/v1/metrics/loggers.py in the release's wheel, read 2026-12-07).
VLLM_METRICS = {
    "vllm:num_requests_waiting",
    "vllm:kv_cache_usage_perc",
    "vllm:time_to_first_token_seconds",
    "vllm:inter_token_latency_seconds",
}


def one(graph: PlannedGraph, type_: str, name: str) -> RecordedResource:
    found = [r for r in graph.of_type(type_) if r.name == name]
    assert len(found) == 1, f"{type_} {name}: {len(found)} found"
    return found[0]


def chat_container(graph: PlannedGraph) -> dict[str, Any]:
    deployment = one(graph, "kubernetes:apps/v1:Deployment", "acme-ai-k8s-svc-chat-deployment")
    pod = deployment.inputs["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    return {"pod": pod, **container}


@pytest.mark.parametrize("stack", PROD)
def test_the_engine_runs_the_pinned_image_with_the_models_arguments(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    c = chat_container(plan_stack(PLATFORM_STACK_DIR, stack))
    assert c["image"] == VLLM_IMAGE
    assert c["imagePullPolicy"] == "IfNotPresent"
    assert c["command"] == ["python3", "-m", "vllm.entrypoints.openai.api_server"]
    common = ["--served-model-name", "qwen2-5-7b-instruct", "--tensor-parallel-size", "1"]
    common += ["--max-model-len", "8192", "--port", "8080"]
    if stack == "aws-prod":  # read from the bucket mount (tests/aws/test_model_store.py)
        assert c["args"] == ["--model", "/weights", *common]
    else:
        assert c["args"] == [
            "--model",
            "Qwen/Qwen2.5-7B-Instruct",
            *common,
            "--download-dir",
            "/models/huggingface",
            "--revision",
            "a09a35458c702b33eeacc393d103063234e8bc28",
        ]
    assert c["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert c["resources"]["limits"]["cpu"] == "2"
    assert c["resources"]["limits"]["memory"] == "10Gi"


@pytest.mark.parametrize("stack", PROD)
def test_the_model_cache_is_sized_from_the_model(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    """14.2 GiB of weights + 10% = a 16 GiB cache; the replica reserves it with /tmp (2) and logs (1)."""
    c = chat_container(plan_stack(PLATFORM_STACK_DIR, stack))
    volumes = {v["name"]: v for v in c["pod"]["volumes"]}
    assert volumes["model-cache"] == {"name": "model-cache", "emptyDir": {"sizeLimit": "16Gi"}}
    assert c["resources"]["requests"]["ephemeral-storage"] == "19Gi"
    assert {"name": "model-cache", "mountPath": "/models"} in c["volumeMounts"]


@pytest.mark.parametrize("stack", PROD)
def test_probes_and_routes_use_the_engines_paths(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    c = chat_container(graph)
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert c[probe]["httpGet"]["path"] == "/health"
    scaler = one(
        graph, "kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject", "acme-ai-k8s-svc-chat-http-scaler"
    )
    assert scaler.inputs["spec"]["pathPrefixes"] == ["/v1"]
    assert scaler.inputs["spec"]["replicas"] == {"min": 0, "max": 2}
    assert graph.outputs["service_endpoints"]["chat"]["url"].endswith("/v1")


@pytest.mark.parametrize("stack", PROD)
def test_no_token_or_secret_reaches_the_engines_environment(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    c = chat_container(plan_stack(PLATFORM_STACK_DIR, stack))
    env = {e["name"]: e for e in c["env"]}
    assert not {n for n in env if "TOKEN" in n or "SECRET" in n or "KEY" in n}
    assert all(set(e) == {"name", "value"} for e in c["env"])  # literal values only, no secretKeyRef
    assert env["VLLM_NO_USAGE_STATS"]["value"] == "1"
    # A non-root UID missing from the image's passwd: getpass.getuser() needs $USER (vllm#12219)
    assert env["USER"]["value"] == "vllm"
    # The Xet chunk cache would share the 16 GiB model cache with the weights (xet-core PR #579)
    assert env["HF_XET_CHUNK_CACHE_SIZE_BYTES"]["value"] == "0"


@pytest.mark.parametrize("stack", PROD)
def test_alert_rules_watch_ttft_inter_token_latency_queue_and_kv_cache(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    rule = one(
        plan_stack(PLATFORM_STACK_DIR, stack),
        "kubernetes:monitoring.coreos.com/v1:PrometheusRule",
        "acme-ai-k8s-svc-chat-engine-rules",
    )
    (group,) = rule.inputs["spec"]["groups"]
    exprs = {r["alert"]: r["expr"] for r in group["rules"]}
    assert set(exprs) == {
        "InferenceTimeToFirstTokenSlow",
        "InferenceInterTokenLatencyHigh",
        "InferenceQueueBacklog",
        "InferenceKvCacheFull",
    }
    assert "vllm:time_to_first_token_seconds_bucket" in exprs["InferenceTimeToFirstTokenSlow"]
    assert "vllm:inter_token_latency_seconds_bucket" in exprs["InferenceInterTokenLatencyHigh"]
    assert 'vllm:num_requests_waiting{namespace="serving",service="chat"}' in exprs["InferenceQueueBacklog"]
    assert "vllm:kv_cache_usage_perc" in exprs["InferenceKvCacheFull"]
    used = {m for m in VLLM_METRICS if any(m in e for e in exprs.values())}
    assert used == VLLM_METRICS


def kept_running_graph() -> PlannedGraph:
    """aws-dev with the LLM service kept running (min 1, dev allows it on spot) scaling on the engine's
    queue: the path the prod example (scaling to zero) does not take."""
    files = load_stack(PLATFORM_STACK_DIR, "aws-dev")
    config = dict(files.config)
    spec = copy.deepcopy(json.loads(config["lepton:platform"]))
    spec["models"] = [{"name": "qwen", "source": "Qwen/Qwen2.5-7B-Instruct", "size_gib": 14.2}]
    spec["services"][0]["replicas"]["max"] -= 2  # the tenant's GPU quota makes room for chat
    spec["services"].append(
        {
            "name": "chat",
            "tenant": spec["tenants"][0]["name"],
            "model": "qwen",
            "engine": {"kind": "vllm"},
            "gpu": {"type": "l4", "count": 1},
            "replicas": {"min": 1, "max": 1},
            "scaling": {"metric": "engine_queue", "target": 4},
        }
    )
    config["lepton:platform"] = json.dumps(spec)

    def program() -> None:
        from lepton_infra.platform import build
        from lepton_infra.spec import PlatformSpec

        for key, value in build(PlatformSpec.from_config()).outputs.items():
            pulumi.export(key, value)

    return plan_program(
        program, config, project=files.project, stack="aws-dev", secret_keys=files.secret_keys
    )


def test_a_service_kept_running_scales_on_the_engines_queue_and_kv_cache() -> None:
    graph = kept_running_graph()
    scaled = one(graph, "kubernetes:keda.sh/v1alpha1:ScaledObject", "acme-ai-k8s-svc-chat-scaler")
    triggers = scaled.inputs["spec"]["triggers"]
    assert [t["type"] for t in triggers] == ["prometheus", "prometheus"]  # no CPU trigger
    queries = [(t["metadata"]["query"], t["metadata"]["threshold"]) for t in triggers]
    ns = "research"
    assert queries == [
        (f'sum(vllm:num_requests_waiting{{namespace="{ns}",service="chat"}})', "4"),
        (f'sum(vllm:kv_cache_usage_perc{{namespace="{ns}",service="chat"}})', "0.8"),
    ]
    assert scaled.inputs["spec"]["minReplicaCount"] == 1
