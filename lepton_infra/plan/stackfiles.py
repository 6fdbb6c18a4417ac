"""Read a Pulumi project and one stack's config the way the CLI does, without the CLI.

What the CLI does that a plain `yaml.safe_load` does not, each a way a plan could differ from `pulumi up`:
- a key given twice in one mapping is an error (YAML loaders keep the last one silently: a second
  `environment: prod` turned a dev stack into prod);
- `config:` in Pulumi.yaml gives every stack defaults, in the short form (`key: value`) or the long one
  (`key: {value: ...}`, or for the project's own keys a schema `{type, default, secret, description}`);
  the stack file wins; a declared key with no default must be set by the stack;
- `stackConfigDir` moves the stack files; `--stack org/project/stack` names a stack fully.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lepton_infra.core.errors import MISSING, Problem, SpecError

SECRET_PLACEHOLDER = "offline-placeholder-secret"
_SCHEMA_KEYS = {"type", "description", "default", "secret", "items"}
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


@dataclass(frozen=True)
class StackFiles:
    directory: Path
    project: str
    stack: str
    main: Path
    config: dict[str, str]  # "ns:key" -> value as the runtime stores it (objects as JSON strings)
    secret_keys: list[str]
    stack_file: Path | None = None


def split_stack_name(stack: str, project: str, where: str) -> str:
    """`stack`, `org/stack` or `org/project/stack` (as `pulumi stack select` takes it) to the stack name."""
    parts = stack.split("/")
    if len(parts) > 3 or not all(parts):
        raise SpecError(
            [Problem("--stack", stack, "not a stack name", "use NAME, ORG/NAME or ORG/PROJECT/NAME")], where
        )
    if len(parts) == 3 and parts[1] != project:
        raise SpecError(
            [
                Problem(
                    "--stack",
                    stack,
                    f"names project {parts[1]!r}, but {where} is project {project!r}",
                    f"use ORG/{project}/{parts[2]}, or point at that project",
                )
            ],
            where,
        )
    return parts[-1]


def load_stack(directory: str | Path, stack: str) -> StackFiles:
    directory = Path(directory).resolve()
    project_file = directory / "Pulumi.yaml"
    if not project_file.is_file():
        raise SpecError(
            [
                Problem(
                    "Pulumi.yaml",
                    str(directory),
                    "no Pulumi.yaml in the stack directory",
                    "point at a Pulumi project directory (e.g. stacks/platform)",
                )
            ],
            str(directory),
        )
    project_doc = read_yaml(project_file)
    if not isinstance(project_doc, dict) or not project_doc.get("name"):
        raise SpecError(
            [Problem("name", MISSING, "Pulumi.yaml has no project name", "add `name: ...`")],
            str(project_file),
        )
    project = str(project_doc["name"])
    stack = split_stack_name(stack, project, str(project_file))
    config_dir = directory / str(project_doc.get("stackConfigDir") or ".")
    stack_file = config_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in config_dir.glob("Pulumi.*.yaml"))
        raise SpecError(
            [
                Problem(
                    "--stack",
                    stack,
                    f"no Pulumi.{stack}.yaml in {config_dir}",
                    f"use one of: {', '.join(known) or '(none)'}",
                )
            ],
            str(directory),
        )
    stack_doc = read_yaml(stack_file) or {}
    if not isinstance(stack_doc, dict):
        raise SpecError(
            [
                Problem(
                    "(root)",
                    type(stack_doc).__name__,
                    "a stack file must be a mapping",
                    "write `config:` at the top level",
                )
            ],
            str(stack_file),
        )
    stack_config = stack_doc.get("config") or {}
    merged = {
        **project_defaults(project, project_doc.get("config") or {}, stack_config, str(project_file)),
        **{_full_key(project, k): v for k, v in stack_config.items()},
    }
    config, secret_keys = flatten_config(project, merged)
    main = directory / str(project_doc.get("main", "__main__.py"))
    if main.is_dir():
        main = main / "__main__.py"
    if not main.is_file():
        raise SpecError(
            [
                Problem(
                    "main",
                    str(main.relative_to(directory)) if main.is_relative_to(directory) else str(main),
                    "the project's program does not exist",
                    "add __main__.py, or point `main:` in Pulumi.yaml at the program",
                )
            ],
            str(project_file),
        )
    return StackFiles(directory, project, stack, main, config, secret_keys, stack_file)


def _full_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def project_defaults(project: str, raw: Any, stack_config: dict[str, Any], source: str) -> dict[str, Any]:
    """Pulumi.yaml's `config:` as values for this stack: the stack file's own values win."""
    if not isinstance(raw, dict):
        raise SpecError(
            [
                Problem(
                    "config",
                    type(raw).__name__,
                    "project config must be a mapping",
                    "write `config:` as `key: value` pairs",
                )
            ],
            source,
        )
    given = {_full_key(project, k) for k in stack_config}
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, entry in raw.items():
        full = _full_key(project, str(key))
        if not isinstance(entry, dict):  # short form: `key: value` (lists too)
            out[full] = entry
            continue
        if "value" in entry:
            if set(entry) != {"value"}:
                problems.append(
                    Problem(
                        f"config.{key}",
                        sorted(entry),
                        "`value` stands alone",
                        "write `value:` alone, or a schema (type/default/description/secret)",
                    )
                )
            out[full] = entry["value"]
            continue
        if not set(entry) <= _SCHEMA_KEYS:
            problems.append(
                Problem(
                    f"config.{key}",
                    sorted(entry),
                    "an object value in Pulumi.yaml must be nested under `value:`",
                    f"write `{key}: {{value: {{...}}}}`",
                )
            )
            continue
        if full.split(":")[0] != project:
            problems.append(
                Problem(
                    f"config.{key}",
                    sorted(entry),
                    "only the project's own keys can declare a type or default",
                    f"write `{key}: <value>` or `{key}: {{value: ...}}`",
                )
            )
            continue
        declared = entry.get("type")
        if declared is not None and declared not in _TYPES:
            problems.append(
                Problem(
                    f"config.{key}.type", declared, "not a config type", f"use one of: {', '.join(_TYPES)}"
                )
            )
            continue
        if "default" in entry:
            out[full] = entry["default"]
        elif full not in given:
            problems.append(
                Problem(
                    full,
                    MISSING,
                    "declared in Pulumi.yaml without a default, and the stack does not set it",
                    f"set `{key}:` in the stack file, or give it a default",
                )
            )
        value = stack_config.get(key, stack_config.get(full, out.get(full)))
        if declared and value is not None and not _is_secure(value) and not _has_type(value, declared):
            problems.append(
                Problem(full, value, f"Pulumi.yaml declares it a {declared}", f"give a {declared}")
            )
    if problems:
        raise SpecError(problems, source)
    return out


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _has_type(value: Any, declared: str) -> bool:
    if declared == "integer" and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[declared])


def flatten_config(project: str, raw: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Stack-file config to the runtime's form: namespaced keys, objects as JSON, `secure:` values
    replaced by a placeholder (they cannot be decrypted offline) and kept secret."""
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        full_key = _full_key(project, key)
        if _is_secure(value):
            config[full_key] = SECRET_PLACEHOLDER
            secret_keys.append(full_key)
        elif isinstance(value, str):
            config[full_key] = value
        else:
            config[full_key] = json.dumps(value)
    return config, secret_keys


class _StrictLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping, as Pulumi's own YAML reader does."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[arg-type]
        line = key_node.start_mark.line + 1
        if key in seen:
            raise _DuplicateKey(key, seen[key], line, key_node.start_mark.column + 1)
        seen[key] = line
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class _DuplicateKey(Exception):
    def __init__(self, key: Any, first_line: int, line: int, column: int) -> None:
        super().__init__(key)
        self.key, self.first_line, self.line, self.column = key, first_line, line, column


def read_yaml(path: Path) -> Any:
    """A Pulumi YAML file, or a `SpecError` naming the file, line and what is wrong."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        line = path.read_bytes()[: err.start].count(b"\n") + 1
        raise SpecError(
            [
                Problem(
                    f"line {line}",
                    path.name,
                    f"not UTF-8 text (byte {err.object[err.start]:#x} at offset {err.start})",
                    "save the file as UTF-8",
                )
            ],
            str(path),
        ) from None
    except OSError as err:
        raise SpecError(
            [
                Problem(
                    path.name,
                    str(path),
                    f"cannot be read: {err.strerror}",
                    "check the path and its permissions",
                )
            ],
            str(path),
        ) from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except _DuplicateKey as dup:
        raise SpecError(
            [
                Problem(
                    f"line {dup.line}, column {dup.column}",
                    dup.key,
                    f"key given twice in one mapping (first on line {dup.first_line}); YAML would "
                    "keep only the last",
                    "remove one of them",
                )
            ],
            str(path),
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problem = getattr(err, "problem", None) or str(err)
        raise SpecError(
            [
                Problem(
                    where,
                    path.name,
                    f"malformed YAML: {problem}",
                    "fix the YAML syntax (indentation, colons, quotes)",
                )
            ],
            str(path),
        ) from None
