"""The redeploy-after-destroy check: every resource whose cloud-side name outlives its deletion
(core/data/held_names.yaml, sourced per row) must be renamed, or left out, by the redeploy's plan, so `up`
after `destroy` never meets a name held by soft delete, by a cloud that never deletes it, or by the stack
itself keeping the resource on destroy (`retain_on_delete`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from lepton_infra.core.yaml_table import read_table
from lepton_infra.plan.record import PlannedGraph

DATA = Path(__file__).resolve().parent.parent / "core" / "data" / "held_names.yaml"
# generation: the name carries spec.generation's suffix; spec: the redeploy sets `redeploy` in the spec
# (the resource is then not created again); recovered: asking for the same name takes the held one back.
HANDLINGS = ("generation", "spec", "recovered")
MUST_NOT_ASK_AGAIN = ("generation", "spec")


@dataclass(frozen=True)
class HeldName:
    type: str
    name_input: str
    held: str
    handled: str
    source: str
    read: str
    redeploy: dict[str, Any] = field(default_factory=dict)
    """`handled: spec`: the spec settings (dotted path -> value) the redeploy sets."""


@cache
def held_names() -> dict[str, HeldName]:
    rows = read_table(DATA.read_text())
    return {
        token: HeldName(
            type=token,
            name_input=row["name"],
            held=row["held"],
            handled=row["handled"],
            source=" ".join(str(row["source"]).split()),
            read=str(row["read"]),
            redeploy=dict(row.get("redeploy") or {}),
        )
        for token, row in rows.items()
    }


def held_resources(graph: PlannedGraph, handled: tuple[str, ...] = MUST_NOT_ASK_AGAIN) -> dict[str, str]:
    """URN -> cloud-side name of every resource in the plan whose name outlives its deletion and whose
    row's handling is one of `handled` (by default those the redeploy must not ask for again)."""
    rows = held_names()
    return {
        r.urn: str(r.get(rows[r.type].name_input))
        for r in graph.resources
        if r.type in rows and rows[r.type].handled in handled
    }


def redeploy_settings(destroyed: PlannedGraph) -> dict[str, Any]:
    """The spec settings a redeploy of this plan needs besides raising `generation` (docs: Teardown)."""
    rows = held_names()
    return {k: v for r in destroyed.resources if r.type in rows for k, v in rows[r.type].redeploy.items()}


def retained_without_row(graph: PlannedGraph) -> list[str]:
    """Resources the stack keeps on destroy (`retain_on_delete`) whose type has no row: a kept resource holds
    its name by definition, so the redeploy's way past it must be in the table."""
    rows = held_names()
    return [f"{r.type} {r.name}" for r in graph.resources if r.retain_on_delete and r.type not in rows]


def redeploy_clashes(destroyed: PlannedGraph, redeployed: PlannedGraph) -> list[str]:
    """Names the redeploy would ask for that the destroyed deployment still holds."""
    held = set(held_resources(destroyed).values())
    rows = held_names()
    return [
        f"{urn} asks for {name!r}, still held after the destroy: {rows[redeployed.by_urn(urn).type].held} "
        f"[{rows[redeployed.by_urn(urn).type].source}]"
        for urn, name in held_resources(redeployed).items()
        if name in held
    ]
