"""docs/multi-node-training.md shows each train stack's idle and max monthly cost as its plan computes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lepton_infra.cost import estimate_cost

PAGE = Path(__file__).resolve().parents[2] / "docs" / "multi-node-training.md"


@pytest.mark.parametrize("stack", ["aws-train", "gcp-train", "azure-train"])
def test_the_training_page_shows_the_plans_idle_and_max_cost(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    cost = estimate_cost(plan_stack(platform_dir, stack)).to_json()
    page = PAGE.read_text()
    for key in ("monthly_usd_idle", "monthly_usd_max"):
        assert f"${cost[key]:,.2f}" in page, f"{PAGE.name} should show {stack}'s ${cost[key]:,.2f}"
