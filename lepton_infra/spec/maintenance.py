"""`cluster.maintenance`: when the cloud may upgrade and reimage the cluster on its own.

One recurring window, in UTC, on every cloud: GKE's maintenance policy, AKS's planned-maintenance schedules
(cluster auto-upgrade and node OS), and on EKS nothing (EKS has no such window: docs/aws.md). Times are UTC
because GKE evaluates day-of-week recurrences in UTC ("Configure maintenance windows and exclusions") and a
UTC window does not move twice a year with daylight saving.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lepton_infra.core.spec_model import SpecModel, described

MaintenanceDay = Literal[
    "daily", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"
]
# AKS accepts windows of 4 to 24 hours (MaintenanceWindow.durationHours, API 2025-09-01 in azure-native 3.29);
# GKE counts only contiguous windows of at least four hours.
MIN_HOURS = 4
MAX_HOURS = 24


class MaintenanceWindow(SpecModel):
    day: MaintenanceDay = Field(
        default="sunday",
        description="The day the window opens (UTC), or `daily`. Default sunday: the weekend, when the "
        "fewest people are waiting on a training job or an endpoint.",
    )
    start: str = Field(
        default="00:00",
        pattern=described(
            r"^([01][0-9]|2[0-3]):[0-5][0-9]$", "a time of day HH:MM in UTC (24-hour clock), e.g. '03:00'"
        ),
        description="When the window opens, HH:MM in UTC. Default 00:00.",
    )
    duration_hours: int = Field(
        default=12,
        ge=MIN_HOURS,
        le=MAX_HOURS,
        description="How long the window stays open, 4 to 24 hours (AKS's range; GKE ignores shorter "
        "windows). A weekly window needs at least 12 on GCP: GKE requires 48 hours of maintenance "
        "availability in any 32 days. Default 12 (Sunday 00:00 to 12:00 UTC).",
    )

    @property
    def weekly(self) -> bool:
        return self.day != "daily"


MAINTENANCE_DESCRIPTION = (
    "When the cloud may upgrade the control plane and roll the nodes on its own: one recurring window in "
    "UTC, `{day, start, duration_hours}`. GKE: the cluster's recurring maintenance window (auto-upgrades, "
    "node image and node pool changes wait for it). AKS: the `aksManagedAutoUpgradeSchedule` and "
    "`aksManagedNodeOSUpgradeSchedule` maintenance configurations, so the cluster's patch upgrades and the "
    "weekly node image reimage (which drains GPU nodes) run only then. EKS has no maintenance window: "
    "nothing changes outside a `pulumi up` except AWS's forced upgrade at the end of standard support "
    "(docs/aws.md). Both clouds still apply urgent security fixes outside any window. Default Sunday "
    "00:00 UTC for 12 hours on every environment (dev rehearses what prod will see); it costs nothing: "
    "windows are free on every cloud, the price is that node fixes wait up to a week."
)
