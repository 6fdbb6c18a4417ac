"""Checking a component's args before it registers anything: each `...Args` lists its problems with
these helpers in `problems()` (core/component.py's `ComponentArgs`), and the component base calls
`check_args` before it registers the component.

Only plain values are checked: an `Output` is known at apply time only, so it is skipped (the cloud
checks it then). The helpers yield `Problem`s whose path is the args field (`min_size`), so a user of
the component sees which argument to change and how.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Iterable, Iterator
from ipaddress import IPv4Network
from typing import Any, TypeVar

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


# --- renamed arguments --------------------------------------------------------------------------------

# Args fields renamed in 0.2.0 to read the same on every cloud (docs/UPGRADE-0.2.md): the old keyword still
# works, with a DeprecationWarning, until RENAMES_REMOVED_IN.
RENAMES_REMOVED_IN = "0.3.0"
Convert = Callable[[Any, dict[str, Any]], Any]
"""Old value, the other keywords given -> the new field's value (for a rename whose meaning turned over)."""

_T = TypeVar("_T")


def renamed_fields(**renames: str | tuple[str, Convert]) -> Callable[[type[_T]], type[_T]]:
    """Keep an `...Args` dataclass's old keywords working for one release: `old=new` (or
    `old=(new, convert)`) sets the new field from the old keyword and warns (DeprecationWarning) where the
    caller wrote it. Giving both is a TypeError. Apply above `@dataclass`."""

    def wrap(cls: type[_T]) -> type[_T]:
        init = cls.__init__

        @functools.wraps(init)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            for old, target in renames.items():
                if old not in kwargs:
                    continue
                new, convert = (target, None) if isinstance(target, str) else target
                if new in kwargs:
                    raise TypeError(f"{cls.__name__}: give {new}, not also its old name {old}")
                value = kwargs.pop(old)
                kwargs[new] = value if convert is None else convert(value, kwargs)
                warnings.warn(
                    f"{cls.__name__}({old}=...) is {cls.__name__}({new}=...) since 0.2.0; the old name goes "
                    f"in {RENAMES_REMOVED_IN} (docs/UPGRADE-0.2.md)",
                    DeprecationWarning,
                    stacklevel=2,
                )
            init(self, *args, **kwargs)

        cls.__init__ = __init__  # type: ignore[method-assign]
        return cls

    return wrap


def renamed_names(module: str, renames: dict[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module `__getattr__` that keeps renamed classes and functions importable for one release, with a
    DeprecationWarning: `__getattr__ = renamed_names(__name__, {"AlbTraffic": "Traffic"}, globals())`."""

    def __getattr__(name: str) -> Any:
        if name not in renames:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        warnings.warn(
            f"{module}.{name} is {module}.{renames[name]} since 0.2.0; the old name goes in "
            f"{RENAMES_REMOVED_IN} (docs/UPGRADE-0.2.md)",
            DeprecationWarning,
            stacklevel=2,
        )
        return namespace[renames[name]]

    return __getattr__
