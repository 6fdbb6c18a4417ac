"""Read a Pulumi project and one stack's config the way the CLI does, without the CLI.

What the CLI does that a plain `yaml.safe_load` does not, each a way a plan could differ from `pulumi up`:
- a key given twice in one mapping is an error (YAML loaders keep the last one silently: a second
  `environment: prod` turned a dev stack into prod);
- `config:` in Pulumi.yaml gives every stack defaults, in the short form (`key: value`) or the long one
  (`key: {value: ...}`, or for the project's own keys a schema `{type, default, secret, description}`);
  the stack file wins; a declared key with no default must be set by the stack;
- `stackConfigDir` moves the stack files; `--stack org/project/stack` names a stack fully;
- the YAML is read as Pulumi's Go reader reads it (plan/pulumi_yaml.py: `1e3` is a number, `yes` is text,
  an unquoted date is refused);
- the project's runtime must be Python: the plan runs `__main__.py` in this interpreter.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lepton_infra.core.errors import MISSING, Problem, SpecError, one_problem
from lepton_infra.plan.pulumi_yaml import as_pulumi_passes_it, written_numbers
from lepton_infra.plan.pulumi_yaml import read as read_yaml

SECRET_PLACEHOLDER = "offline-placeholder-secret"
_PROJECT_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")
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
    # "ns:key" -> {path in its value: the number as written}, where YAML read it otherwise (`0123` is 83):
    # a message about such a number quotes what the user wrote.
    written: dict[str, dict[str, str]] = field(default_factory=dict)


def split_stack_name(stack: str, project: str, where: str) -> str:
    """`stack`, `org/stack` or `org/project/stack` (as `pulumi stack select` takes it) to the stack name."""
    parts = stack.split("/")
    if len(parts) > 3 or not all(parts):
        raise SpecError(
            [Problem("--stack", stack, "not a stack name", "use NAME, ORG/NAME or ORG/PROJECT/NAME")], where
        )
    if len(parts) == 3 and parts[1] != project:
        raise one_problem(
            "--stack",
            stack,
            f"names project {parts[1]!r}, but {where} is project {project!r}",
            f"use ORG/{project}/{parts[2]}, or point at that project",
            where,
        )
    return parts[-1]


def load_stack(directory: str | Path, stack: str) -> StackFiles:
    directory = Path(directory).resolve()
    project_file = directory / "Pulumi.yaml"
    if not project_file.is_file():
        raise one_problem(
            "Pulumi.yaml",
            str(directory),
            "no Pulumi.yaml in the stack directory",
            "point at a Pulumi project directory (e.g. stacks/platform)",
            str(directory),
        )
    project_doc = read_yaml(project_file)
    if not isinstance(project_doc, dict) or not project_doc.get("name"):
        raise SpecError(
            [Problem("name", MISSING, "Pulumi.yaml has no project name", "add `name: ...`")],
            str(project_file),
        )
    project = project_doc["name"]
    # Pulumi's tokens.ValidateProjectName (sdk/go/common/tokens/project.go, v3.259, read 2026-12-07).
    if not isinstance(project, str) or not _PROJECT_NAME.fullmatch(project):
        raise one_problem(
            "name",
            project,
            "not a Pulumi project name",
            "use up to 100 letters, digits, hyphens, underscores and periods",
            str(project_file),
        )
    _check_runtime(project_doc.get("runtime"), str(project_file))
    stack = split_stack_name(stack, project, str(project_file))
    config_dir = directory / str(project_doc.get("stackConfigDir") or ".")
    stack_file = config_dir / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        known = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in config_dir.glob("Pulumi.*.yaml"))
        raise one_problem(
            "--stack",
            stack,
            f"no Pulumi.{stack}.yaml in {config_dir}",
            f"use one of: {', '.join(known) or '(none)'}",
            str(directory),
        )
    stack_doc = read_yaml(stack_file) or {}
    if not isinstance(stack_doc, dict):
        raise one_problem(
            "(root)",
            type(stack_doc).__name__,
            "a stack file must be a mapping",
            "write `config:` at the top level",
            str(stack_file),
        )
    stack_config = stack_doc.get("config") or {}
    if not isinstance(stack_config, dict):
        raise one_problem(
            "config",
            type(stack_config).__name__,
            "a stack's config must be a mapping",
            "write `config:` as `key: value` pairs",
            str(stack_file),
        )
    _check_keys(project, stack_config, str(stack_file))
    merged = {
        **project_defaults(project, project_doc.get("config") or {}, stack_config, str(project_file)),
        **{_full_key(project, k): v for k, v in stack_config.items()},
    }
    config, secret_keys = flatten_config(project, merged)
    written = {_full_key(project, k): dict(written_numbers(v)) for k, v in merged.items()}
    main = directory / str(project_doc.get("main", "__main__.py"))
    if main.is_dir():
        main = main / "__main__.py"
    if not main.is_file():
        raise one_problem(
            "main",
            str(main.relative_to(directory)) if main.is_relative_to(directory) else str(main),
            "the project's program does not exist",
            "add __main__.py, or point `main:` in Pulumi.yaml at the program",
            str(project_file),
        )
    return StackFiles(
        directory,
        project,
        stack,
        main,
        config,
        secret_keys,
        stack_file,
        {k: v for k, v in written.items() if v},
    )


def _full_key(project: str, key: object) -> str:
    key = str(key)
    return key if ":" in key else f"{project}:{key}"


# Pulumi's `config.ParseKey` (sdk/go/common/resource/config/key.go): `name`, `namespace:name`, or the old
# `namespace:config:name`; nothing else.
def _check_keys(project: str, config: dict, source: str) -> None:
    problems = []
    for key in config:
        text = str(key)
        parts = text.split(":")
        if not all(parts) or len(parts) > 3 or (len(parts) == 3 and parts[1] != "config"):
            problems.append(
                Problem(
                    f"config.{text}",
                    text,
                    "not a config key",
                    f"write `name` (for `{project}:name`) or `namespace:name`",
                )
            )
    if problems:
        raise SpecError(problems, source)


def _check_runtime(runtime: object, source: str) -> None:
    """Pulumi.yaml's `runtime` (`python`, or `{name: python, options: ...}`): the plan runs the program
    here, in Python, so any other language would be planned as something it is not."""
    name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if name == "python":
        return
    why = (
        "Pulumi.yaml has no runtime"
        if name is None
        else "lepton-infra plans Python programs only (it runs __main__.py under mocks)"
    )
    raise SpecError(
        [Problem("runtime", MISSING if name is None else name, why, "use `runtime: python`")], source
    )


def project_defaults(project: str, raw: Any, stack_config: dict[str, Any], source: str) -> dict[str, Any]:
    """Pulumi.yaml's `config:` as values for this stack: the stack file's own values win."""
    if not isinstance(raw, dict):
        raise one_problem(
            "config",
            type(raw).__name__,
            "project config must be a mapping",
            "write `config:` as `key: value` pairs",
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
            config[full_key] = json.dumps(as_pulumi_passes_it(value))
    return config, secret_keys
