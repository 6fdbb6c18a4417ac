"""The SDK's per-resource stack capture, turned off while a plan runs.

For every resource it registers, Pulumi's Python SDK walks the whole Python stack
(`pulumi.runtime.resource._get_stack_trace`: `traceback.extract_stack`, then a file URI per frame) so the
engine can show where in the program the resource was declared. The offline plan's monitor never reads
those fields (RegisterResourceRequest's `stackTrace` and `sourcePosition`), and the walk cost about 6 % of
an aws-prod plan's time under cProfile (302 walks, 2026-12-08, pulumi 3.272). While a plan runs, the
function returns an empty trace, as the SDK itself does when it cannot find the resource's constructor;
it is put back afterwards, so nothing outside a plan sees the change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pulumi.runtime import resource as sdk_resource
from pulumi.runtime.proto import source_pb2


def _no_stack_trace() -> source_pb2.StackTrace:
    return source_pb2.StackTrace()


@contextmanager
def stack_traces_off() -> Iterator[None]:
    """Within the block, resources register without the SDK's stack capture."""
    original = sdk_resource._get_stack_trace  # pyright: ignore[reportPrivateUsage]
    sdk_resource._get_stack_trace = _no_stack_trace  # pyright: ignore[reportPrivateUsage]
    try:
        yield
    finally:
        sdk_resource._get_stack_trace = original  # pyright: ignore[reportPrivateUsage]
