"""Where prices come from: the machine catalog, the fee table, and the spec's overrides."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lepton_infra.catalog import HOURS_PER_MONTH, Cloud, Machine, catalog
from lepton_infra.core.errors import Problem, SpecError
from lepton_infra.core.yaml_table import read_table

# Which fees belong to which cloud (fees.yaml keys start with these).
_FEE_PREFIXES: dict[str, tuple[str, ...]] = {
    "aws": ("aws-", "eks-"),
    "gcp": ("gcp-", "gke-"),
    "azure": ("azure-", "aks-"),
}


@dataclass(frozen=True)
class Price:
    usd_per_hour: float
    source: str
    date: str


@cache
def fees() -> dict[str, dict[str, Any]]:
    return read_table(resources.files("lepton_infra.cost").joinpath("fees.yaml").read_text())


def price_keys(cloud: Cloud) -> list[str]:
    """What `budget.price_overrides` may name on `cloud`: its catalog machines and its time-based fees."""
    fee_keys = [
        k
        for k, v in fees().items()
        if k.startswith(_FEE_PREFIXES[cloud]) and ("usd_per_hour" in v or "usd_per_month" in v)
    ]
    return sorted({m.name for m in catalog(cloud).machines} | set(fee_keys))


def override_problems(overrides: dict[str, object], path: str = "budget.price_overrides") -> list[Problem]:
    """Overrides that are not a finite, non-negative USD/hour figure."""
    return [
        Problem(
            f"{path}.{key}",
            value,
            "not a finite, non-negative USD/hour price",
            "give the negotiated hourly price, e.g. 0.85",
        )
        for key, value in overrides.items()
        if isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or value < 0
    ]


class PriceBook:
    """Looks prices up; an override (USD/hour, by machine type or fee key) wins over list prices.

    The catalog holds one region's list prices per cloud; machines in another `region` are priced at
    those and labelled so (`us-east-1 list price, not eu-west-1`)."""

    def __init__(self, overrides: dict[str, float] | None = None, region: str | None = None) -> None:
        problems = override_problems(dict(overrides or {}))
        if problems:  # a negative price would make every estimate quietly wrong
            raise SpecError(problems)
        self.overrides = dict(overrides or {})
        self.region = region

    def fee(self, key: str) -> Price:
        if key in self.overrides:
            return Price(self.overrides[key], "spec override", "spec")
        fee = fees()[key]
        if "usd_per_hour" in fee:
            hourly = float(fee["usd_per_hour"])
        elif "usd_per_month" in fee:
            hourly = float(fee["usd_per_month"]) / HOURS_PER_MONTH
        else:
            raise KeyError(f"fee {key} is not a time-based price")
        return Price(hourly, str(fee["source"]), str(fee["date"]))

    def machine(self, cloud: Cloud, name: str, spot: bool) -> tuple[Price, Machine | None]:
        machine = catalog(cloud).machine(name)
        if name in self.overrides:
            return Price(self.overrides[name], "spec override", "spec"), machine
        if machine is None:
            return Price(0.0, f"unknown machine {name}: not in the {cloud} catalog", "n/a"), None
        hourly = machine.usd_per_hour
        source = machine.price_source
        price_region = catalog(cloud).price_region
        if self.region and self.region != price_region:
            source += (
                f"; {price_region} list price, not {self.region} (the catalog has no {self.region} price)"
            )
        if spot:
            discount = catalog(cloud).spot_discount
            hourly *= 1.0 - discount
            source += f"; spot at an estimated {discount:.0%} discount"
        return Price(hourly, source, machine.price_date), machine

    def usage_per_gib(self, key: str) -> tuple[float, Price]:
        """A usage-only fee: its $/GiB and, as the line's price, nothing per hour with the fee's source."""
        fee = fees()[key]
        return float(fee["usd_per_gib"]), Price(0.0, str(fee["source"]), str(fee["date"]))

    def log_ingestion_monthly(self) -> tuple[float, str]:
        per_gb = float(fees()["log-ingestion-per-gb"]["usd_per_gb"])
        gb = float(fees()["assumed-log-gb-per-month-per-group"]["gb"])
        return per_gb * gb, f"assumption: {gb:g} GB/month ingested at ${per_gb}/GB"
