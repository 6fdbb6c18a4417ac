"""While a plan runs, the SDK registers resources without walking the Python stack (plan/stack_traces.py);
outside a plan the SDK's own function is in place, also after a failed plan."""

from __future__ import annotations

import pulumi
import pytest
from pulumi.runtime import resource as sdk_resource

from lepton_infra.plan import plan_program
from lepton_infra.plan.engine import PlanFailed

SDK_STACK_TRACE = sdk_resource._get_stack_trace  # pyright: ignore[reportPrivateUsage]


def test_a_plan_registers_without_the_sdk_stack_walk() -> None:
    during: list[bool] = []

    def program() -> None:
        during.append(sdk_resource._get_stack_trace is SDK_STACK_TRACE)  # pyright: ignore[reportPrivateUsage]
        pulumi.CustomResource("test:index:Thing", "thing", {"a": 1})

    graph = plan_program(program)
    assert during == [False]
    assert [r.name for r in graph.managed] == ["thing"]
    assert sdk_resource._get_stack_trace is SDK_STACK_TRACE  # pyright: ignore[reportPrivateUsage]


def test_the_sdk_function_is_back_after_a_failed_plan() -> None:
    def program() -> None:
        raise ValueError("boom")

    with pytest.raises(PlanFailed):
        plan_program(program)
    assert sdk_resource._get_stack_trace is SDK_STACK_TRACE  # pyright: ignore[reportPrivateUsage]
