"""The Azure profile: what the spec layer knows of Azure without importing its SDK."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator, Sequence
from ipaddress import IPv4Network
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.profiles.base import CloudProfile, regex_rule
from lepton_infra.spec.checks import rule
from lepton_infra.spec.cloud_knobs import AzureKnobs
from lepton_infra.spec.tag_rules import AZURE_TAGS
from lepton_infra.spec.traffic_rules import azure_certificate_sources

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

PLATFORM_PACKAGE = "lepton_infra.azure"
# The AKS system pool (inline in the cluster, tainted CriticalAddonsOnly) takes this name.
SYSTEM_POOL_NAME = "sys"
# Azure CNI overlay: pods take addresses from this range, never from the VNet.
POD_CIDR = IPv4Network("10.244.0.0/16")
# Azure limits the spec's own ranges do not know.
MAX_FLOW_LOG_RETENTION_DAYS = 365
MAX_OS_DISK_GB = 2048
MAX_BUDGET_NOTIFICATIONS = 5
# An AKS Linux pool name (AKS "Create node pools": 1-12 lowercase alphanumeric characters, starting with a
# letter); the spec and the `azure.NodePool` component both hold names to it.
AKS_POOL_NAME = r"[a-z][a-z0-9]{0,11}"
AKS_POOL_NAME_RULE = (
    "AKS node pool: up to 12 lowercase letters and digits, starting with a letter, no hyphens"
)
# The platform adds a notification on the month's forecast at these percentages of the budget (azure/
# monitoring.py): the spec's actual-spend thresholds share Azure's five notifications with them.
BUDGET_FORECAST_THRESHOLDS = (100,)


@rule("cloud")
def _platform_available(spec: PlatformSpec) -> Iterator[Problem]:
    # Goes away by itself once the azure package lands.
    if importlib.util.find_spec(PLATFORM_PACKAGE) is None:
        yield Problem("cloud", spec.cloud, "this cloud's platform is not built yet", "use one of: aws, gcp")


# --- what AKS and ARM refuse
# ------------------------------------------------------------------------------------

ENTRA_OBJECT_ID = re.compile(r"^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$")


def azure_problems(
    *,
    cidr: IPv4Network,
    service_cidr: IPv4Network,
    pool_names: Sequence[str],
    disk_gbs: Sequence[int],
    flow_log_retention_days: int,
    budget_thresholds: Sequence[int] | None,
    tenant_admins: Sequence[Sequence[str]] = (),
) -> list[Problem]:
    """What AKS and ARM would refuse at apply time that the cloud-agnostic spec rules cannot know, and
    what AKS would accept but silently never match."""
    problems: list[Problem] = []
    for i, admins in enumerate(tenant_admins):
        for j, group in enumerate(admins):
            # Entra ID tokens carry group object ids: a RoleBinding to a group *name* binds nobody.
            if not ENTRA_OBJECT_ID.match(group):
                problems.append(
                    Problem(
                        f"tenants[{i}].admins[{j}]",
                        group,
                        "on AKS a tenant admin group is "
                        "matched by its Entra ID object id; a group name matches no one",
                        "write the group's object id (az ad group show -g <name> --query id)",
                    )
                )
    if cidr.overlaps(POD_CIDR):
        problems.append(
            Problem(
                "network.cidr",
                str(cidr),
                f"overlaps the AKS overlay pod range {POD_CIDR}",
                "pick a VNet range outside 10.244.0.0/16",
            )
        )
    if service_cidr.overlaps(POD_CIDR):
        problems.append(
            Problem(
                "network.service_cidr",
                str(service_cidr),
                f"overlaps the AKS overlay pod range {POD_CIDR}",
                "pick another service range",
            )
        )
    if service_cidr.prefixlen < 12:
        problems.append(
            Problem(
                "network.service_cidr",
                str(service_cidr),
                "AKS needs a service range smaller than /12",
                "use a /12 to /24 range",
            )
        )
    for i, name in enumerate(pool_names):
        if name == SYSTEM_POOL_NAME:
            problems.append(
                Problem(
                    f"node_pools[{i}].name",
                    name,
                    f"the AKS system pool is called '{SYSTEM_POOL_NAME}'",
                    "rename the pool",
                )
            )
    for i, disk in enumerate(disk_gbs):
        if disk > MAX_OS_DISK_GB:
            problems.append(
                Problem(
                    f"node_pools[{i}].disk_gb",
                    disk,
                    f"AKS OS disks are at most {MAX_OS_DISK_GB} GiB",
                    f"use at most {MAX_OS_DISK_GB}",
                )
            )
    if flow_log_retention_days > MAX_FLOW_LOG_RETENTION_DAYS:
        problems.append(
            Problem(
                "network.flow_log_retention_days",
                flow_log_retention_days,
                f"VNet flow logs keep at most {MAX_FLOW_LOG_RETENTION_DAYS} days",
                f"use at most {MAX_FLOW_LOG_RETENTION_DAYS}",
            )
        )
    if budget_thresholds is not None:
        room = MAX_BUDGET_NOTIFICATIONS - len(BUDGET_FORECAST_THRESHOLDS)
        if len(budget_thresholds) > room:
            problems.append(
                Problem(
                    "budget.thresholds_percent",
                    list(budget_thresholds),
                    f"an Azure budget has at most {MAX_BUDGET_NOTIFICATIONS} notifications, and the "
                    f"platform adds {len(BUDGET_FORECAST_THRESHOLDS)} on the month's forecast",
                    f"keep at most {room} thresholds",
                )
            )
        for i, threshold in enumerate(budget_thresholds):
            if not 0 < threshold <= 1000:
                problems.append(
                    Problem(
                        f"budget.thresholds_percent[{i}]",
                        threshold,
                        "Azure budget thresholds lie in (0, 1000] percent",
                        "use a percentage between 1 and 1000",
                    )
                )
    return problems


@rule("network", "node_pools", "budget", "tenants")
def _aks_limits(spec: PlatformSpec) -> Iterator[Problem]:
    yield from azure_problems(
        cidr=spec.network.cidr,
        service_cidr=spec.network.service_cidr,
        pool_names=[p.name for p in spec.node_pools],
        disk_gbs=[p.disk_gb for p in spec.node_pools],
        flow_log_retention_days=spec.network.flow_log_retention_days,
        budget_thresholds=list(spec.budget.thresholds_percent) if spec.budget else None,
        tenant_admins=[list(t.admins) for t in spec.tenants],
    )


PROFILE = CloudProfile(
    cloud="azure",
    title="Azure",
    knobs=AzureKnobs,
    knobs_required="add `azure: {subscription_id: ...}` (cloud azure needs the subscription)",
    platform_module=f"{PLATFORM_PACKAGE}.platform",
    sdk_module="pulumi_azure_native",
    pool_name=regex_rule(AKS_POOL_NAME, AKS_POOL_NAME_RULE),
    tags=AZURE_TAGS,
    checks=(_platform_available, _aks_limits, azure_certificate_sources),
)
