"""The prod stacks' `chat` (Qwen2.5-7B-Instruct on vLLM, scaling to zero) over whole recorded plans: each
term of its cold start from zero replicas, written out by hand from lepton_infra/coldstart/figures.yaml and
lepton_infra/deploy/durations.yaml, so a removed or changed term fails here (issue 30 items 2 and 5).

  weights = 14.2 GiB = 15,247,133,901 B: on aws-prod read from the model bucket through Mountpoint for S3
            (cache kind `bucket`), elsewhere from the Hub into the node disk (cache kind `hub`, every
            replica downloads at start), both at the machine's network figure: 15,247.1 MB / 1250 MB/s
            (g6.xlarge, g2-standard-4) = 12.2 s; / 1000 MB/s (the Azure row, Standard_NC4as_T4_v3) = 15.2 s
  image   = vLLM's image, 12 GB: 12,000 MB / 58.3 MB/s = 205.8 s; gcp-prod's l4-spot pool streams it: 2 s
  engine  = vLLM's start after the weights: 60 s
  node    = the deploy model's pool create time: EKS and GKE 240 s, AKS 300 s
  gpu     = fresh GPU node: EKS 30 s, GKE 90 s, AKS 60 s
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lepton_infra.coldstart.section import cold_start_section

EXPECTED = {
    # stack: (pool, [(term, seconds)], total)
    "aws-prod": (
        "l4-spot",
        [("node", 240.0), ("gpu", 30.0), ("image", 205.8), ("weights", 12.2), ("engine", 60.0)],
        548.0,
    ),
    "gcp-prod": (
        "l4-spot",
        [("node", 240.0), ("gpu", 90.0), ("image", 2.0), ("weights", 12.2), ("engine", 60.0)],
        404.2,
    ),
    "azure-prod": (
        "a10spot",
        [("node", 300.0), ("gpu", 60.0), ("image", 205.8), ("weights", 15.2), ("engine", 60.0)],
        641.0,
    ),
}


@pytest.mark.parametrize("stack", sorted(EXPECTED))
def test_every_term_of_the_chat_cold_start(plan_stack, platform_dir: Path, stack: str) -> None:
    section = cold_start_section(plan_stack(platform_dir, stack))
    assert section is not None, f"{stack}: no cold_start section"
    found = [s for s in section["services"] if s["service"] == "chat"]
    assert len(found) == 1, f"{stack}: chat not in the cold_start section"
    (chat,) = found
    pool, terms, total = EXPECTED[stack]
    assert chat["pool"] == pool
    assert chat["node_kept"] is False
    assert [(t["term"], t["seconds"]) for t in chat["terms"]] == terms
    assert chat["seconds"] == total
    # The node dominates on every cloud; the weights are the smallest term but GKE's streamed image.
    assert chat["dominant"] == "node"
    weights = next(t for t in chat["terms"] if t["term"] == "weights")
    if stack == "aws-prod":
        # Read through Mountpoint for S3 from the model bucket (models[].cache: bucket-mount), which takes
        # the node's network bandwidth by default.
        assert weights["detail"] == "14.2 GiB from the bucket / 1250 MB/s"
        assert "Mountpoint for Amazon S3" in weights["source"]
        return
    # Elsewhere each replica downloads from the Hub: the figure is a lower bound.
    assert weights["detail"].startswith("14.2 GiB from the hub / ")
    assert weights["source"].startswith("lower bound: the model hub publishes no download throughput")
