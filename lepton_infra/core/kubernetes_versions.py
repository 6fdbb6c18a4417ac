"""The Kubernetes version lifecycle on each cloud (`data/kubernetes_versions.yaml`), compared with the
plan's own date.

Data, not code, and SDK-free: the spec refuses a minor the cloud no longer creates (or one past standard
support without the paid opt-in) before anything is registered, the report prints how long the chosen
minor stays supported, and the cost model prices extended support, all from the same dated, sourced rows.

The plan's date is today (UTC) unless `LEPTON_PLAN_DATE=YYYY-MM-DD` says otherwise (`lepton-infra plan
--date` sets it), so a reproducible run pins it and an old pin turns into a refusal at plan time rather
than a failed apply.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

from lepton_infra.core.chart_support import chart_support, minor_tuple
from lepton_infra.core.yaml_table import read_table

DATA = Path(__file__).parent / "data" / "kubernetes_versions.yaml"
PLAN_DATE_ENV = "LEPTON_PLAN_DATE"
WARN_DAYS = 60  # the plan warns this many days (or fewer) before the support in use ends
CLOUDS = ("aws", "gcp", "azure")

Support = Literal["standard", "extended"]
# Where a minor stands on a date: not in the table, not yet released, in standard support, in extended
# support (created only with the paid opt-in), or no longer created at all.
Phase = Literal["unknown", "unreleased", "standard", "extended", "ended"]


@dataclass(frozen=True)
class MinorLifecycle:
    """One row: a minor's lifecycle on one cloud, with where it comes from."""

    cloud: str
    minor: str
    released: date | None
    standard_ends: date  # the first day out of standard support
    extended_ends: date | None  # the first day the cloud no longer creates (or supports) it at all
    channels: tuple[str, ...]
    no_channel_default: bool
    source: str
    as_of: str
    read: date
    derived: str | None


@dataclass(frozen=True)
class CloudLifecycle:
    cloud: str
    service: str  # how users name the managed service: EKS, GKE, AKS
    standard_channel: str  # the channel of standard creation (GKE: its default, REGULAR)
    extended_channel: str  # the channel of the paid opt-in
    rule: str
    minors: Mapping[str, MinorLifecycle]


@dataclass(frozen=True)
class Lifecycle:
    read: date  # the table's date: the default minor is computed for it
    clouds: Mapping[str, CloudLifecycle]


@cache
def lifecycle() -> Lifecycle:
    raw = read_table(DATA.read_text())
    clouds = {
        cloud: CloudLifecycle(
            cloud=cloud,
            service=str(body["service"]),
            standard_channel=str(body["standard_channel"]),
            extended_channel=str(body["extended_channel"]),
            rule=" ".join(str(body["rule"]).split()),
            minors={str(minor): _row(cloud, str(minor), row) for minor, row in body["minors"].items()},
        )
        for cloud, body in raw["clouds"].items()
    }
    return Lifecycle(read=raw["read"], clouds=clouds)


def _row(cloud: str, minor: str, row: dict[str, Any]) -> MinorLifecycle:
    return MinorLifecycle(
        cloud=cloud,
        minor=minor,
        released=row.get("released"),
        standard_ends=row["standard_ends"],
        extended_ends=row.get("extended_ends"),
        channels=tuple(row["channels"]),
        no_channel_default=bool(row.get("no_channel_default", False)),
        source=" ".join(str(row["source"]).split()),
        as_of=" ".join(str(row["as_of"]).split()),
        read=row["read"],
        derived=" ".join(str(row["derived"]).split()) if row.get("derived") else None,
    )


# --- the plan's date ------------------------------------------------------------------------------------


class PlanDateError(ValueError):
    """`LEPTON_PLAN_DATE` is set but is not a YYYY-MM-DD date."""


def plan_date() -> date:
    """The date the plan is judged at: `LEPTON_PLAN_DATE` (YYYY-MM-DD) when set, else today in UTC."""
    raw = os.environ.get(PLAN_DATE_ENV, "").strip()
    if not raw:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise PlanDateError(raw) from None


@contextmanager
def plan_date_override(value: date | None) -> Iterator[None]:
    """Judge the plans run inside at `value` (None: leave the environment as it is)."""
    if value is None:
        yield
        return
    before = os.environ.get(PLAN_DATE_ENV)
    os.environ[PLAN_DATE_ENV] = value.isoformat()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(PLAN_DATE_ENV, None)
        else:
            os.environ[PLAN_DATE_ENV] = before


# --- where a minor stands on a date ---------------------------------------------------------------------


@dataclass(frozen=True)
class SupportStatus:
    cloud: str
    service: str
    minor: str
    on: date
    row: MinorLifecycle | None

    @property
    def phase(self) -> Phase:
        row = self.row
        if row is None:
            return "unknown"
        if row.released is not None and self.on < row.released:
            return "unreleased"
        if self.on < row.standard_ends:
            return "standard"
        if row.extended_ends is not None and self.on < row.extended_ends:
            return "extended"
        return "ended"

    def creatable(self, support: Support) -> bool:
        """Whether the cloud creates this minor on `on` with `support` (channels aside: a GKE cluster also
        needs its channel to offer the minor, profiles/gcp/rules.py)."""
        if support == "standard":
            return self.phase == "standard"
        return self.phase in ("standard", "extended") and self.offers_extended

    @property
    def offers_extended(self) -> bool:
        return self.row is not None and lifecycle().clouds[self.cloud].extended_channel in self.row.channels

    def support_ends(self, support: Support) -> date | None:
        """When the support in use ends: standard support, or with the opt-in the extended period."""
        if self.row is None:
            return None
        return self.row.standard_ends if support == "standard" else self.row.extended_ends

    def warning(self, support: Support) -> str | None:
        """A sentence when a support deadline is `WARN_DAYS` days away or fewer, else None."""
        row = self.row
        if row is None or not self.creatable(support):
            return None
        if self.phase == "standard" and 0 < (row.standard_ends - self.on).days <= WARN_DAYS:
            days = (row.standard_ends - self.on).days
            then = (
                "paid extended support starts then"
                if support == "extended"
                else "upgrade before then (or opt into paid extended support with `cluster.support: "
                "extended`)"
            )
            return (
                f"standard support for Kubernetes {self.minor} on {self.service} ends {row.standard_ends} "
                f"({days} days after the plan date {self.on}): {then}"
            )
        ends = row.extended_ends
        if support == "extended" and ends is not None and 0 < (ends - self.on).days <= WARN_DAYS:
            return (
                f"extended support for Kubernetes {self.minor} on {self.service} ends {ends} "
                f"({(ends - self.on).days} days after the plan date {self.on}): upgrade before then"
            )
        return None


def status(cloud: str, minor: str, on: date) -> SupportStatus:
    table = lifecycle().clouds[cloud]
    return SupportStatus(cloud, table.service, minor, on, table.minors.get(minor))


def standard_minors(cloud: str, on: date, channel: str | None = None) -> list[str]:
    """Minors `cloud` creates in standard support on `on` (in `channel`, when given), oldest first."""
    table = lifecycle().clouds[cloud]
    wanted = channel or table.standard_channel
    return sorted(
        (
            minor
            for minor, row in table.minors.items()
            if status(cloud, minor, on).phase == "standard" and wanted in row.channels
        ),
        key=minor_tuple,
    )


@cache
def default_minor() -> str:
    """The newest minor every cloud creates in standard support on the table's date (GKE in its default
    channel) that every pinned chart also supports: what `cluster.version` defaults to. The charts bound
    it because a default the spec then refuses would be no default (on 2026-12-07 the clouds agree on
    1.36, KEDA 2.20.2 is tested up to 1.35, and KEDA 2.21 could not be read here)."""
    on = lifecycle().read
    common = set(standard_minors(CLOUDS[0], on))
    for cloud in CLOUDS[1:]:
        common &= set(standard_minors(cloud, on))
    charted = {m for m in common if all(row.supports_kubernetes(m) for row in chart_support().values())}
    if not charted:
        raise RuntimeError(
            f"{DATA}: no minor is in standard support on every cloud on {on} and supported by every "
            "pinned chart (core/data/chart_support.yaml)"
        )
    return max(charted, key=minor_tuple)
