"""Shared pieces of the spec models: the frozen base and the name types valid on every cloud."""

from __future__ import annotations

import types
import typing
from decimal import Decimal
from ipaddress import IPv4Network
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator
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


# A DNS-1123 label: lowercase letters, digits and hyphens, starting with a letter and ending with a letter
# or digit. Valid as a Kubernetes namespace, a GCP resource name and an AWS name; per-cloud limits that
# are stricter (AKS pool names, GKE pool lengths) are checked in rules.py where the cloud is known.
NAME_PATTERN = described(
    r"^[a-z]([a-z0-9-]*[a-z0-9])?$",
    "lowercase letters, digits and hyphens, starting "
    "with a letter and ending with a letter or digit (e.g. `gpu-l4`)",
)
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN, max_length=40)]
PlatformName = Annotated[str, StringConstraints(pattern=NAME_PATTERN, min_length=3, max_length=20)]

# Kubernetes quantities as written in manifests ("500m", "4", "16Gi").
Quantity = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$",
            "a Kubernetes quantity: a number with an optional unit m, k, M, G, T, Ki, Mi, Gi or Ti (e.g. "
            "`500m`, "
            "`4`, `16Gi`)",
        )
    ),
]

_QUANTITY_UNITS = {
    "m": Decimal("0.001"),
    "k": Decimal(10) ** 3,
    "M": Decimal(10) ** 6,
    "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12,
    "Ki": Decimal(2) ** 10,
    "Mi": Decimal(2) ** 20,
    "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40,
}


def quantity_value(quantity: str) -> Decimal:
    """A `Quantity` (already pattern-checked) as a number: CPU in cores, memory in bytes."""
    for unit in ("Ki", "Mi", "Gi", "Ti", "m", "k", "M", "G", "T"):
        if quantity.endswith(unit):
            return Decimal(quantity[: -len(unit)]) * _QUANTITY_UNITS[unit]
    return Decimal(quantity)


# Node label keys accepted on every cloud. (Tags are checked per cloud: spec/tag_rules.py.)
TagKey = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^[a-z][a-z0-9_-]{0,62}$", "up to 63 lowercase letters, digits, _ and -, starting with a letter"
        )
    ),
]

Email = Annotated[
    str,
    StringConstraints(
        pattern=described(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", "an email address such as `oncall@acme.dev`"),
        max_length=254,
    ),
]


class GpuRequest(SpecModel):
    """A GPU model and how many of it, e.g. `{type: h100-80gb, count: 8}`."""

    type: str = Field(
        description="GPU model key from the catalog: t4, a10, a10g, l4, l40s, a100-40gb, "
        "a100-80gb, h100-80gb, h100-nvl, h200-141gb."
    )
    count: int = Field(
        default=1, ge=1, le=16, description="GPUs per node (pools) or per replica (services). Default 1."
    )
