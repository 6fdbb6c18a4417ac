"""The shipped Azure stacks' plans, shared by the tests of this folder (each stack planned once a run)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.plan.record import PlannedGraph


@pytest.fixture(scope="module", params=["azure-dev", "azure-prod"])
def graph(
    request: pytest.FixtureRequest, plan_stack: Callable[..., PlannedGraph], platform_dir: Path
) -> PlannedGraph:
    return plan_stack(platform_dir, request.param)


@pytest.fixture(scope="module")
def prod(plan_stack: Callable[..., PlannedGraph], platform_dir: Path) -> PlannedGraph:
    return plan_stack(platform_dir, "azure-prod")


@pytest.fixture(scope="module")
def dev(plan_stack: Callable[..., PlannedGraph], platform_dir: Path) -> PlannedGraph:
    return plan_stack(platform_dir, "azure-dev")
