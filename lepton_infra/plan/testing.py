"""The plan engine as pytest fixtures (registered by the repository's tests/conftest.py).

`plan_stack(dir, stack)` is cached for the whole session: each shipped stack is planned once and shared.
`plan_program(fn, config)` runs a fresh program each call.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.plan.engine import plan_program as _plan_program
from lepton_infra.plan.engine import plan_stack as _plan_stack
from lepton_infra.plan.record import PlannedGraph

_STACK_CACHE: dict[tuple[str, str], PlannedGraph] = {}


def cached_stack_plan(directory: str | Path, stack: str) -> PlannedGraph:
    key = (str(Path(directory).resolve()), stack)
    if key not in _STACK_CACHE:
        _STACK_CACHE[key] = _plan_stack(directory, stack)
    return _STACK_CACHE[key]


@pytest.fixture(scope="session")
def plan_stack() -> Callable[[str | Path, str], PlannedGraph]:
    return cached_stack_plan


@pytest.fixture
def plan_program() -> Callable[..., PlannedGraph]:
    def run(fn: Callable[[], Any], config: dict[str, Any] | None = None, **kwargs: Any) -> PlannedGraph:
        return _plan_program(fn, config, **kwargs)

    return run
