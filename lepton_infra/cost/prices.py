"""Where prices come from: the machine catalog, the fee table, and the spec's overrides."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from lepton_infra.catalog import HOURS_PER_MONTH, Cloud, Machine, catalog


@dataclass(frozen=True)
class Price:
    usd_per_hour: float
    source: str
    date: str


@cache
def fees() -> dict[str, dict[str, Any]]:
    return yaml.safe_load(resources.files("lepton_infra.cost").joinpath("fees.yaml").read_text())


class PriceBook:
    """Looks prices up; an override (USD/hour, by machine type or fee key) wins over list prices."""

    def __init__(self, overrides: dict[str, float] | None = None) -> None:
        self.overrides = dict(overrides or {})

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
        if spot:
            discount = catalog(cloud).spot_discount
            hourly *= 1.0 - discount
            source += f"; spot at an estimated {discount:.0%} discount"
        return Price(hourly, source, machine.price_date), machine

    def log_ingestion_monthly(self) -> tuple[float, str]:
        per_gb = float(fees()["log-ingestion-per-gb"]["usd_per_gb"])
        gb = float(fees()["assumed-log-gb-per-month-per-group"]["gb"])
        return per_gb * gb, f"assumption: {gb:g} GB/month ingested at ${per_gb}/GB"
