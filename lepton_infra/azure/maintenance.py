"""The spec's maintenance window as AKS planned maintenance: two `MaintenanceConfiguration`s on the cluster.

AKS reads two named configurations (AKS docs "Use planned maintenance to schedule and control upgrades",
read 2026-12-07; azure-native 3.29 `containerservice.MaintenanceConfiguration`, API 2025-09-01):
- `aksManagedAutoUpgradeSchedule`: when the cluster's auto-upgrade channel (`patch`) may upgrade;
- `aksManagedNodeOSUpgradeSchedule`: when the node OS channel may act. With `NodeImage` that is the weekly
  reimage of every node, GPU nodes included (drained first): without a schedule it runs at any hour.
A window lasts 4 to 24 hours (`durationHours`); `startTime` is HH:mm at `utcOffset`. A configuration for a
channel that is off (`none`, or a node OS channel AKS does not drive) would schedule nothing: none is made.
The `default` configuration (AKS's own weekly releases) is left alone. AKS may still break a window for
urgent fixes ("best effort").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import containerservice

from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.spec.maintenance import MaintenanceWindow
from lepton_infra.spec.problems import like_spec_field

AUTO_UPGRADE_SCHEDULE = "aksManagedAutoUpgradeSchedule"
NODE_OS_UPGRADE_SCHEDULE = "aksManagedNodeOSUpgradeSchedule"
# Node OS channels AKS itself rolls out (Unmanaged leaves it to the OS, None to nobody).
SCHEDULED_NODE_OS_CHANNELS = ("NodeImage", "SecurityPatch")
UTC = "+00:00"


@dataclass(frozen=True)
class AksMaintenanceWindow:
    day: str  # "daily" or a weekday in lowercase, as the spec writes it
    start: str  # HH:MM, UTC
    duration_hours: int  # 4 to 24

    def problems(self, path: str) -> Iterator[Problem]:
        """What AKS refuses in the window (the spec's `cluster.maintenance` bounds), under `path`."""
        for name in ("day", "start", "duration_hours"):
            yield from like_spec_field(f"{path}.{name}", getattr(self, name), MaintenanceWindow, name)


def schedule(window: AksMaintenanceWindow) -> containerservice.ScheduleArgs:
    if window.day == "daily":
        return containerservice.ScheduleArgs(daily=containerservice.DailyScheduleArgs(interval_days=1))
    return containerservice.ScheduleArgs(
        weekly=containerservice.WeeklyScheduleArgs(day_of_week=window.day.capitalize(), interval_weeks=1)
    )


def scheduled_configs(upgrade_channel: str, node_os_upgrade_channel: str) -> list[tuple[str, str]]:
    """(child role, AKS configuration name) of each configuration that has something to schedule."""
    configs = []
    if upgrade_channel != "none":
        configs.append(("auto-upgrade-window", AUTO_UPGRADE_SCHEDULE))
    if node_os_upgrade_channel in SCHEDULED_NODE_OS_CHANNELS:
        configs.append(("node-os-window", NODE_OS_UPGRADE_SCHEDULE))
    return configs


def maintenance_configurations(
    name: str,
    *,
    window: AksMaintenanceWindow,
    resource_group_name: pulumi.Input[str],
    cluster_name: pulumi.Input[str],
    upgrade_channel: str,
    node_os_upgrade_channel: str,
    opts: pulumi.ResourceOptions,
) -> list[containerservice.MaintenanceConfiguration]:
    return [
        containerservice.MaintenanceConfiguration(
            child_name(name, role),
            config_name=config,
            resource_group_name=resource_group_name,
            resource_name_=cluster_name,
            maintenance_window=containerservice.MaintenanceWindowArgs(
                schedule=schedule(window),
                start_time=window.start,
                duration_hours=window.duration_hours,
                utc_offset=UTC,
            ),
            opts=opts,
        )
        for role, config in scheduled_configs(upgrade_channel, node_os_upgrade_channel)
    ]
