"""The spec reference, generated from the models' field descriptions (`python -m
lepton_infra.spec.reference`).

docs/spec-reference.md is this module's output; a test keeps the two in sync.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.defaults import default_for


def _type_name(tp: Any) -> str:
    """A readable type for the table (no pipes: they would split a Markdown cell)."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join("null" if a is type(None) else _type_name(a) for a in args)
    if origin is typing.Literal:
        return "one of " + ", ".join(str(a) for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}"
    if origin is dict:
        return f"map {_type_name(args[0])} to {_type_name(args[1])}"
    return tp.__name__ if isinstance(tp, type) else str(tp)


def _default(field: Any, path: str) -> str:
    env_default = default_for(path)
    if env_default is not None:  # the validator's own table (spec/defaults.py)
        return env_default.describe()
    if field.default is not PydanticUndefined:
        return "—" if field.default is None else f"`{field.default}`"
    if field.default_factory is not None:
        value = field.default_factory()
        return f"`{value}`" if not isinstance(value, BaseModel) else "(defaults below)"
    return "**required**"


def _nested_models(annotation: Any) -> list[type[BaseModel]]:
    """Models inside an annotation (`X | None`, `list[X]`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _nested_models(arg)]


def render() -> str:
    lines = [
        "# `lepton:platform` reference",
        "",
        "Generated from `lepton_infra/spec/` by `python -m lepton_infra.spec.reference`; do not edit.",
        "Defaults that depend on `environment` are shown per environment (`dev/staging: 2, prod: 3`).",
        "",
    ]
    seen: set[type[BaseModel]] = set()
    queue: list[tuple[str, type[BaseModel]]] = [("lepton:platform", PlatformSpec)]
    while queue:
        path, model = queue.pop(0)
        if model in seen:
            continue
        seen.add(model)
        # A field annotated with a name the module defines after the model (GcpKnobs.dns_zone) stays a
        # forward reference until pydantic first rebuilds the model: resolve it, so the table reads the same
        # whether or not some GcpKnobs was built before.
        model.model_rebuild()
        lines += [
            f"## `{path}` ({model.__name__})",
            "",
            "| field | type | default | meaning |",
            "|---|---|---|---|",
        ]
        for name, field in model.model_fields.items():
            description = (field.description or "").replace("|", "\\|").replace("\n", " ")
            field_path = name if path == "lepton:platform" else f"{path}.{name}"
            lines.append(
                f"| `{name}` | {_type_name(field.annotation)} | {_default(field, field_path)} | "
                f"{description} |"
            )
            key = f"{name}[]" if typing.get_origin(field.annotation) is list else name
            for nested in _nested_models(field.annotation):
                queue.append((f"{path}.{key}" if path != "lepton:platform" else key, nested))
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render())
