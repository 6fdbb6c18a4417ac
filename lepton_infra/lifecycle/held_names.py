"""The redeploy-after-destroy check: every resource whose cloud-side name outlives its deletion
(core/data/held_names.yaml, sourced per row) must be renamed by the redeploy's plan, so `up` after
`destroy` never meets a name held by soft delete or by a cloud that never deletes it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from lepton_infra.plan.record import PlannedGraph

DATA = Path(__file__).resolve().parent.parent / "core" / "data" / "held_names.yaml"


@dataclass(frozen=True)
class HeldName:
    type: str
    name_input: str
    held: str
    handled: str
    source: str
    read: str


@cache
def held_names() -> dict[str, HeldName]:
    rows = yaml.safe_load(DATA.read_text())
    return {
        token: HeldName(
            type=token,
            name_input=row["name"],
            held=row["held"],
            handled=row["handled"],
            source=" ".join(str(row["source"]).split()),
            read=str(row["read"]),
        )
        for token, row in rows.items()
    }


HANDLINGS = ("generation", "recovered")


def held_resources(graph: PlannedGraph, handled: str = "generation") -> dict[str, str]:
    """URN -> cloud-side name of every resource in the plan whose name outlives its deletion and that the
    redeploy must rename (`generation`; `recovered` ones are taken back by asking for the same name)."""
    rows = held_names()
    return {
        r.urn: str(r.get(rows[r.type].name_input))
        for r in graph.resources
        if r.type in rows and rows[r.type].handled == handled
    }


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
