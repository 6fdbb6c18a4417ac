"""Write a chart's own defaults for pod hardening at an exact tag: every `*securityContext*`, `resources`,
`*Probe`, `hostNetwork`/`hostPID` and `enabled` value of its values.yaml, by key path, for
tests/kubernetes/test_k8s_system_workload_hardening.py (which merges the platform's values over them).

    python tests/kubernetes/chart_values/security_defaults.py <git-dir> <repo-url> <tag> <path>
<out.security.yaml>
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml
from chart_source import source_header, values_at_tag

KEEP = ("securitycontext", "resources", "probe")
EXACT = ("hostNetwork", "hostPID", "enabled")


def picked(node: Any, prefix: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}
    if isinstance(node, dict):
        for key, child in node.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if any(k in str(key).lower() for k in KEEP) or key in EXACT:
                found[path] = child
            else:
                found.update(picked(child, path))
    return found


def main(git_dir: str, repo_url: str, tag: str, path: str, out: str) -> None:
    text, blob = values_at_tag(git_dir, tag, path)
    header = "".join(
        f"{line}\n" for line in source_header("security_defaults.py", repo_url, tag, path, blob, out)
    )
    Path(out).write_text(header + yaml.safe_dump(picked(yaml.safe_load(text) or {}), sort_keys=True))


if __name__ == "__main__":
    main(*sys.argv[1:])
