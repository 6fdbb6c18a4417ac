"""`models:` and `services[].engine`: what the spec accepts, what it refuses (naming the field), and the
typed accessor the rest of the platform reads (size in bytes, cache kind and size)."""

from __future__ import annotations

from typing import Any

import pytest

from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.resolved import resolve
from lepton_infra.spec.served_model import CacheKind
from tests.conftest import shipped_spec, spec_problems

QWEN = {"name": "qwen-7b", "source": "Qwen/Qwen2.5-7B-Instruct", "size_gib": 14.2}


def llm_spec(**service: Any) -> dict[str, Any]:
    """aws-dev with a 7B model served by vLLM on its l4-spot pool (tenant research)."""
    raw = shipped_spec("aws-dev")
    raw["models"] = [dict(QWEN)]
    raw["services"].append(
        {
            "name": "chat",
            "tenant": "research",
            "model": "qwen-7b",
            "engine": {"kind": "vllm"},
            "gpu": {"type": "l4", "count": 1},
            **service,
        }
    )
    return raw


def test_an_engine_service_is_accepted_and_resolves_its_model() -> None:
    raw = llm_spec()
    assert spec_problems(raw) == {}
    resolved = resolve(PlatformSpec.from_dict(raw))
    served = resolved.served_model("chat")
    assert served is not None
    assert served.size_bytes == 15247133901  # 14.2 × 2**30, rounded
    assert served.cache_kind is CacheKind.NODE_DISK
    assert served.cache_gib == 16  # 14.2 GiB + 10%, rounded up
    assert served.tensor_parallel == 1
    assert served.max_model_len == 8192
    assert served.served_name == "qwen-7b"
    assert resolved.served_model("sentiment") is None  # its own image, no engine


@pytest.mark.parametrize(
    ("change", "path", "why"),
    [
        ({"model": "llama"}, "services[1].model", "no model of that name"),
        ({"gpu": None}, "services[1].engine", "runs on GPUs"),
        ({"image": "ghcr.io/acme/x:1"}, "services[1].image", "decided by the engine"),
        ({"predict_path": "/x"}, "services[1].predict_path", "decided by the engine"),
        ({"model_cache_gb": 40}, "services[1].model_cache_gb", "decided by the engine"),
        ({"scaling": {"metric": "engine_queue"}}, "services[1].scaling.metric", "at zero replicas"),
        ({"engine": {"kind": "vllm", "max_model_len": 100}}, "services[1].engine.max_model_len", ""),
        ({"engine": {"kind": "tgi"}}, "services[1].engine.kind", ""),
    ],
)
def test_bad_engine_settings_are_refused_naming_the_field(
    change: dict[str, Any], path: str, why: str
) -> None:
    problems = spec_problems(llm_spec(**change))
    assert path in problems, problems
    assert why in problems[path]


def test_a_model_without_an_engine_and_an_engine_without_a_model_are_refused() -> None:
    raw = llm_spec()
    del raw["services"][1]["engine"]
    raw["services"][1]["image"] = "ghcr.io/acme/x:1"
    assert "a model needs an engine" in spec_problems(raw)["services[1].model"]
    raw = llm_spec()
    del raw["services"][1]["model"]
    assert "none is named" in spec_problems(raw)["services[1].engine"]


def test_a_service_with_neither_image_nor_engine_is_refused() -> None:
    raw = shipped_spec("aws-dev")
    del raw["services"][0]["image"]
    assert "either its own image or an engine" in spec_problems(raw)["services[0].image"]


def test_engine_queue_needs_an_engine() -> None:
    raw = shipped_spec("aws-dev")
    raw["services"][0]["scaling"] = {"metric": "engine_queue"}
    raw["services"][0]["replicas"] = {"min": 1, "max": 2}
    assert "no engine" in spec_problems(raw)["services[0].scaling.metric"]


def test_a_model_too_large_for_the_replicas_gpus_names_the_count_to_ask_for() -> None:
    raw = llm_spec()
    raw["models"][0]["size_gib"] = 30  # an L4 leaves 20.1 GiB to the engine
    problem = spec_problems(raw)["services[1].gpu.count"]
    assert "leave 20.1 GiB" in problem
    assert "at least 3 l4 GPUs" in problem


def test_a_model_that_fits_no_node_is_refused_and_multi_node_is_said_unbuilt() -> None:
    raw = llm_spec()
    raw["models"][0]["size_gib"] = 400  # aws-dev's largest GPU node is one L4
    problem = spec_problems(raw)["models[0].size_gib"]
    assert "fits no single node" in problem
    assert "not built" in problem


@pytest.mark.parametrize(
    ("field", "value"),
    [("source", "not a hub id"), ("source", "s3://bucket/x"), ("size_gib", 0), ("revision", "a b")],
)
def test_bad_model_fields_are_refused(field: str, value: Any) -> None:
    raw = llm_spec()
    raw["models"][0][field] = value
    assert f"models[0].{field}" in spec_problems(raw)


def test_duplicate_model_names_are_refused() -> None:
    raw = llm_spec()
    raw["models"].append(dict(QWEN))
    assert "duplicate model name" in spec_problems(raw)["models[1].name"]


def test_the_model_cache_must_fit_the_node_disk() -> None:
    raw = llm_spec()
    raw["models"][0]["size_gib"] = 19  # cache 21 GiB + 33 GiB: more than a 50 GiB disk
    for pool in raw["node_pools"]:
        if pool.get("gpu"):
            pool["disk_gb"] = 50
    problem = spec_problems(raw)["services[1].model"]
    assert "needs a node disk of at least 54 GiB" in problem


QWEN_COMMIT = "a09a35458c702b33eeacc393d103063234e8bc28"  # the shipped prod stacks' pin


@pytest.mark.parametrize("revision", [None, "main", "v1.0", QWEN_COMMIT[:12], QWEN_COMMIT.upper()])
def test_prod_refuses_a_model_revision_that_is_not_a_commit(revision: str | None) -> None:
    raw = shipped_spec("aws-prod")
    assert raw["models"][0]["revision"] == QWEN_COMMIT
    if revision is None:
        del raw["models"][0]["revision"]
    else:
        raw["models"][0]["revision"] = revision
    problems = spec_problems(raw)
    assert "models[0].revision" in problems, problems
    assert "can move" in problems["models[0].revision"]
    assert "40-hex" in problems["models[0].revision"]


def test_prod_accepts_a_commit_and_other_environments_accept_a_branch() -> None:
    assert "models[0].revision" not in spec_problems(shipped_spec("aws-prod"))
    assert spec_problems(llm_spec()) == {}  # aws-dev, no revision: the main branch
    assert spec_problems(llm_spec() | {"models": [dict(QWEN, revision="main")]}) == {}


def test_a_bucket_mounted_model_needs_a_commit_in_any_environment() -> None:
    raw = llm_spec()
    raw["models"] = [dict(QWEN, cache="bucket-mount", revision="main")]
    problem = spec_problems(raw)["models[0].revision"]
    assert "copied once under its revision" in problem and "40-hex" in problem
    raw["models"] = [dict(QWEN, cache="bucket-mount", revision=QWEN_COMMIT)]
    assert spec_problems(raw) == {}
    served = resolve(PlatformSpec.from_dict(raw)).served_model("chat")
    assert served is not None and served.cache_kind is CacheKind.BUCKET_MOUNT


@pytest.mark.parametrize("stack", ["gcp-prod", "azure-prod"])
def test_the_bucket_mount_is_refused_where_it_is_not_built(stack: str) -> None:
    raw = shipped_spec(stack)
    raw["models"][0]["cache"] = "bucket-mount"
    problem = spec_problems(raw)["models[0].cache"]
    assert "built on aws only" in problem and "node-disk" in problem


def test_bad_cache_kind_is_refused() -> None:
    raw = llm_spec()
    raw["models"] = [dict(QWEN, cache="nvme")]
    assert "models[0].cache" in spec_problems(raw)
