"""`cluster.maintenance` reaches the clouds that have a maintenance window: GKE's recurring window and AKS's
two planned-maintenance configurations (cluster auto-upgrade and the weekly node image reimage, which drains
GPU nodes). Values the clouds refuse are refused at spec time, naming the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi
import pytest

from lepton_infra.plan.record import PlannedGraph
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec
from tests.conftest import SHIPPED_STACKS, spec_problems
from tests.kubernetes.harness import raw_spec, shipped_spec

GKE_CLUSTER = "gcp:container/cluster:Cluster"
AKS_MAINTENANCE = "azure-native:containerservice:MaintenanceConfiguration"
AKS_CLUSTER = "azure-native:containerservice:ManagedCluster"
NO_DEFAULT_PROVIDERS = {"pulumi:disable-default-providers": ["*"]}
# The default window: Sunday 00:00-12:00 UTC, written out.
SUNDAY_WEEKLY = {"dayOfWeek": "Sunday", "intervalWeeks": 1}


def _stacks(cloud: str) -> list[str]:
    return [s for s in SHIPPED_STACKS if s.startswith(f"{cloud}-")]


@pytest.mark.parametrize("stack", _stacks("gcp"))
def test_gke_opens_the_default_window(plan_stack: Any, platform_dir: Path, stack: str) -> None:
    policy = plan_stack(platform_dir, stack).one(GKE_CLUSTER).get("maintenancePolicy")
    assert policy["recurringWindow"] == {
        "startTime": "2026-01-04T00:00:00Z",  # a Sunday
        "endTime": "2026-01-04T12:00:00Z",
        "recurrence": "FREQ=WEEKLY;BYDAY=SU",
    }


@pytest.mark.parametrize("stack", _stacks("gcp"))
def test_gke_holds_the_spec_minor_until_its_end_of_support(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    """Without a hold the REGULAR channel upgrades the control plane and every pool past
    `cluster.version` (a floor, `minMasterVersion`), e.g. to a minor the pinned charts do not support;
    a NO_MINOR_UPGRADES exclusion until the minor's end of support keeps patches and node images coming
    and leaves the minor to the spec (GKE API MaintenanceExclusionOptions: scope, endTimeBehavior)."""
    cluster = plan_stack(platform_dir, stack).one(GKE_CLUSTER)
    assert cluster.get("releaseChannel.channel") == "REGULAR" and cluster.get("minMasterVersion") == "1.35"
    assert cluster.get("maintenancePolicy.maintenanceExclusions") == [
        {
            "exclusionName": "lepton-hold-minor",
            "startTime": "2026-02-11T00:00:00Z",  # GKE's release of 1.35 (core/data/kubernetes_versions.yaml)
            "exclusionOptions": {"scope": "NO_MINOR_UPGRADES", "endTimeBehavior": "UNTIL_END_OF_SUPPORT"},
        }
    ]


@pytest.mark.parametrize("stack", _stacks("azure"))
def test_aks_schedules_upgrades_and_node_images_in_the_default_window(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    graph = plan_stack(platform_dir, stack)
    cluster = graph.one(AKS_CLUSTER)
    configs = {c.get("configName"): c for c in graph.of_type(AKS_MAINTENANCE)}
    assert sorted(configs) == ["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"]
    for config in configs.values():
        assert config.get("maintenanceWindow") == {
            "schedule": {"weekly": SUNDAY_WEEKLY},
            "startTime": "00:00",
            "durationHours": 12,
            "utcOffset": "+00:00",
        }
        assert config.get("resourceGroupName") == cluster.get("resourceGroupName")
        assert cluster.urn in config.dependencies  # on this cluster, after it exists


def _plan(plan_program: Any, raw: dict[str, Any]) -> PlannedGraph:
    spec = PlatformSpec.from_dict(raw)

    def program() -> None:
        for key, value in build(spec).outputs.items():
            pulumi.export(key, value)

    return plan_program(program, NO_DEFAULT_PROVIDERS)


def _with_window(stack: str, window: dict[str, Any]) -> dict[str, Any]:
    raw = raw_spec(stack)
    raw["cluster"] = {**raw.get("cluster", {}), "maintenance": window}
    return raw


def test_gke_takes_the_specs_own_daily_window(plan_program: Any) -> None:
    graph = _plan(
        plan_program, _with_window("gcp-dev", {"day": "daily", "start": "22:30", "duration_hours": 6})
    )
    assert graph.one(GKE_CLUSTER).get("maintenancePolicy.recurringWindow") == {
        "startTime": "2026-01-01T22:30:00Z",
        "endTime": "2026-01-02T04:30:00Z",
        "recurrence": "FREQ=DAILY",
    }


def test_aks_takes_the_specs_own_window(plan_program: Any) -> None:
    graph = _plan(
        plan_program, _with_window("azure-dev", {"day": "wednesday", "start": "19:00", "duration_hours": 4})
    )
    windows = [c.get("maintenanceWindow") for c in graph.of_type(AKS_MAINTENANCE)]
    assert windows == 2 * [
        {
            "schedule": {"weekly": {"dayOfWeek": "Wednesday", "intervalWeeks": 1}},
            "startTime": "19:00",
            "durationHours": 4,
            "utcOffset": "+00:00",
        }
    ]


def test_aks_schedules_only_the_channels_it_drives(plan_program: Any) -> None:
    raw = raw_spec("azure-dev")
    raw["azure"] = {**raw["azure"], "upgrade_channel": "none", "node_os_upgrade_channel": "Unmanaged"}
    assert _plan(plan_program, raw).of_type(AKS_MAINTENANCE) == []


@pytest.mark.parametrize(
    ("window", "path"),
    [
        ({"start": "25:00"}, "cluster.maintenance.start"),
        ({"start": "3am"}, "cluster.maintenance.start"),
        ({"duration_hours": 3}, "cluster.maintenance.duration_hours"),
        ({"duration_hours": 25}, "cluster.maintenance.duration_hours"),
        ({"day": "funday"}, "cluster.maintenance.day"),
        ({"days": ["sunday"]}, "cluster.maintenance.days"),
    ],
)
@pytest.mark.parametrize("stack", ["aws-dev", "gcp-dev", "azure-dev"])
def test_a_window_no_cloud_accepts_is_refused_by_field(window: dict[str, Any], path: str, stack: str) -> None:
    raw = shipped_spec(stack)
    raw["cluster"] = {**raw.get("cluster", {}), "maintenance": window}
    assert path in spec_problems(raw)


def test_gke_refuses_a_weekly_window_shorter_than_12_hours() -> None:
    raw = shipped_spec("gcp-dev")
    raw["cluster"] = {**raw.get("cluster", {}), "maintenance": {"day": "saturday", "duration_hours": 8}}
    message = spec_problems(raw)["cluster.maintenance.duration_hours"]
    assert "48 hours" in message and "gives 32" in message and "day: daily" in message


@pytest.mark.parametrize("stack", ["aws-dev", "azure-dev"])
def test_a_short_weekly_window_is_fine_where_the_cloud_allows_it(stack: str) -> None:
    raw = shipped_spec(stack)
    raw["cluster"] = {**raw.get("cluster", {}), "maintenance": {"day": "saturday", "duration_hours": 4}}
    assert not [p for p in spec_problems(raw) if p.startswith("cluster.maintenance")]
