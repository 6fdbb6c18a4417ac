"""The base every spec model is declared with, the cloud-agnostic spec's (spec/) and each cloud's knobs
(profiles/<cloud>/knobs.py) alike: frozen pydantic models that take no boolean for a number and no number
for a network, and patterns that carry the sentence a user reads when a value breaks them."""

from __future__ import annotations

import types
import typing
from ipaddress import IPv4Network
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

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

    @field_validator("*", mode="before")
    @classmethod
    def _no_boolean_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        """pydantic reads `true` as 1 where a number is expected (`gpu: {count: true}` would ask for one
        GPU): a boolean is never a count, a size or a price."""
        field = cls.model_fields.get(info.field_name or "")
        if field is not None and _holds_bool(value) and _numeric(field.annotation):
            raise PydanticCustomError("bool_for_number", "a boolean where a number is expected")
        # pydantic makes an address of a number (123 is 0.0.0.123/32, true is 0.0.0.1/32): a network is
        # only ever written as text.
        if field is not None and _holds_non_text(value) and _networks(field.annotation):
            raise PydanticCustomError("network_not_text", "a network is written as text in CIDR notation")
        return value


def _holds_non_text(value: Any) -> bool:
    items = value if isinstance(value, list) else [value]
    return any(item is not None and not isinstance(item, str | IPv4Network) for item in items)


def _networks(annotation: Any) -> bool:
    """Whether a field holds IPv4 networks (one, or a list; optional or not)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, list):
        return any(_networks(a) for a in typing.get_args(annotation) if a is not type(None))
    return annotation is IPv4Network


def _holds_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, list):
        return any(isinstance(v, bool) for v in value)
    if isinstance(value, dict):
        return any(isinstance(v, bool) for v in value.values())
    return False


def _numeric(annotation: Any) -> bool:
    """Whether a field holds numbers (int, float, or a list or mapping of them; optional or not)."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _numeric(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_numeric(a) for a in typing.get_args(annotation) if a is not type(None))
    if origin in (list, dict):
        args = typing.get_args(annotation)
        return bool(args) and _numeric(args[-1])
    return annotation in (int, float)
