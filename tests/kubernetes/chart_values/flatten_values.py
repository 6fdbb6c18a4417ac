"""Write the flattened key paths of a chart's values.yaml at an exact tag, for test_k8s_chart_values.py.

    python tests/kubernetes/chart_values/flatten_values.py <git-dir> <repo-url> <tag> <path> <out.keys>

Reads the file with `git -C <git-dir> show <tag>:<path>` (a clone or mirror of the chart's repository).
One path per line; segments joined by ".", a "." inside a key written "\\."; every mapping key is listed,
so a path's children are the lines that extend it. Next to it, `<out>.priority` (same name, .priority):
every `...priorityClassName` path with its default, for the priority-class invariant. Comments in values.yaml
(keys documented but not set)
are not keys: a chart reads them only if its templates do, which this file does not claim.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from chart_source import source_header, values_at_tag


def escape(key: object) -> str:
    return str(key).replace(".", "\\.")


def flatten(node: Any, prefix: str = "") -> list[str]:
    paths: list[str] = []
    if isinstance(node, dict):
        for key, child in node.items():
            path = f"{prefix}.{escape(key)}" if prefix else escape(key)
            paths.append(path)
            paths.extend(flatten(child, path))
    return paths


def defaults(node: Any, prefix: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}
    if isinstance(node, dict):
        for key, child in node.items():
            path = f"{prefix}.{escape(key)}" if prefix else escape(key)
            if key == "priorityClassName":
                found[path] = child
            found.update(defaults(child, path))
    return found


def main(git_dir: str, repo_url: str, tag: str, path: str, out: str) -> None:
    text, blob = values_at_tag(git_dir, tag, path)
    values = yaml.safe_load(text) or {}
    keys = sorted(set(flatten(values)))
    header = [*source_header("flatten_values.py", repo_url, tag, path, blob, out), f"# {len(keys)} key paths"]
    Path(out).write_text("\n".join([*header, *keys]) + "\n")
    priority = [f"{k}\t{'' if v is None else v}" for k, v in sorted(defaults(values).items())]
    Path(out).with_suffix(".priority").write_text("\n".join([*header[:2], *priority]) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:6])
