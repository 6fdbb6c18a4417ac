"""How a cloud declares its rule for tag/label keys and values (profiles/<cloud>/tags.py): apart from the
rest of the profile, so the spec's models can print every cloud's rule without importing the rules that
read a finished spec."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from lepton_infra.core.errors import Problem


@dataclass(frozen=True)
class TagRule:
    """A cloud's rule for tag/label keys and values, checked on the spec's `tags` for the chosen cloud
    with the tag named (it would otherwise refuse them at apply time). Each check returns why a key or
    value is refused, or None."""

    noun: str  # what the cloud calls them: "AWS tag", "GCP label"
    description: str
    key_problem: Callable[[str], str | None]
    value_problem: Callable[[str], str | None]

    def problems(self, tags: Mapping[str, str]) -> Iterator[Problem]:
        fix = f"rename or rewrite it ({self.description})"
        for key, value in tags.items():
            if (why := self.key_problem(key)) is not None:
                yield Problem(f"tags.{key}", key, f"not a valid {self.noun} key: {why}", fix)
            if (why := self.value_problem(value)) is not None:
                yield Problem(f"tags.{key}", value, f"not a valid {self.noun} value: {why}", fix)
