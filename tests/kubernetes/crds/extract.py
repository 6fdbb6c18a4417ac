"""Regenerate a CRD schema file here from a project's CRD manifests at a release tag (descriptions removed,
every served version kept): `python tests/kubernetes/crds/extract.py OUT.json SOURCE CRD.yaml...`, with
the YAML files read from a checkout of that tag. The tests read the result with `crd_schemas.py`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml


def _strip(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_strip(v) for v in node]
    return node


def main(out: str, source: str, *files: str) -> None:
    kinds: dict[str, Any] = {}
    for path in files:
        for crd in yaml.safe_load_all(Path(path).read_text()):
            if not crd or crd.get("kind") != "CustomResourceDefinition":
                continue
            spec = crd["spec"]
            for version in spec["versions"]:
                if not version.get("served"):
                    continue
                kinds[f"{spec['group']}/{version['name']} {spec['names']['kind']}"] = {
                    "scope": spec["scope"],
                    "schema": _strip(version["schema"]["openAPIV3Schema"]),
                }
    Path(out).write_text(
        json.dumps({"source": source, "kinds": dict(sorted(kinds.items()))}, indent=1, sort_keys=True) + "\n"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
