"""GCP's pre-flight rules: what GKE, GCS and Cloud DNS would refuse at apply time, or accept and then
silently ignore, checked at spec time for cloud: gcp."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.chart_support import minor_tuple
from lepton_infra.core.errors import Problem
from lepton_infra.core.kubernetes_versions import PlanDateError, lifecycle, plan_date, status
from lepton_infra.core.spec_checks import Rule, rule
from lepton_infra.profiles.gcp.compute_class import fallback_classes
from lepton_infra.profiles.gcp.resolved import gke_release_channel
from lepton_infra.profiles.public_zone import acme_needs_zone, public_records_need_zone

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

# GKE: "You must allow at least 48 hours of maintenance availability in a 32-day rolling window." Any 32
# days hold every weekday at least 4 times, so a weekly window gives at least 4 x duration_hours.
GKE_HOURS_PER_32_DAYS = 48
GKE_MIN_WEEKLY_HOURS = GKE_HOURS_PER_32_DAYS // 4


@rule("gcp", "budget")
def _billing_account(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.gcp and spec.budget and not spec.gcp.billing_account:
        yield Problem(
            "gcp.billing_account",
            None,
            "a GCP budget is set on a billing account",
            "add gcp.billing_account (XXXXXX-XXXXXX-XXXXXX) or remove `budget`",
        )


@rule("gcp", "environment")
def _free_tier_credit_zonal(spec: PlatformSpec) -> Iterator[Problem]:
    # Only prod's cluster is regional (gcp/platform.py), and the credit applies to zonal clusters only.
    if spec.gcp and spec.gcp.free_tier_credit and spec.environment == "prod":
        yield Problem(
            "gcp.free_tier_credit",
            True,
            "GKE's free tier credit applies only to zonal clusters, and a prod cluster is regional",
            "remove gcp.free_tier_credit (prod pays the $0.10/hour fee)",
        )


@rule("network")
def _room_for_pod_ranges(spec: PlatformSpec) -> Iterator[Problem]:
    cidr = spec.network.cidr
    if cidr.is_private and cidr.prefixlen > 20:
        yield Problem(
            "network.cidr", str(cidr), "GKE needs room for pod and service ranges", "use a /20 or larger"
        )


# A Google Group's address (Cloud Identity / Workspace): what GKE passes to RBAC as the Group name.
_GROUP_EMAIL = re.compile(r"^[a-z0-9][a-z0-9._+-]*@[a-z0-9-]+(\.[a-z0-9-]+)+$")


@rule("cloud", "gcp", "tenants")
def gcp_rbac_groups(spec: PlatformSpec) -> Iterator[Problem]:
    """Google Groups for RBAC (GKE docs): a Group subject reaches RBAC only when the cluster names
    `gke-security-groups@<domain>` in authenticatorGroupsConfig and the subject is the group's e-mail.
    Anything else binds a group nobody carries."""
    if spec.cloud != "gcp" or spec.gcp is None:
        return
    security_group = spec.gcp.rbac_security_group
    for i, tenant in enumerate(spec.tenants):
        for j, admin in enumerate(tenant.admins):
            path = f"tenants[{i}].admins[{j}]"
            if not _GROUP_EMAIL.match(admin):
                yield Problem(
                    path,
                    admin,
                    "on GKE an admin group is a Google Group's e-mail address",
                    "give the group's address, e.g. research-admins@acme.dev",
                )
            elif security_group is None:
                yield Problem(
                    path,
                    admin,
                    "GKE passes Google Groups to RBAC only with "
                    "gcp.rbac_security_group set (Google Groups for RBAC)",
                    "set gcp.rbac_security_group: gke-security-groups@<your domain> and make "
                    "this group a member of it",
                )


@rule("cloud", "gcp", "region", "network")
def gcp_pinned_zones(spec: PlatformSpec) -> Iterator[Problem]:
    """`gcp.zones` (issue 24 item 3): zones of the spec's region, each once, as many as `network.zones`."""
    if spec.cloud != "gcp" or spec.gcp is None or not spec.gcp.zones:
        return
    zones = spec.gcp.zones
    for i, zone in enumerate(zones):
        if zone.rsplit("-", 1)[0] != spec.region:
            yield Problem(
                f"gcp.zones[{i}]", zone, f"not a zone of region {spec.region}", f"use {spec.region}-<letter>"
            )
    repeated = sorted({z for z in zones if zones.count(z) > 1})
    if repeated:
        yield Problem(
            "gcp.zones", zones, f"{', '.join(repeated)} listed more than once", "list each zone once"
        )
    wanted = spec.network.zones
    if not repeated and wanted is not None and len(zones) != wanted:
        yield Problem(
            "gcp.zones",
            zones,
            f"{len(zones)} zones for network.zones: {wanted}",
            f"list exactly {wanted} zones, or change network.zones",
        )


# GCS soft delete (docs "Soft delete"): a retention duration of 0 (off) or 7 to 90 days.
SOFT_DELETE_DAYS = (7, 90)


@rule("cloud", "gcp")
def gcp_soft_delete_days(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.cloud != "gcp" or spec.gcp is None:
        return
    days = spec.gcp.model_bucket_soft_delete_days
    low, high = SOFT_DELETE_DAYS
    if days != 0 and not low <= days <= high:
        yield Problem(
            "gcp.model_bucket_soft_delete_days",
            days,
            f"GCS accepts a soft-delete retention of 0 (off) or {low} to {high} days",
            f"use 0, or a number of days from {low} to {high}",
        )


def image_registry(image: str) -> str | None:
    """The registry an image reference names, or None when it names none (Docker's implicit docker.io):
    the first path segment is a registry only if it has a `.` or a `:` or is `localhost`."""
    first, sep, _ = image.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        return first
    return None


@rule("cloud", "gcp", "services")
def gcp_images_name_their_registry(spec: PlatformSpec) -> Iterator[Problem]:
    """Binary Authorization matches the image string of the pod spec against registry-qualified patterns;
    `nginx:1.27` (Docker Hub, written short) would match none of them and be denied in prod."""
    if spec.cloud != "gcp" or spec.gcp is None or spec.gcp.binary_authorization == "off":
        return
    for i, service in enumerate(spec.services):
        if service.image is not None and image_registry(service.image) is None:
            yield Problem(
                f"services[{i}].image",
                service.image,
                "with gcp.binary_authorization the image must name its registry: the policy's "
                "allowlist patterns are registry/path/to/image",
                f"write the registry, e.g. docker.io/{'' if '/' in service.image else 'library/'}"
                f"{service.image}",
            )


@rule("cloud", "gcp", "node_pools", "jobs", "services")
def gcp_queued_provisioning_pools(spec: PlatformSpec) -> Iterator[Problem]:
    """GKE queued provisioning (Dynamic Workload Scheduler docs, "Create a node pool"): the pool gets nodes
    only through ProvisioningRequests, so it must be a GPU pool Kueue's check asks for (jobs on), scale
    from 0, and be on-demand; a service whose GPU type only such pools offer would never get a node."""
    if spec.cloud != "gcp" or spec.gcp is None or not spec.gcp.queued_provisioning_pools:
        return
    pools = {p.name: p for p in spec.node_pools}
    queued = spec.gcp.queued_provisioning_pools
    for i, name in enumerate(queued):
        path = f"gcp.queued_provisioning_pools[{i}]"
        pool = pools.get(name)
        if pool is None or pool.gpu is None:
            gpu = ", ".join(sorted(p.name for p in spec.gpu_pools)) or "none"
            yield Problem(path, name, "not a GPU node pool", f"name a GPU pool: {gpu}")
        elif pool.spot or pool.min:
            yield Problem(
                path,
                name,
                "a queued-provisioning pool gets on-demand nodes only when a "
                "ProvisioningRequest asks (spot, or a minimum size, is refused by GKE)",
                f"set node_pools {name}: spot false and min 0, or drop it from the list",
            )
    if queued and not spec.jobs.enabled:
        yield Problem(
            "gcp.queued_provisioning_pools",
            list(queued),
            "only Kueue's jobs create the ProvisioningRequests these pools scale for",
            "set jobs.enabled: true, or empty the list",
        )
    served = {p.gpu.type for p in spec.gpu_pools if p.gpu and p.name not in queued}
    queued_only = {p.gpu.type for p in spec.gpu_pools if p.gpu and p.name in queued} - served
    for i, service in enumerate(spec.services):
        if service.gpu and service.gpu.type in queued_only:
            yield Problem(
                f"services[{i}].gpu.type",
                service.gpu.type,
                "only queued-provisioning pools offer "
                "this GPU, and GKE scales them for ProvisioningRequests only: the service would "
                "never get a node",
                "add a pool of this GPU without queued provisioning",
            )


@rule("cloud", "gcp", "node_pools")
def gcp_capacity_fallback(spec: PlatformSpec) -> Iterator[Problem]:
    """`gcp.capacity_fallback` orders the pools of one GPU shape (profiles/gcp/compute_class.py): it needs a
    shape with a reserved pool and another pool, or there is nothing to fall back to."""
    if spec.cloud != "gcp" or spec.gcp is None or not spec.gcp.capacity_fallback or fallback_classes(spec):
        return
    reserved = sorted(p.name for p in spec.gpu_pools if p.reservation is not None) or ["none"]
    yield Problem(
        "gcp.capacity_fallback",
        True,
        "no GPU pool with a reservation shares its GPU type and count with another pool (queued-provisioning "
        f"pools do not count): no rung to fall back to (reserved pools: {', '.join(reserved)})",
        "add an on-demand or spot pool of a reserved pool's GPU type and count, or set it to false",
    )


@rule("cloud", "cluster")
def gke_maintenance_availability(spec: PlatformSpec) -> Iterator[Problem]:
    """GKE refuses a maintenance policy with less than 48 hours of availability in a 32-day rolling window
    (only contiguous windows of four hours or more count): a weekly window needs 12 hours or more."""
    window = spec.cluster.maintenance
    if spec.cloud == "gcp" and window.weekly and window.duration_hours < GKE_MIN_WEEKLY_HOURS:
        yield Problem(
            "cluster.maintenance.duration_hours",
            window.duration_hours,
            f"GKE needs {GKE_HOURS_PER_32_DAYS} hours of maintenance availability in any 32 days; a weekly "
            f"window of {window.duration_hours} hours gives {4 * window.duration_hours}",
            f"open it {GKE_MIN_WEEKLY_HOURS} hours or more, or set cluster.maintenance.day: daily",
        )


@rule("cloud", "gcp", "cluster")
def gcp_release_channel(spec: PlatformSpec) -> Iterator[Problem]:
    """GKE creates a cluster at a minor only in a channel that offers it, and EXTENDED is its paid
    extended support: the channel goes with `cluster.support: extended`, both ways."""
    if spec.cloud != "gcp" or spec.gcp is None:
        return
    chosen, support = spec.gcp.release_channel, spec.cluster.support
    if chosen == "EXTENDED" and support == "standard":
        yield Problem(
            "gcp.release_channel",
            chosen,
            "EXTENDED is GKE's paid extended support channel: it goes with `cluster.support: extended`",
            "set cluster.support: extended (the plan prices it), or remove gcp.release_channel",
        )
        return
    if chosen not in (None, "EXTENDED") and support == "extended":
        yield Problem(
            "gcp.release_channel",
            chosen,
            "cluster.support: extended is GKE's EXTENDED channel",
            "remove gcp.release_channel (extended support uses EXTENDED), or set cluster.support: standard",
        )
        return
    try:
        st = status("gcp", spec.cluster.version, plan_date())
    except PlanDateError:
        return  # reported with the version lifecycle (spec/version_rules.py)
    channel = gke_release_channel(spec)
    if st.row is None or not st.creatable(support) or channel in st.row.channels:
        return  # unknown or no longer created: spec/version_rules.py says so
    offering = sorted(
        (m for m, row in lifecycle().clouds["gcp"].minors.items() if channel in row.channels),
        key=minor_tuple,
    )
    yield Problem(
        "cluster.version",
        spec.cluster.version,
        f"GKE's {channel} channel does not offer {spec.cluster.version} (offered in: "
        f"{', '.join(st.row.channels)}; as of {st.row.as_of})",
        f"use a minor {channel} offers ({', '.join(offering) or 'none'})"
        + ("" if spec.gcp.release_channel is None else ", or another gcp.release_channel"),
    )


@rule("gcp", "network", "services")
def gcp_certificate_sources(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.gcp is None:
        return
    yield from acme_needs_zone(spec, "gcp.dns_zone", spec.gcp.dns_zone, "the Cloud DNS managed zone")
    yield from public_records_need_zone(
        spec, "gcp.dns_zone", spec.gcp.dns_zone, "the public Cloud DNS managed zone (in gcp.project)"
    )


@rule("cloud", "gcp", "node_pools", "jobs")
def gcp_topology_aware_pools_get_nodes(spec: PlatformSpec) -> Iterator[Problem]:
    """A topology-aware GKE pool at min 0 must be a queued-provisioning pool. Kueue (v0.19.2,
    site/content/en/docs/concepts/topology_aware_scheduling.md, read 2026-12-08) counts a topology domain's
    free capacity on Ready, schedulable nodes only ("Capacity calculation"), and works with the cluster
    autoscaler only through the Provisioning AdmissionCheck ("ClusterAutoscaler support": quota, then the
    check, then the topology assignment over the newly provisioned nodes). On GKE that check is served only
    for queued-provisioning pools (gcp/platform.py `capacity_provisioning`): any other pool at zero nodes
    offers no domain, the job stays suspended, no pod is ever pending, and GKE's autoscaler adds no node."""
    if spec.cloud != "gcp" or not spec.jobs.enabled:
        return
    queued = set(spec.gcp.queued_provisioning_pools) if spec.gcp else set()
    for i, pool in enumerate(spec.node_pools):
        if not pool.topology_aware or pool.gpu is None or pool.min or pool.name in queued:
            continue
        yield Problem(
            f"node_pools[{i}].topology_aware",
            True,
            "at min 0 this GKE pool never gets a node for a topology-aware job: Kueue places such jobs "
            "only on Ready nodes and asks GKE for new ones only through a ProvisioningRequest, which GKE "
            "serves only for queued-provisioning pools",
            (
                f"set min to the nodes a job needs (the reservation's {pool.reservation.instances}, billed "
                "whether nodes run or not)"
                if pool.reservation is not None
                else f"add {pool.name} to gcp.queued_provisioning_pools (on-demand flex-start capacity), or "
                "set min to the nodes a job needs (billed while idle)"
            )
            + ", or remove topology_aware",
        )


# In the order they report.
GCP_RULES: tuple[Rule, ...] = (
    _billing_account,
    _free_tier_credit_zonal,
    _room_for_pod_ranges,
    gcp_rbac_groups,
    gcp_certificate_sources,
    gcp_soft_delete_days,
    gcp_pinned_zones,
    gcp_images_name_their_registry,
    gcp_queued_provisioning_pools,
    gcp_capacity_fallback,
    gcp_topology_aware_pools_get_nodes,
    gke_maintenance_availability,
    gcp_release_channel,
)
