"""Run a Pulumi program in-process under mocks, exactly as `pulumi up` runs it, and record the graph.

The program's own `__main__.py` runs inside `run_in_stack`, the entry point the Python language host
uses, in update mode (not preview) so every `apply` runs. Failures inside applies fail the plan.
"""

from __future__ import annotations

import gc
import json
import os
import runpy
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_in_stack

from lepton_infra.plan.event_loop import plan_event_loop, put_away
from lepton_infra.plan.mocks import MockContext, PlausibleMocks
from lepton_infra.plan.monitor import RecordingMonitor
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from lepton_infra.plan.stack_traces import stack_traces_off
from lepton_infra.plan.stackfiles import load_stack

_one_shot = False


def one_shot_process() -> None:
    """Declare that this process plans once or twice and then exits (the CLI's `main`, a benchmark child).

    A run allocates with the collector off; afterwards every object it made (the cloud SDK's modules
    included) is young, so the first full collection later (in the report: cost, policy, deployer
    tables) would scan all of it. A process that exits soon moves them to the permanent generation
    (`gc.freeze`) and never collects them: collections look only at what the report allocates, and the
    run's garbage is reclaimed at exit. Measured on azure-prod: the report phase 1.1 s -> 0.25 s. Tests
    plan many stacks in one process and collect every COLLECT_EVERY runs (`_collect_now_and_then`)."""
    global _one_shot
    _one_shot = True


# A process that plans many times (a test worker) sets each run's objects aside and collects them every
# COLLECT_EVERY runs, at the end of a run. A generation-0 pass after each run cost about a fifth of a warm
# plan (it walks every object the run made, garbage or not); a full pass every 16 runs walks the process's
# heap once instead. Measured 2026-12-08 (one paired run of tests/journeys, stacks and invariants, three
# each): 0.84x the CPU, peak memory per worker 590 -> 785 MiB.
COLLECT_EVERY = 16
_runs_since_collect = 0


def _collect_now_and_then() -> None:
    global _runs_since_collect
    _runs_since_collect += 1
    gc.freeze()  # the run's objects: not walked by the collector until the next full pass
    if _runs_since_collect >= COLLECT_EVERY:
        _runs_since_collect = 0
        gc.unfreeze()
        gc.collect()


class PlanFailed(RuntimeError):
    """The program itself failed (an exception in the program or in an apply, or `sys.exit`).
    `location` is `file:line` of the innermost frame of the user's program, when one is found."""

    recorded_resources: list[RecordedResource]
    location: str | None = None
    exit_status: int | str | None = None  # set when the program called sys.exit()


_ENGINE_PARTS = (
    f"{os.sep}site-packages{os.sep}",
    f"{os.sep}lepton_infra{os.sep}plan{os.sep}",
    f"{os.sep}asyncio{os.sep}",
    f"{os.sep}runpy.py",
    "<frozen ",
)


def program_location(err: BaseException, program_dir: Path | None = None) -> str | None:
    """`file:line` of the innermost traceback frame in the user's program: under `program_dir` when
    given, else the innermost frame that is not the SDK's, the engine's or the standard library's."""
    frames = traceback.extract_tb(err.__traceback__)
    chained = err.__cause__ or err.__context__
    if chained is not None and chained.__traceback__ is not None:
        frames += traceback.extract_tb(chained.__traceback__)

    def mine(frame: traceback.FrameSummary) -> bool:
        if program_dir is not None:
            return Path(frame.filename).resolve().is_relative_to(program_dir)
        return not any(part in frame.filename for part in _ENGINE_PARTS)

    candidates = [f for f in frames if mine(f)]
    if not candidates:
        return None
    frame = candidates[-1]
    where = Path(frame.filename).resolve()
    cwd = Path.cwd().resolve()
    shown = where.relative_to(cwd) if where.is_relative_to(cwd) else where
    return f"{shown}:{frame.lineno}"


def plan_program(
    program: Callable[[], Any],
    config: dict[str, Any] | None = None,
    *,
    project: str = "lepton-test",
    stack: str = "test",
    secret_keys: list[str] | None = None,
) -> PlannedGraph:
    """Run `program` as a Pulumi program with `config` ("ns:key" -> value; non-strings become JSON)."""
    flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (config or {}).items()}
    return _run(program, flat, project, stack, list(secret_keys or []), None)


def plan_stack(directory: str | Path, stack: str) -> PlannedGraph:
    """Run a stack directory's own program with its `Pulumi.<stack>.yaml` config."""
    files = load_stack(directory, stack)

    def program() -> None:
        with _inside(files.directory):
            runpy.run_path(str(files.main), run_name="__main__")

    return _run(program, files.config, files.project, files.stack, files.secret_keys, files.directory)


@contextmanager
def _inside(directory: Path) -> Iterator[None]:
    """cwd and sys.path as the language host sets them for a program."""
    old_cwd = os.getcwd()
    sys.path.insert(0, str(directory))
    os.chdir(directory)
    try:
        yield
    finally:
        os.chdir(old_cwd)
        if sys.path and sys.path[0] == str(directory):
            sys.path.pop(0)


def _run(
    program: Callable[[], Any],
    config: dict[str, str],
    project: str,
    stack: str,
    secret_keys: list[str],
    program_dir: Path | None,
) -> PlannedGraph:
    disabled = _disabled_default_providers(config)
    monitor = RecordingMonitor(PlausibleMocks(MockContext.from_config(config)), disabled)
    loop = plan_event_loop()
    completed = False
    gc_was_enabled = gc.isenabled()
    gc.disable()  # measured: nearly halves per-resource cost; the run is short-lived
    try:
        pulumi_settings.ROOT.set(None)
        set_all_config(config, secret_keys)
        pulumi.runtime.set_mocks(monitor.mocks, project=project, stack=stack, preview=False, monitor=monitor)
        pulumi_settings.ROOT.set(None)  # run_in_stack creates the real root, as the language host does
        pulumi_settings.SETTINGS.outputs.clear()  # type: ignore[attr-defined]  # set by configure()
        try:
            with stack_traces_off():
                loop.run_until_complete(run_in_stack(program))
            completed = True
        except pulumi.RunError as err:
            err.recorded_resources = monitor.recorded()  # type: ignore[attr-defined]  # for tests
            raise  # SpecError and friends: user input, shown without a traceback
        except SystemExit as err:  # the program's own sys.exit(): it stopped before the end
            failed = PlanFailed(f"the program called sys.exit({err.code!r})")
            failed.exit_status = err.code
            failed.location = program_location(err, program_dir)
            failed.recorded_resources = monitor.recorded()
            raise failed from None
        except Exception as err:
            failed = PlanFailed(f"{type(err).__name__}: {err}")
            failed.location = program_location(err, program_dir)
            failed.recorded_resources = monitor.recorded()
            raise failed from err
    finally:
        pulumi_settings.ROOT.set(None)
        put_away(loop, failed=not completed)
        if gc_was_enabled:
            gc.enable()
        # Collect now, at a quiet point: the garbage of a run (gRPC/asyncio objects with finalizers)
        # would otherwise be finalized at a random later moment, e.g. inside `compile()` (seen as
        # CPython 3.11's "AST constructor recursion depth mismatch").
        if _one_shot:
            gc.freeze()  # never finalized before exit: no finalizer can run at a random later moment
        else:
            _collect_now_and_then()
    resources = monitor.recorded()
    return PlannedGraph(
        project=project,
        stack=stack,
        resources=resources,
        outputs=monitor.stack_outputs,
        config=dict(config),
        invokes=list(monitor.invokes),
    )


def _disabled_default_providers(config: dict[str, str]) -> set[str]:
    raw = config.get("pulumi:disable-default-providers")
    if not raw:
        return set()
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = [raw]
    return {str(v) for v in value} if isinstance(value, list) else {str(value)}
