"""The spec reference, generated from the models' field descriptions (`python -m
lepton_infra.spec.reference`).

docs/spec-reference.md is this module's output; a test keeps the two in sync.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from lepton_infra.core.conventions import PLATFORM_CONFIG_KEY
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.defaults import default_for


@dataclass(frozen=True)
class Requirement:
    """A field the models default, whose absence a rule still refuses: `when` says when."""

    when: str
    clouds: tuple[str, ...] = ("aws", "gcp", "azure")
    environments: tuple[str, ...] = ("dev", "staging", "prod")


# Each entry is refused by a rule when missing (spec/rules.py, spec/endpoint_rules.py); the fields the
# models give no default are required everywhere and need no entry.
REQUIRED_BY_RULES: dict[str, Requirement] = {
    "node_pools[].min": Requirement("at least 1 on one on-demand CPU pool (it hosts the system pods)"),
    "cluster.authorized_networks": Requirement(
        "when the endpoint is public (the dev/staging default)", environments=("dev", "staging")
    ),
    "tags": Requirement("with `team` (or `owner`) and `cost-center`"),
    "gcp": Requirement("with cloud: gcp (its `project`)", clouds=("gcp",)),
    "azure": Requirement("with cloud: azure (its `subscription_id`)", clouds=("azure",)),
}

# The smallest spec that plans: every required field and nothing else (a test plans it, and checks that
# dropping any one of its fields is refused).
MINIMAL_SPEC: dict[str, Any] = {
    "name": "acme-ai",
    "environment": "dev",
    "cloud": "aws",
    "region": "us-east-1",
    "cluster": {"authorized_networks": ["203.0.113.0/24"]},
    "node_pools": [{"name": "system", "min": 1}],
    "tags": {"team": "ml-platform", "cost-center": "1234"},
}


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
    if isinstance(tp, typing.ForwardRef | str):
        raise TypeError(f"unresolved annotation {tp!r}: define the type before the model that uses it")
    return tp.__name__ if isinstance(tp, type) else str(tp)


def _default(field: Any, path: str) -> str:
    if path in REQUIRED_BY_RULES:
        return f"**required** {REQUIRED_BY_RULES[path].when}"
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
        "**required** marks what a spec must give: the fields with no default, and those whose absence a",
        "rule refuses (with when). The smallest spec that plans (AWS, dev):",
        "",
        "```yaml",
        "lepton:platform:",
        *("  " + line for line in yaml.safe_dump(MINIMAL_SPEC, sort_keys=False).splitlines()),
        "```",
        "",
    ]
    seen: set[type[BaseModel]] = set()
    queue: list[tuple[str, type[BaseModel]]] = [(PLATFORM_CONFIG_KEY, PlatformSpec)]
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
            field_path = name if path == PLATFORM_CONFIG_KEY else f"{path}.{name}"
            lines.append(
                f"| `{name}` | {_type_name(field.annotation)} | {_default(field, field_path)} | "
                f"{description} |"
            )
            key = f"{name}[]" if typing.get_origin(field.annotation) is list else name
            for nested in _nested_models(field.annotation):
                queue.append((f"{path}.{key}" if path != PLATFORM_CONFIG_KEY else key, nested))
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render())
