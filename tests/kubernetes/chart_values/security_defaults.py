"""Write a chart's own defaults for pod hardening at an exact tag: every `*securityContext*`, `resources`,
`*Probe`, `hostNetwork`/`hostPID` and `enabled` value of its values.yaml, by key path, for
tests/kubernetes/test_k8s_system_workload_hardening.py (which merges the platform's values over them).

    python tests/kubernetes/chart_values/security_defaults.py <git-dir> <repo-url> <tag> <path> <out.security.yaml>
"""

from __future__ import annotations

import datetime
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

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
    text = subprocess.run(["git", "-C", git_dir, "show", f"{tag}:{path}"], check=True, capture_output=True,
                          text=True).stdout
    blob = subprocess.run(["git", "-C", git_dir, "rev-parse", f"{tag}:{path}"], check=True, capture_output=True,
                          text=True).stdout.strip()
    header = (f"# source: {repo_url} tag {tag} path {path} (blob {blob})\n"
              f"# generated: {datetime.date.today().isoformat()} with: python tests/kubernetes/chart_values/"
              f"security_defaults.py <mirror of {repo_url}> {repo_url} {tag} {path} {Path(out).name}\n")
    Path(out).write_text(header + yaml.safe_dump(picked(yaml.safe_load(text) or {}), sort_keys=True))


if __name__ == "__main__":
    main(*sys.argv[1:])
