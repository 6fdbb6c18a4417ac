"""Turn pydantic's errors into `Problem`s: path, given value, why, and how to fix it — in words: a "did
you mean" for unknown fields and values, the rule behind a pattern instead of the regex, and a quoting
hint where YAML read a number for a string (`version: 1.30` arrives as the float 1.3)."""

from __future__ import annotations

import functools
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from lepton_infra.core.args import known, ordered
from lepton_infra.core.errors import MISSING, Problem, choose_from, format_path, quoting_fix
from lepton_infra.core.spec_model import PATTERN_RULES
from lepton_infra.spec.node_pool import NodePoolSpec

if TYPE_CHECKING:
    from lepton_infra.catalog.machines import Cloud

_FIXES = {
    "extra_forbidden": "remove it or check the spelling against the documented fields",
    "missing": "add it",
    "greater_than_equal": "raise it",
    "greater_than": "raise it",
    "less_than_equal": "lower it",
    "less_than": "lower it",
    "string_pattern_mismatch": "use the documented format",
    "literal_error": "use one of the allowed values",
    "too_short": "add at least one entry",
    "bool_for_number": "write a number (YAML reads true and false as booleans)",
    "port_range": "use the relay's port, e.g. 587 (submission) or 465 (SMTPS)",
    "zero_request": "request some, e.g. cpu: 500m, memory: 512Mi",
    "network_not_text": "write it quoted, e.g. '203.0.113.0/24'",
    "latest_tag": "pin a version tag or a digest (`app:1.4`, `app@sha256:<64 hex>`)",
}


@dataclass
class _Target:
    """What the models say about the place an error points at."""

    annotation: Any = None
    model: type[BaseModel] | None = None  # the model holding the place (for unknown-field hints)
    patterns: list[str] = field(default_factory=list)


def _unwrap(annotation: Any, target: _Target) -> Any:
    """Strip Annotated (keeping its patterns) and `X | None`."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            args = typing.get_args(annotation)
            target.patterns += [p for m in args[1:] if isinstance(p := getattr(m, "pattern", None), str)]
            annotation = args[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = members[0] if len(members) == 1 else annotation
            if len(members) != 1:
                return annotation
        else:
            return annotation


def _resolve(root: type[BaseModel], loc: tuple[int | str, ...], is_key: bool) -> _Target:
    target = _Target(annotation=root)
    for part in loc:
        current = _unwrap(target.annotation, target)
        target.patterns = []
        if isinstance(current, type) and issubclass(current, BaseModel):
            target.model = current
            info = current.model_fields.get(str(part))
            if info is None:
                return _Target(model=current)
            target.patterns = [p for m in info.metadata if isinstance(p := getattr(m, "pattern", None), str)]
            target.annotation = info.annotation
        elif typing.get_origin(current) is list and isinstance(part, int):
            target.annotation = typing.get_args(current)[0]
        elif typing.get_origin(current) is dict:
            target.annotation = typing.get_args(current)[0 if is_key else 1]
            target.model = None
        else:
            return _Target()
    kept = list(target.patterns)
    target.annotation = _unwrap(target.annotation, target)
    target.patterns = kept + target.patterns
    if isinstance(target.annotation, type) and issubclass(target.annotation, BaseModel):
        target.model = target.annotation
    return target


def _quoted(value: int | float, patterns: list[str]) -> str:
    """How to write `value` as the string it was probably meant to be: YAML drops a trailing zero of
    1.30, so a padded form that matches the field's pattern wins."""
    text = str(value)
    candidates = [text + "0", text] if isinstance(value, float) else [text]
    for candidate in candidates:
        if patterns and all(re.fullmatch(p.strip("^$"), candidate) for p in patterns):
            return candidate
    return text


def _explain(e: Any, root: type[BaseModel], loc: tuple[int | str, ...], is_key: bool) -> tuple[str, str]:
    kind = e["type"]
    why = e["msg"][0].lower() + e["msg"][1:] if e["msg"] else kind
    fix = _FIXES.get(kind, "correct the value")
    given = e.get("input")
    if kind == "extra_forbidden":
        holder = _resolve(root, loc[:-1], False).model
        known = list(holder.model_fields) if holder else []
        return "unknown field", (choose_from(loc[-1], known) if known else _FIXES[kind])
    if kind == "literal_error":
        choices = typing.get_args(_resolve(root, loc, is_key).annotation)
        return why, choose_from(given, choices) if choices else fix
    if kind == "string_pattern_mismatch":
        pattern = str((e.get("ctx") or {}).get("pattern", ""))
        rule = PATTERN_RULES.get(pattern)
        return (f"must be {rule}", "rewrite it to that rule") if rule else (why, fix)
    if kind == "string_type" and isinstance(given, int | float) and not isinstance(given, bool):
        shown = _quoted(given, _resolve(root, loc, is_key).patterns)
        read_as = "a number" if isinstance(given, int) else f"the number {given!r}"
        return f"YAML read this as {read_as}, not text", quoting_fix(shown)
    return why, fix


def problems_from_validation_error(err: ValidationError, root: type[BaseModel]) -> list[Problem]:
    problems: list[Problem] = []
    for e in err.errors():
        nested = (e.get("ctx") or {}).get("error")
        carried = getattr(nested, "problems", None)
        if carried is not None:  # the cross-field rules, already well-formed
            problems.extend(carried)
            continue
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        is_key = bool(loc) and loc[-1] == "[key]"  # pydantic marks a bad mapping key this way
        loc = loc[:-1] if is_key else loc
        value = MISSING if e["type"] == "missing" else e.get("input")
        why, fix = _explain(e, root, loc, is_key)
        why = f"invalid key: {why}" if is_key else why
        problems.append(Problem(format_path(loc), value, why, fix))
    return problems


@functools.cache
def field_adapter(model: type[BaseModel], name: str) -> TypeAdapter[Any]:
    """A validator for one field of a spec model (its type with its constraints), built once per process:
    building one (pydantic-core compiles its schema and patterns) costs about a third of a millisecond, and
    every component checks its args and every partial spec validates its fields one by one."""
    info = model.model_fields[name]
    annotated: Any = typing.Annotated[info.annotation, info]
    return TypeAdapter(annotated)


def like_spec_field(path: str, value: Any, model: type[BaseModel], name: str) -> list[Problem]:
    """`value` checked against a spec field's own constraints (bounds, patterns, literals), so a
    component's arg refuses exactly what the spec refuses, in the same words. Outputs and None pass."""

    if not known(value):
        return []
    try:
        field_adapter(model, name).validate_python(value)
    except ValidationError as err:
        out = []
        for e in err.errors():
            inner = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            why, fix = _explain(e, model, (name, *inner), False)
            where = path + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in inner)
            out.append(Problem(where, e.get("input", value), why, fix))
        return out
    return []


def node_pool_args_problems(
    pool_name: Any, min_nodes: Any, max_nodes: Any, name_rule: Any, what: str
) -> Iterator[Problem]:
    """What every cloud's node-pool component refuses as `node_pools[]` does: the name and size bounds of
    the spec's fields, the cloud's own name rule (`CloudProfile.pool_name`, a `NameRule`), min <= max.
    `what`: how the cloud calls a pool ("node group", "node pool")."""

    yield from like_spec_field("pool_name", pool_name, NodePoolSpec, "name")
    if known(pool_name) and not name_rule.ok(pool_name):
        yield Problem(
            "pool_name", pool_name, f"not a valid {what} name ({name_rule.description})", "rename the pool"
        )
    yield from like_spec_field("min_nodes", min_nodes, NodePoolSpec, "min")
    yield from like_spec_field("max_nodes", max_nodes, NodePoolSpec, "max")
    yield from ordered("min_nodes", min_nodes, "max_nodes", max_nodes)


def machine_problems(
    cloud: Cloud,
    title: str,
    *,
    gpu_type: str | None,
    gpu_count: Any,
    cpu_class: str | None,
    machine_type: str | None,
) -> Iterator[Problem]:
    """What a node-pool component that picks its machine from the catalog refuses: a GPU type the cloud's
    catalog does not offer, a GPU count the spec refuses, and a combination the catalog has no machine for
    (`title`: how users name the cloud, "GCP")."""
    from lepton_infra.catalog import NoMachine, catalog, choose_machine
    from lepton_infra.core.args import one_of
    from lepton_infra.spec.base import GpuRequest

    if gpu_type is not None:
        offered = sorted(catalog(cloud).gpu_types())
        if gpu_type not in offered:
            yield from one_of("gpu_type", gpu_type, offered, f"{title} GPU type")
            return
        yield from like_spec_field("gpu_count", gpu_count, GpuRequest, "count")
    try:
        choose_machine(cloud, gpu=gpu_type, gpu_count=gpu_count, cpu_class=cpu_class, explicit=machine_type)
    except NoMachine as err:
        path, value = (
            ("machine_type", machine_type)
            if machine_type
            else ("gpu_count", gpu_count)
            if gpu_type
            else ("cpu_class", cpu_class)
        )
        yield Problem(path, value, str(err), "pick a machine the catalog lists")
