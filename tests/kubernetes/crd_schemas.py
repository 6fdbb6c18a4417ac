"""Validate custom resources against the openAPIV3Schema of their CRDs at a pinned release (files in
crds/, written by crds/extract.py). Strict like `kubernetes-validate --strict`: a field the schema does not
declare is an error (the API server prunes it silently), except below `x-kubernetes-preserve-unknown-fields`.
CEL rules (`x-kubernetes-validations`) are not evaluated; the tests assert the ones that matter."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

CRDS = Path(__file__).parent / "crds"


# In a structural schema these only constrain values the node itself declares (Kubernetes refuses a CRD
# whose `oneOf`/`anyOf`/`allOf`/`not` branch declares a field of its own): a branch is never closed, or an
# object would fail every branch naming only some of its fields (Gateway `spec.addresses[]`).
_BRANCHES = ("oneOf", "anyOf", "allOf", "not")


def _strict(node: Any, *, close: bool = True) -> Any:
    if isinstance(node, dict):
        out = {k: _strict(v, close=close and k not in _BRANCHES) for k, v in node.items()}
        if (
            close
            and "properties" in out
            and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")
        ):
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(v, close=close) for v in node]
    return node


def python_patterns(schema: Any) -> Any:
    """The CRDs' patterns are Go (RE2) regexps; `^(?i)...` (a flag after the anchor) is one Python's `re`
    refuses, with the same meaning as `(?i)^...`."""
    if isinstance(schema, dict):
        return {
            k: (
                v.replace("^(?i)", "(?i)^", 1)
                if k == "pattern" and isinstance(v, str)
                else python_patterns(v)
            )
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [python_patterns(v) for v in schema]
    return schema


@cache
def crd_file(name: str) -> dict[str, Any]:
    doc = json.loads((CRDS / f"{name}.json").read_text())
    return {
        "source": doc["source"],
        "kinds": {k: {**v, "schema": _strict(python_patterns(v["schema"]))} for k, v in doc["kinds"].items()},
    }


def validate_cr(doc: dict[str, Any], name: str) -> None:
    """Raises jsonschema.ValidationError (or KeyError for a kind/version the release does not serve)."""
    kind = crd_file(name)["kinds"][f"{doc['apiVersion']} {doc['kind']}"]
    namespaced = "namespace" in doc["metadata"]
    if namespaced != (kind["scope"] == "Namespaced"):
        raise jsonschema.ValidationError(
            f"{doc['kind']} is {kind['scope']}, metadata says namespaced={namespaced}"
        )
    jsonschema.validate({k: v for k, v in doc.items() if k != "metadata"}, kind["schema"])
