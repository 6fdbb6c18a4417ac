"""The base every spec model is declared with, the cloud-agnostic spec's (spec/) and each cloud's knobs
(profiles/<cloud>/knobs.py) alike: frozen pydantic models, and patterns that carry the sentence a user
reads when a value breaks them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

# The sentence a user reads when a value breaks a pattern (never the raw regex). Every pattern of the
# spec is registered here through `described`; a test walks the models to make sure none is missing.
PATTERN_RULES: dict[str, str] = {}


def described(pattern: str, rule: str) -> str:
    """`pattern`, registered with the human rule shown when a value does not match it."""
    PATTERN_RULES[pattern] = rule
    return pattern


class SpecModel(BaseModel):
    """Frozen, and unknown fields are errors (a typo must never silently fall back to a default)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
