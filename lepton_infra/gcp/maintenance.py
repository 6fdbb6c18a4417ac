"""The spec's maintenance window as GKE's recurring window (pure: no Pulumi, no SDK).

GKE's `maintenancePolicy.window.recurringWindow` (pulumi-gcp `ClusterMaintenancePolicyRecurringWindowArgs`)
takes a first occurrence as two RFC 3339 times, whose difference is the window's length, and an RFC 5545
RRULE. Source: GKE docs "Configure maintenance windows and exclusions" and the pulumi-gcp 10.2 args, read
2026-12-07: at least 48 hours of availability in any 32 days, only windows of 4 hours or more count, and
day-of-week recurrences are evaluated in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from lepton_infra.core.errors import Problem
from lepton_infra.profiles.gcp.rules import GKE_HOURS_PER_32_DAYS
from lepton_infra.spec.maintenance import MIN_HOURS, MaintenanceWindow

# What GKE asks of a window: 48 hours in any 32 days, counting only stretches of 4 hours or more.
MIN_HOURS_PER_32_DAYS = GKE_HOURS_PER_32_DAYS
MIN_COUNTED_HOURS = MIN_HOURS

# The first occurrence is anchored on a fixed past date (not today's), so the plan is the same every day.
ANCHOR = date(2026, 1, 1)
RRULE_DAYS = {
    "monday": "MO",
    "tuesday": "TU",
    "wednesday": "WE",
    "thursday": "TH",
    "friday": "FR",
    "saturday": "SA",
    "sunday": "SU",
}
_WEEKDAY_INDEX = {day: i for i, day in enumerate(RRULE_DAYS)}  # date.weekday(): Monday is 0
_RFC3339_UTC = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class RecurringWindow:
    start_time: str  # RFC 3339, UTC: the first occurrence's start
    end_time: str  # RFC 3339, UTC: the first occurrence's end (its length is every occurrence's length)
    recurrence: str  # RFC 5545 RRULE: FREQ=DAILY or FREQ=WEEKLY;BYDAY=SU

    @property
    def hours(self) -> float:
        start = datetime.strptime(self.start_time, _RFC3339_UTC)
        end = datetime.strptime(self.end_time, _RFC3339_UTC)
        return (end - start).total_seconds() / 3600

    @property
    def hours_per_32_days(self) -> float:
        """The availability GKE is sure to see in any 32 days: every weekday occurs at least 4 times."""
        if self.recurrence == "FREQ=DAILY":
            return 32 * self.hours
        days = re.fullmatch(r"FREQ=WEEKLY;BYDAY=([A-Z]{2}(,[A-Z]{2})*)", self.recurrence)
        return 4 * len(days.group(1).split(",")) * self.hours if days else 0.0

    def problems(self, path: str) -> Iterator[Problem]:
        """What GKE refuses in this window (the rules above), reported at `path`."""
        try:
            hours, per_32_days = self.hours, self.hours_per_32_days
        except ValueError:
            yield Problem(
                path, self, "start_time and end_time are not RFC 3339 UTC times", "use recurring_window()"
            )
            return
        if hours < MIN_COUNTED_HOURS or per_32_days < MIN_HOURS_PER_32_DAYS:
            yield Problem(
                path,
                self,
                f"GKE needs {MIN_HOURS_PER_32_DAYS} hours of availability in any 32 days, in windows of "
                f"{MIN_COUNTED_HOURS} hours or more (this gives {per_32_days:g})",
                "open it longer or more often (FREQ=DAILY, or a weekly window of 12 hours or more)",
            )


def recurring_window(day: str, start: str, duration_hours: int) -> RecurringWindow:
    """`day` is `daily` or a weekday name, `start` HH:MM UTC."""
    first = ANCHOR
    if day != "daily":
        first += timedelta(days=(_WEEKDAY_INDEX[day] - ANCHOR.weekday()) % 7)
    hours, minutes = (int(p) for p in start.split(":"))
    opens = datetime(first.year, first.month, first.day, hours, minutes)
    closes = opens + timedelta(hours=duration_hours)
    return RecurringWindow(
        start_time=opens.strftime(_RFC3339_UTC),
        end_time=closes.strftime(_RFC3339_UTC),
        recurrence="FREQ=DAILY" if day == "daily" else f"FREQ=WEEKLY;BYDAY={RRULE_DAYS[day]}",
    )


def spec_window(window: MaintenanceWindow) -> RecurringWindow:
    """The spec's `cluster.maintenance` (its default when none is written) as GKE's recurring window."""
    return recurring_window(window.day, window.start, window.duration_hours)


def minor_hold_start(minor: str) -> str:
    """When the exclusion that holds `minor` starts: the day GKE released it (core/data/
    kubernetes_versions.yaml), a fixed past time, so the plan is the same every day and changes only with
    the minor. A minor the table has no release date for starts on the window's anchor."""
    from lepton_infra.core.kubernetes_versions import lifecycle

    row = lifecycle().clouds["gcp"].minors.get(minor)
    start = row.released if row is not None and row.released is not None else ANCHOR
    return datetime(start.year, start.month, start.day).strftime(_RFC3339_UTC)
