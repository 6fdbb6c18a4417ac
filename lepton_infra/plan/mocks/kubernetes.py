"""Plausible Kubernetes outputs: metadata as the API server would return it."""

from __future__ import annotations

from typing import Any

from lepton_infra.plan.mocks.core import MockContext, outputs_for, outputs_for_prefix, short_hash


@outputs_for_prefix("kubernetes:")
def generic(name: str, inputs: dict[str, Any], ctx: MockContext, meta: dict[str, Any]) -> dict[str, Any]:
    metadata = dict(inputs.get("metadata") or {})
    metadata.setdefault("name", f"{name}-{short_hash(name, length=8)}")
    metadata.setdefault("uid", short_hash(meta["type"], name, length=32))
    metadata.setdefault("resourceVersion", "1")
    namespace = metadata.get("namespace")
    rid = f"{namespace}/{metadata['name']}" if namespace else metadata["name"]
    return {"__id__": rid, "metadata": metadata, "status": {}}


@outputs_for("kubernetes:helm.sh/v3:Release")
def helm_release(name, inputs, ctx, meta):
    release = inputs.get("name") or f"{name}-{short_hash(name, length=8)}"
    namespace = inputs.get("namespace") or "default"
    return {"__id__": f"{namespace}/{release}", "name": release,
            "status": {"name": release, "namespace": namespace, "status": "deployed", "revision": 1,
                       "chart": inputs.get("chart"), "version": inputs.get("version")}}
