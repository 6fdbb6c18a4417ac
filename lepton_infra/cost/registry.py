"""The cost registry: what a cost rule returns (`CostItem`, built with `cost_item`) and where it registers
(`rule`), one function per type token. It imports no rule module: `lepton_infra.cost.rules` imports them
all."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from lepton_infra.catalog import HOURS_PER_MONTH
from lepton_infra.cost.prices import Price, PriceBook
from lepton_infra.plan.record import PlannedGraph, RecordedResource


@dataclass(frozen=True)
class CostItem:
    urn: str
    type: str
    name: str
    # node_pool | control_plane | nat | kms | endpoint | load_balancer | logs | dns | filesystem
    category: str
    usd_per_hour: float  # per unit
    idle_units: float
    max_units: float
    price_source: str
    price_date: str
    pool: str | None = None
    machine_type: str | None = None
    gpus_per_unit: int = 0
    note: str | None = None

    @property
    def monthly_usd_idle(self) -> float:
        return round(self.usd_per_hour * self.idle_units * HOURS_PER_MONTH, 2)

    @property
    def monthly_usd_max(self) -> float:
        return round(self.usd_per_hour * self.max_units * HOURS_PER_MONTH, 2)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["monthly_usd_idle"] = self.monthly_usd_idle
        out["monthly_usd_max"] = self.monthly_usd_max
        return out


Rule = Callable[[RecordedResource, PlannedGraph, PriceBook], Iterator[CostItem]]


RULES: dict[str, Rule] = {}


def rule(*types: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        for t in types:
            if t in RULES:
                raise ValueError(f"two cost rules for {t}: {RULES[t].__qualname__} and {fn.__qualname__}")
            RULES[t] = fn
        return fn

    return register


def cost_item(
    r: RecordedResource, category: str, price: Price, idle: float, max_: float, **kw: Any
) -> CostItem:
    return CostItem(
        urn=r.urn,
        type=r.type,
        name=r.name,
        category=category,
        usd_per_hour=price.usd_per_hour,
        idle_units=idle,
        max_units=max_,
        price_source=price.source,
        price_date=price.date,
        **kw,
    )
