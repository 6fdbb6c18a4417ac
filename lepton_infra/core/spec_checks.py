"""How spec rules are declared and run: each rule names the top-level fields it reads, so a field that
failed to validate skips only the rules that need it and every other rule still reports.

A rule is a function `PlatformSpec -> Iterable[Problem]` wrapped by `@rule("field", ...)`. It may read
only the fields it declares (a test runs every rule on a spec holding nothing else). Generic rules live
in spec/ (spec/rules.py gathers them); a cloud's own rules live in its profile
(lepton_infra/profiles/<cloud>/rules.py) and run as that cloud's pre-flight. Both kinds are reported
together in one `SpecError`. Here, in core/, because both declare rules and the spec imports the profiles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

Check = Callable[["PlatformSpec"], Iterable[Problem]]


@dataclass(frozen=True)
class Rule:
    check: Check
    needs: frozenset[str]  # top-level PlatformSpec fields the rule reads

    @property
    def name(self) -> str:
        return self.check.__name__

    def __call__(self, spec: PlatformSpec) -> list[Problem]:
        return list(self.check(spec))


def rule(*needs: str) -> Callable[[Check], Rule]:
    """Declare a rule and the top-level fields it reads: `@rule("node_pools", "cloud")`."""

    def wrap(check: Check) -> Rule:
        return Rule(check, frozenset(needs))

    return wrap


def invalid_fields(spec: PlatformSpec) -> frozenset[str]:
    """Top-level fields that failed validation (absent from a partial spec; none on a valid one)."""
    return frozenset(name for name in type(spec).model_fields if name not in spec.__dict__)


def run_rules(rules: Sequence[Rule], spec: PlatformSpec) -> list[Problem]:
    """Every rule whose fields all validated, in order."""
    broken = invalid_fields(spec)
    problems: list[Problem] = []
    for r in rules:
        if not r.needs & broken:
            problems.extend(r(spec))
    return problems
