"""Committed capacity: a pool's reservation is billed whether nodes run in it or not.

An On-Demand Capacity Reservation (AWS), a specific reservation (GCP) and a capacity reservation group
(Azure) bill their reserved VMs at the VMs' rate for as long as they exist, used or not (EC2 User Guide
"On-Demand Capacity Reservations", Billing; Compute Engine "Reservations of Compute Engine zonal
resources", Pricing; Azure "On-demand capacity reservation", Pricing; stored copies read 2026-12-07). A
Capacity Block for ML is paid upfront, once, for its window, at a price quoted at purchase: it is shown at
the on-demand rate over the window's hours (an estimate, said on the row). The nodes running inside a
reservation cost nothing more, so the pool's own row keeps only nodes beyond it (Azure lets a pool run
past its group's quantity; AWS and GCP refuse it in the spec)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from lepton_infra.catalog import HOURS_PER_MONTH
from lepton_infra.core.conventions import PLATFORM_CONFIG_KEY
from lepton_infra.cost.registry import CostItem
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec.platform import spec_in_config
from lepton_infra.spec.reservation import ReservationSpec

CATEGORY = "reservation"


def _names_a_reservation(raw: object) -> bool:
    """Whether the recorded spec (JSON text or parsed) gives any pool a reservation: the spec is validated
    again only then (a platform without one pays nothing for this on each of its pools)."""
    if isinstance(raw, str):
        return '"reservation"' in raw
    pools = raw.get("node_pools") if isinstance(raw, dict) else None
    return isinstance(pools, list) and any(isinstance(p, dict) and p.get("reservation") for p in pools)


def pool_reservation(graph: PlannedGraph | None, pool: str | None) -> ReservationSpec | None:
    if graph is None or pool is None or not _names_a_reservation(graph.config.get(PLATFORM_CONFIG_KEY)):
        return None
    spec = spec_in_config(graph.config)
    if spec is None:
        return None
    return next((p.reservation for p in spec.node_pools if p.name == pool), None)


def with_commitment(item: CostItem, graph: PlannedGraph | None) -> Iterator[CostItem]:
    """The pool's row and, for a reserved pool, its committed row (the reserved VMs, always billed)."""
    reservation = pool_reservation(graph, item.pool)
    if reservation is None:
        yield item
        return
    reserved = float(reservation.instances)
    if reservation.kind == "capacity-block":
        units = reserved * reservation.window_hours / HOURS_PER_MONTH
        note = (
            f"capacity block {reservation.id}: {reservation.instances} instances x "
            f"{reservation.window_hours:g} h paid upfront once, at the on-demand rate (an estimate: the "
            "block's price is quoted at purchase)"
        )
    else:
        units = reserved
        note = f"committed: {reservation.kind} {reservation.id}, billed whether nodes run or not"
    yield replace(
        item,
        idle_units=max(0.0, item.idle_units - reserved),
        max_units=max(0.0, item.max_units - reserved),
        note="; ".join(n for n in (item.note, f"beyond the {reservation.instances} reserved") if n),
    )
    yield replace(item, category=CATEGORY, idle_units=units, max_units=units, note=note)
