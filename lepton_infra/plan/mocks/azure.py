"""Plausible Azure outputs: ARM ids under the context's subscription."""

from __future__ import annotations

from typing import Any

from lepton_infra.plan.mocks.core import MockContext, outputs_for_prefix


@outputs_for_prefix("azure-native:")
def generic(name: str, inputs: dict[str, Any], ctx: MockContext, meta: dict[str, Any]) -> dict[str, Any]:
    group = inputs.get("resourceGroupName", "rg")
    provider = meta["type"].split(":")[1]
    kind = meta["type"].rsplit(":", 1)[1]
    rid = f"/subscriptions/{ctx.azure_subscription}/resourceGroups/{group}/providers/Microsoft.{provider}/{kind}/{name}"
    return {"__id__": rid, "id": rid, "name": inputs.get("resourceName") or name}
