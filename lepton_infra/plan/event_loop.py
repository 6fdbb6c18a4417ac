"""The event loop a plan runs in, and how it is put away so a failed run leaves no noise behind.

When a program fails, Pulumi's runtime still holds tasks: registrations waiting on inputs that will never
resolve, and finished tasks whose exception nobody read because the run stopped at the first one. Closed
as they are, the loop leaves them to the garbage collector, which prints "Task was destroyed but it is
pending!" and "Future exception was never retrieved" with a stack each, dozens of lines after the plan
has already said what failed. `plan_event_loop` keeps every task the run creates (a strong reference: a
finished task nobody holds is collected, and complains, at once); `put_away` cancels the pending ones,
waits for them, and, after a failed run only, reads the exception of every finished one: the plan has
reported the failure that matters. After a successful run an unread exception is a real finding, so it
is left to be printed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine, Generator
from typing import Any


class _TaskRecorder:
    """A task factory that keeps every task the loop creates."""

    def __init__(self) -> None:
        self.tasks: list[asyncio.Task[Any]] = []

    def __call__(
        self,
        loop: asyncio.AbstractEventLoop,
        coro: Coroutine[Any, Any, Any] | Generator[Any, None, Any],
        **kwargs: Any,
    ) -> asyncio.Task[Any]:
        task = asyncio.Task(coro, loop=loop, **kwargs)
        self.tasks.append(task)
        return task


def plan_event_loop() -> asyncio.AbstractEventLoop:
    """A new event loop, set as the current one, that records the tasks created in it."""
    loop = asyncio.new_event_loop()
    loop.set_task_factory(_TaskRecorder())  # type: ignore[arg-type]  # typeshed's factory type is narrower
    asyncio.set_event_loop(loop)
    return loop


def put_away(loop: asyncio.AbstractEventLoop, *, failed: bool) -> None:
    """Finish every task of the run (cancel what is still pending), read their exceptions if the run
    failed, and close the loop."""
    recorder = loop.get_task_factory()
    tasks = recorder.tasks if isinstance(recorder, _TaskRecorder) else []
    pending = [t for t in tasks if not t.done()]
    for task in pending:
        task.cancel()
    if pending and not loop.is_closed():
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    for task in tasks if failed else ():
        if task.done() and not task.cancelled():
            with contextlib.suppress(Exception):
                task.exception()  # marks it retrieved: the plan reports the failure that stopped it
    tasks.clear()
    loop.close()
    asyncio.set_event_loop(None)
