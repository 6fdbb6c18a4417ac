"""The plan engine as pytest fixtures (registered by the repository's tests/conftest.py).

`plan_stack(dir, stack)` is cached for the whole test run: each stack is planned once and shared, also
between pytest-xdist workers (the first worker to ask plans it, the others wait for it and read its
result from a folder the run makes and removes). `plan_program(fn, config)` runs a fresh program each call.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.plan.engine import plan_program as _plan_program
from lepton_infra.plan.engine import plan_stack as _plan_stack
from lepton_infra.plan.record import PlannedGraph

# The folder shared by the run's processes: set by the controlling process before its workers start
# (they inherit the environment), removed when the run ends.
SHARED_PLANS_ENV = "LEPTON_TEST_SHARED_PLANS"

_STACK_CACHE: dict[tuple[str, str], PlannedGraph] = {}


def cached_stack_plan(directory: str | Path, stack: str) -> PlannedGraph:
    key = (str(Path(directory).resolve()), stack)
    if key not in _STACK_CACHE:
        _STACK_CACHE[key] = _shared_plan(key)
    return _STACK_CACHE[key]


def _shared_plan(key: tuple[str, str]) -> PlannedGraph:
    shared = os.environ.get(SHARED_PLANS_ENV)
    if not shared or sys.platform == "win32" or not Path(shared).is_dir():  # no flock: plan here
        return _plan_stack(*key)
    stem = Path(shared) / hashlib.sha256("\0".join(key).encode()).hexdigest()[:24]
    with _exclusive(stem.with_suffix(".lock")):
        saved = stem.with_suffix(".pickle")
        if saved.exists():
            return pickle.loads(saved.read_bytes())
        graph = _plan_stack(*key)
        partial = stem.with_suffix(".partial")
        partial.write_bytes(pickle.dumps(graph, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(saved)
        return graph


@contextmanager
def _exclusive(lock: Path) -> Iterator[None]:
    import fcntl  # POSIX only (the caller checks)

    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput") or os.environ.get(SHARED_PLANS_ENV):
        return  # a worker (it inherited the folder), or a run inside a run that already made one
    folder = tempfile.mkdtemp(prefix="lepton-plans-")
    os.environ[SHARED_PLANS_ENV] = folder
    config.stash[_FOLDER] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_FOLDER, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(SHARED_PLANS_ENV, None)


_FOLDER = pytest.StashKey[str]()


@pytest.fixture(scope="session")
def plan_stack() -> Callable[[str | Path, str], PlannedGraph]:
    return cached_stack_plan


@pytest.fixture
def plan_program() -> Callable[..., PlannedGraph]:
    def run(fn: Callable[[], Any], config: dict[str, Any] | None = None, **kwargs: Any) -> PlannedGraph:
        return _plan_program(fn, config, **kwargs)

    return run
