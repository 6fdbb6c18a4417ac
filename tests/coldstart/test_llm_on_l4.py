"""docs/cold-start.md's figure: an 8B-parameter model (~16 GiB of bf16 weights) served by vLLM on one L4, from
zero replicas, worked out here by hand from lepton_infra/coldstart/figures.yaml. The model's size reaches the
estimate only through `weights_to_load`, which returns None for every service today; the test gives it a
literal size, as the serving work's `models:` will.

  weights = 16 GiB = 17,179,869,184 B / 1,250 MB/s (g6.xlarge / g2-standard-4 network, 10 Gbps) = 13.7 s
  image   = vllm/vllm-openai, 12 GB compressed (vllm-project/vllm#27154, 2025-10-18): 12,000 / 58.3 = 205.8 s
            on EKS; streamed from Docker Hub on a GKE GPU pool: 2 s
  engine  = vLLM's own start: 60 s
"""

from __future__ import annotations

import pytest

from lepton_infra.coldstart import WeightsToLoad, estimate
from lepton_infra.coldstart.estimate import cold_start
from lepton_infra.spec import PlatformSpec
from tests.conftest import shipped_spec

EIGHT_B_BF16 = 16 * 2**30  # 8e9 parameters x 2 bytes, as the hub lists such a model: about 16 GiB
VLLM_IMAGE = "docker.io/vllm/vllm-openai:v0.11.0"


@pytest.fixture
def eight_b_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(estimate, "weights_to_load", lambda spec, svc: WeightsToLoad(EIGHT_B_BF16, "bucket"))


def _llm_on_l4(stack: str, **pool: object) -> list[tuple[str, float]]:
    raw = shipped_spec(stack)
    raw["services"][0].update(image=VLLM_IMAGE, image_size_gb=12)
    raw["node_pools"][1].update(pool)  # l4-spot
    spec = PlatformSpec.from_dict(raw)
    result = cold_start(spec, spec.services[0])
    assert result.dominant == max(result.terms, key=lambda t: t.seconds).term
    return [(t.term, t.seconds) for t in result.terms] + [("total", result.seconds), (result.dominant, -1)]


def test_eks_from_zero(eight_b_model: None) -> None:
    assert _llm_on_l4("aws-dev") == [
        ("node", 240.0),
        ("gpu", 30.0),
        ("image", 205.8),
        ("weights", 13.7),
        ("engine", 60.0),
        ("total", 549.5),  # 9.2 minutes
        ("node", -1),
    ]


def test_gke_from_zero_streams_the_image(eight_b_model: None) -> None:
    assert _llm_on_l4("gcp-dev") == [
        ("node", 240.0),
        ("gpu", 90.0),
        ("image", 2.0),
        ("weights", 13.7),
        ("engine", 60.0),
        ("total", 405.7),  # 6.8 minutes
        ("node", -1),
    ]


def test_gke_with_a_node_kept(eight_b_model: None) -> None:
    # min 1 (not spot: spot pools must have min 0): no node, no GPU setup; the image still streams.
    assert _llm_on_l4("gcp-dev", min=1, spot=False) == [
        ("node", 0.0),
        ("gpu", 0.0),
        ("image", 2.0),
        ("weights", 13.7),
        ("engine", 60.0),
        ("total", 75.7),
        ("engine", -1),
    ]


def test_a_kept_node_reads_a_filled_nvme_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    # 17,179,869,184 B / 660 MB/s (one 375 GB Local SSD's read) = 26.0 s; on a fresh node the cache is
    # empty and the bucket's 1,250 MB/s applies (13.7 s, above).
    monkeypatch.setattr(estimate, "weights_to_load", lambda spec, svc: WeightsToLoad(EIGHT_B_BF16, "nvme"))
    kept = _llm_on_l4("gcp-dev", min=1, spot=False)
    assert kept[3] == ("weights", 26.0)
    assert _llm_on_l4("gcp-dev")[3] == ("weights", 13.7)


def test_without_a_model_the_weight_term_is_zero() -> None:
    raw = shipped_spec("gcp-dev")
    spec = PlatformSpec.from_dict(raw)
    (weights,) = [t for t in cold_start(spec, spec.services[0]).terms if t.term == "weights"]
    assert (weights.seconds, weights.detail) == (0.0, "no model declared (services[].model)")


def test_a_generic_containers_start_is_the_startup_probe_period() -> None:
    from lepton_infra.coldstart.figures import figure
    from lepton_infra.kubernetes.serving.workload import probes

    period = probes("/healthz")["startupProbe"]["periodSeconds"]
    assert figure("engine_start_seconds", "container").value == period == 10
