"""Checking a component's args before it registers anything: each `...Args` lists its problems with
these helpers in `problems()` (core/component.py's `ComponentArgs`), and the component base calls
`check_args` before it registers the component.

Only plain values are checked: an `Output` is known at apply time only, so it is skipped (the cloud
checks it then). The helpers yield `Problem`s whose path is the args field (`min_size`), so a user of
the component sees which argument to change and how.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from ipaddress import IPv4Network
from typing import Any

import pulumi

from lepton_infra.core.errors import ComponentArgsError, Problem, choose_from


def known(value: Any) -> bool:
    """A plain value the component can judge now (not an Output, not unset)."""
    return value is not None and not isinstance(value, pulumi.Output)


def check_args(component: str, name: str, problems: Iterable[Problem]) -> None:
    """Raise `ComponentArgsError` listing every problem, if there is any."""
    found = list(problems)
    if found:
        raise ComponentArgsError(component, name, found)


def at_least(path: str, value: Any, low: float, why: str = "") -> Iterator[Problem]:
    if known(value) and value < low:
        yield Problem(path, value, why or f"below the minimum {low}", f"use {low} or more")


def at_most(path: str, value: Any, high: float, why: str = "") -> Iterator[Problem]:
    if known(value) and value > high:
        yield Problem(path, value, why or f"above the maximum {high}", f"use {high} or less")


def ordered(low_path: str, low: Any, high_path: str, high: Any) -> Iterator[Problem]:
    """`low <= high` (min and max of one range)."""
    if known(low) and known(high) and low > high:
        yield Problem(
            low_path, low, f"greater than {high_path} {high}", f"lower {low_path} or raise {high_path}"
        )


def one_of(path: str, value: Any, choices: Iterable[Any], what: str = "value") -> Iterator[Problem]:
    options = list(choices)
    if known(value) and value not in options:
        yield Problem(path, value, f"unknown {what}", choose_from(value, options))


def non_empty(path: str, value: Any, what: str) -> Iterator[Problem]:
    if known(value) and len(value) == 0:
        yield Problem(path, [], f"needs at least one {what}", f"give one or more {what}s")


def ipv4_cidr(path: str, value: Any) -> Iterator[Problem]:
    """`value` parses as an IPv4 network (`10.0.0.0/20`; host bits must be zero)."""
    if not known(value):
        return
    try:
        IPv4Network(str(value))
    except ValueError as err:
        yield Problem(path, value, f"not an IPv4 CIDR ({err})", "write it like 10.0.0.0/20")
