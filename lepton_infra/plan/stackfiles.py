"""Read a Pulumi project and one stack's config the way the CLI does, without the CLI."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from lepton_infra.core.errors import MISSING, Problem, SpecError

SECRET_PLACEHOLDER = "offline-placeholder-secret"


@dataclass(frozen=True)
class StackFiles:
    directory: Path
    project: str
    stack: str
    main: Path
    config: dict[str, str]  # "ns:key" -> value as the runtime stores it (objects as JSON strings)
    secret_keys: list[str]


def load_stack(directory: str | Path, stack: str) -> StackFiles:
    directory = Path(directory).resolve()
    project_file = directory / "Pulumi.yaml"
    if not project_file.is_file():
        raise SpecError([Problem("Pulumi.yaml", str(directory), "no Pulumi.yaml in the stack directory",
                                 "point at a Pulumi project directory (e.g. stacks/platform)")], str(directory))
    project_doc = _read_yaml(project_file)
    if not isinstance(project_doc, dict) or not project_doc.get("name"):
        raise SpecError([Problem("name", MISSING, "Pulumi.yaml has no project name", "add `name: ...`")],
                        str(project_file))
    project = str(project_doc["name"])
    stack_file = directory / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        known = sorted(p.name[len("Pulumi."):-len(".yaml")] for p in directory.glob("Pulumi.*.yaml"))
        raise SpecError([Problem("--stack", stack, f"no Pulumi.{stack}.yaml in {directory}",
                                 f"use one of: {', '.join(known) or '(none)'}")], str(directory))
    stack_doc = _read_yaml(stack_file) or {}
    if not isinstance(stack_doc, dict):
        raise SpecError([Problem("(root)", type(stack_doc).__name__, "a stack file must be a mapping",
                                 "write `config:` at the top level")], str(stack_file))
    raw_config = stack_doc.get("config") or {}
    config, secret_keys = flatten_config(project, raw_config)
    main = directory / str(project_doc.get("main", "__main__.py"))
    if main.is_dir():
        main = main / "__main__.py"
    return StackFiles(directory, project, stack, main, config, secret_keys)


def flatten_config(project: str, raw: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Stack-file config to the runtime's form: namespaced keys, objects as JSON, `secure:` values
    replaced by a placeholder (they cannot be decrypted offline) and kept secret."""
    config: dict[str, str] = {}
    secret_keys: list[str] = []
    for key, value in raw.items():
        full_key = key if ":" in key else f"{project}:{key}"
        if isinstance(value, dict) and set(value) == {"secure"}:
            config[full_key] = SECRET_PLACEHOLDER
            secret_keys.append(full_key)
        elif isinstance(value, str):
            config[full_key] = value
        else:
            config[full_key] = json.dumps(value)
    return config, secret_keys


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text())
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        problem = getattr(err, "problem", None) or str(err)
        raise SpecError([Problem(where, path.name, f"malformed YAML: {problem}",
                                 "fix the YAML syntax (indentation, colons, quotes)")], str(path)) from None
