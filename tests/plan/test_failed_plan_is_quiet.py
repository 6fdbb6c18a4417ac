"""A failed plan says what failed once: no asyncio noise from the tasks the stopped run left behind."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# A program that fails with work still in flight: tasks still pending and failed tasks nobody awaits
# when the exception that stops the run is raised.
PROGRAM = textwrap.dedent(
    """
    import asyncio, gc
    import pulumi
    from lepton_infra.plan.engine import PlanFailed, plan_program

    def program():
        for i in range(20):
            pulumi.CustomResource("test:index:Thing", f"t{i}", {"x": i})
        for _ in range(5):
            asyncio.ensure_future(asyncio.sleep(3600))
        async def fails():
            raise ValueError("an unawaited failure")
        for _ in range(5):
            asyncio.ensure_future(fails())
        raise ValueError("the failure the plan reports")

    try:
        plan_program(program)
    except PlanFailed as err:
        print("reported:", err)
    gc.collect()
    """
)


def test_a_failed_plan_leaves_no_pending_task_or_unread_exception_behind() -> None:
    run = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=120)
    assert "reported: ValueError: the failure the plan reports" in run.stdout, run.stdout + run.stderr
    noise = [
        line
        for line in run.stderr.splitlines()
        if "Task was destroyed but it is pending" in line or "exception was never retrieved" in line
    ]
    assert noise == [], run.stderr[-3000:]
