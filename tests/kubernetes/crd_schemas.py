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


def _strict(node: Any, branch: bool = False) -> Any:
    """`branch`: a oneOf/anyOf/allOf/not subschema, which constrains some fields of the object its parent
    declares (Gateway `addresses[]`: a branch per `type`) and must not refuse the parent's other fields."""
    if isinstance(node, dict):
        out = {k: [_strict(b, branch=True) for b in v] if k in ("oneOf", "anyOf", "allOf") and isinstance(v, list)
               else _strict(v, branch=k == "not") for k, v in node.items()}
        if "properties" in out and "additionalProperties" not in out and not branch and not out.get(
                "x-kubernetes-preserve-unknown-fields"):
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


@cache
def crd_file(name: str) -> dict[str, Any]:
    doc = json.loads((CRDS / f"{name}.json").read_text())
    return {"source": doc["source"], "kinds": {k: {**v, "schema": _strict(v["schema"])} for k, v in doc["kinds"].items()}}


def validate_cr(doc: dict[str, Any], name: str) -> None:
    """Raises jsonschema.ValidationError (or KeyError for a kind/version the release does not serve)."""
    kind = crd_file(name)["kinds"][f"{doc['apiVersion']} {doc['kind']}"]
    namespaced = "namespace" in doc["metadata"]
    if namespaced != (kind["scope"] == "Namespaced"):
        raise jsonschema.ValidationError(f"{doc['kind']} is {kind['scope']}, metadata says namespaced={namespaced}")
    jsonschema.validate({k: v for k, v in doc.items() if k != "metadata"}, kind["schema"])
