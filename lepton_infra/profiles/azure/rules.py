"""Azure's pre-flight rules: what AKS, ARM and Azure DNS would refuse at apply time, or accept and then
silently never match, checked at spec time for cloud: azure."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from ipaddress import IPv4Network
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.core.exposure import exposed_services, within
from lepton_infra.core.spec_checks import Rule, rule
from lepton_infra.profiles.azure.limits import (
    BUDGET_FORECAST_THRESHOLDS,
    MAX_BUDGET_NOTIFICATIONS,
    MAX_FLOW_LOG_RETENTION_DAYS,
    MAX_OS_DISK_GB,
    POD_CIDR,
    SYSTEM_POOL_NAME,
)
from lepton_infra.profiles.public_zone import acme_needs_zone, public_records_need_zone

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

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


# Names Azure refuses for a private DNS zone in the public cloud, and its label limit ("What is an Azure
# Private DNS zone?", Restrictions). Their subdomains are allowed (privatelink.blob.core.windows.net is one).
AZURE_RESERVED_PRIVATE_ZONES = frozenset(
    {
        "azclient.ms",
        "azure.com",
        "cloudapp.net",
        "core.windows.net",
        "microsoft.com",
        "msidentity.com",
        "trafficmanager.net",
        "windows.net",
    }
)
AZURE_PRIVATE_ZONE_MAX_LABELS = 34


def _azure_private_zone_name(spec: PlatformSpec) -> Iterator[Problem]:
    """`network.dns_records` makes a Private DNS zone named `network.domain`: a name Azure accepts."""
    domain = spec.network.domain
    if domain is None or not spec.network.dns_records or not exposed_services(spec):
        return
    fix = "choose another network.domain, or set `network.dns_records: false`"
    if domain in AZURE_RESERVED_PRIVATE_ZONES:
        yield Problem(
            "network.domain",
            domain,
            "Azure reserves this name: no private DNS zone may be created "
            "with it, and the hosts' records live in one",
            fix,
        )
    if domain.count(".") + 1 > AZURE_PRIVATE_ZONE_MAX_LABELS:
        yield Problem(
            "network.domain",
            domain,
            f"an Azure private DNS zone has at most {AZURE_PRIVATE_ZONE_MAX_LABELS} labels",
            fix,
        )


@rule("azure", "network", "services")
def azure_certificate_sources(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.azure is None:
        return
    zone_id = spec.azure.dns_zone_id
    yield from acme_needs_zone(spec, "azure.dns_zone_id", zone_id, "the public Azure DNS zone")
    yield from public_records_need_zone(spec, "azure.dns_zone_id", zone_id, "the public Azure DNS zone")
    yield from _azure_private_zone_name(spec)
    domain = spec.network.domain
    if zone_id is not None and domain is not None:
        zone = zone_id.rsplit("/", 1)[-1].lower()
        if not within(domain, zone):
            yield Problem(
                "azure.dns_zone_id",
                zone_id,
                f"the zone {zone} does not serve network.domain {domain}",
                f"name the zone serving {domain} (or a parent of it)",
            )


# In the order they report.
AZURE_RULES: tuple[Rule, ...] = (_aks_limits, azure_certificate_sources)
