"""The cold-start estimate over whole recorded plans (issue 30 item 5): every term of a service's estimate
from zero replicas to ready, with the figure written out by hand from lepton_infra/coldstart/figures.yaml
and lepton_infra/deploy/durations.yaml, so removing or changing a term fails here.

The shipped services declare no model (weights 0) and no image size (the 5 GB default):
  image  = 5 GB * 1000 / 58.3 MB/s = 85.76 -> 85.8 s
  engine = 10 s (one startup-probe period: a generic container's own start is unknown)
  node   = the deploy model's node pool create time: EKS 4 min = 240 s, GKE 4 min = 240 s, AKS 5 min = 300 s
  gpu    = fresh GPU node: EKS 30 s, GKE 90 s, AKS 60 s
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lepton_infra.cli.analysis import fill
from lepton_infra.coldstart.section import cold_start_section
from lepton_infra.plan.report import Report

EXPECTED = {
    # stack: (service, pool, [(term, seconds)], total, dominant)
    "aws-prod": (
        "sentiment",
        "l4-spot",
        [("node", 240.0), ("gpu", 30.0), ("image", 85.8), ("weights", 0.0), ("engine", 10.0)],
        365.8,
        "node",
    ),
    "gcp-prod": (
        "sentiment",
        "l4-spot",
        [("node", 240.0), ("gpu", 90.0), ("image", 85.8), ("weights", 0.0), ("engine", 10.0)],
        425.8,
        "node",
    ),
    "azure-prod": (
        "sentiment",
        "t4spot",
        [("node", 300.0), ("gpu", 60.0), ("image", 85.8), ("weights", 0.0), ("engine", 10.0)],
        455.8,
        "node",
    ),
}


def _service(section: dict[str, Any], name: str) -> dict[str, Any]:
    found = [s for s in section["services"] if s["service"] == name]
    assert len(found) == 1, f"{name} not in the cold_start section: {section['services']}"
    return found[0]


@pytest.mark.parametrize("stack", sorted(EXPECTED))
def test_every_term_of_a_scale_to_zero_service(plan_stack, platform_dir: Path, stack: str) -> None:
    section = cold_start_section(plan_stack(platform_dir, stack))
    assert section is not None, f"{stack}: no cold_start section"
    service, pool, terms, total, dominant = EXPECTED[stack]
    got = _service(section, service)
    assert got["pool"] == pool
    assert got["node_kept"] is False
    assert [(t["term"], t["seconds"]) for t in got["terms"]] == terms
    assert got["seconds"] == total
    assert got["dominant"] == dominant
    # every term names where its figure comes from
    assert all(t["source"] for t in got["terms"]), got["terms"]


def test_the_node_term_names_the_deploy_models_row(plan_stack, platform_dir: Path) -> None:
    section = cold_start_section(plan_stack(platform_dir, "gcp-prod"))
    assert section is not None
    node = _service(section, "sentiment")["terms"][0]
    assert node["source"].startswith("lepton_infra/deploy/durations.yaml gcp:container/nodePool:NodePool")


def test_the_report_json_carries_the_section(plan_stack, platform_dir: Path) -> None:
    graph = plan_stack(platform_dir, "aws-dev")
    report = Report(graph=graph, cloud="aws")
    fill(report)
    data = report.to_json()
    assert list(data).index("cold_start") > list(data).index("deploy")
    (sentiment,) = data["cold_start"]["services"]
    assert sentiment["service"] == "sentiment"
    assert sentiment["seconds"] == 365.8  # 240 + 30 + 85.8 + 0 + 10, as on aws-prod
    assert data["cold_start"]["figures_source"] == ("lepton_infra/coldstart/figures.yaml (read 2026-12-07)")
