"""User-facing errors: a bad spec or stack names every problem at once, without a traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pulumi

from lepton_infra.core.conventions import PLATFORM_CONFIG_KEY


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the user's input: where, what was given, why it is wrong, how to fix it."""

    path: str
    value: Any
    why: str
    fix: str

    def render(self) -> str:
        shown = _show(self.value)
        return f"{self.path}: {shown} — {self.why}; {self.fix}"


def _show(value: Any) -> str:
    if value is _MISSING:
        return "(missing)"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def choose_from(value: Any, choices: Iterable[Any], limit: int = 12) -> str:
    """The fix for a value outside a known set: a "did you mean" when one is close, then the choices."""
    options = [str(c) for c in choices]
    text = str(value).lower()
    close = (
        difflib.get_close_matches(str(value), options, n=1, cutoff=0.6)
        or [  # or a prefix: production
            c
            for c in options
            if len(text) >= 3 and (text.startswith(c.lower()) or c.lower().startswith(text))
        ][:1]
    )
    hint = f"did you mean {close[0]!r}? " if close else ""
    shown = ", ".join(options[:limit]) + (", ..." if len(options) > limit else "")
    return f"{hint}use one of: {shown}" if options else f"{hint}(nothing to choose from)"


def quoting_fix(text: str) -> str:
    """The fix for a value YAML read as something other than the text that was meant."""
    return f"write it quoted: '{text}'"


def with_text_as_written(problem: Problem, written: str) -> Problem:
    """`problem` with its quoting fix quoting `written`, the text in the file (`0123`), rather than the
    number YAML made of it (83); any other problem as it is."""
    if problem.fix.startswith(quoting_fix("")[:-2]):
        return Problem(problem.path, problem.value, problem.why, quoting_fix(written))
    return problem


def format_path(loc: tuple[int | str, ...]) -> str:
    """A place in a document as problems name it: `node_pools[0].gpu.type`; `(root)` for the whole."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(root)"


class _Missing:
    def __repr__(self) -> str:
        return "(missing)"


_MISSING: Any = _Missing()
MISSING: Any = _MISSING


class SpecError(pulumi.RunError):
    """Bad user input. A `pulumi.RunError`, so `pulumi up` prints it without a traceback.

    Raised before the first resource is registered: a bad spec creates nothing.
    """

    def __init__(self, problems: Iterable[Problem], source: str = PLATFORM_CONFIG_KEY) -> None:
        self.problems: list[Problem] = list(problems)
        self.source = source
        lines = "\n".join(f"  - {p.render()}" for p in self.problems)
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"{source} has {count} {noun}:\n{lines}")

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.problems]


def one_problem(path: str, value: Any, why: str, fix: str, source: str) -> SpecError:
    """A `SpecError` of one problem (a file or an option that is wrong in one way)."""
    return SpecError([Problem(path, value, why, fix)], source)


class ComponentArgsError(pulumi.RunError):
    """Bad args given to a component, raised before the component registers anything. A
    `pulumi.RunError`, so `pulumi up` prints the problems (each with its property path) without a
    traceback."""

    def __init__(self, component: str, name: str, problems: Iterable[Problem]) -> None:
        self.component = component
        self.name = name
        self.problems: list[Problem] = list(problems)
        lines = "\n".join(f"  - {p.render()}" for p in self.problems)
        count = len(self.problems)
        super().__init__(
            f"{component} {name!r}: {count} {'problem' if count == 1 else 'problems'} in its args:\n{lines}"
        )

    @property
    def paths(self) -> list[str]:
        return [p.path for p in self.problems]
