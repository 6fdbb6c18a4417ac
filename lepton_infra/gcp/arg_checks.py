"""What the GCP components refuse in their plain-valued args, checked before they register anything.
Bounds come from the spec's own fields, so a component used on its own refuses what the spec refuses."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from ipaddress import IPv4Network
from typing import TYPE_CHECKING

from lepton_infra.catalog import NoMachine, catalog, choose_machine
from lepton_infra.core.args import at_least, at_most, known, non_empty, one_of
from lepton_infra.core.errors import Problem
from lepton_infra.gcp.maintenance import MIN_COUNTED_HOURS, MIN_HOURS_PER_32_DAYS, RecurringWindow
from lepton_infra.profiles.gcp import PROFILE as GCP
from lepton_infra.profiles.gcp.knobs import GcpKnobs
from lepton_infra.profiles.gcp.rules import SOFT_DELETE_DAYS
from lepton_infra.profiles.gcp.tags import GCP_LABELS
from lepton_infra.spec import BudgetSpec, ClusterSpec, GpuRequest, MonitoringSpec, NodePoolSpec, TenantSpec
from lepton_infra.spec.problems import like_spec_field, node_pool_args_problems

if TYPE_CHECKING:
    from lepton_infra.gcp.artifacts import ArtifactStoreArgs
    from lepton_infra.gcp.cluster import ClusterArgs
    from lepton_infra.gcp.encryption import EncryptionKeyArgs
    from lepton_infra.gcp.identity import WorkloadIdentityArgs
    from lepton_infra.gcp.monitoring import MonitoringArgs
    from lepton_infra.gcp.network import NetworkArgs
    from lepton_infra.gcp.node_pool import NodePoolArgs
    from lepton_infra.gcp.services import ProjectServicesArgs


def node_pool_problems(args: NodePoolArgs) -> Iterator[Problem]:
    yield from node_pool_args_problems(
        args.pool_name, args.min_nodes, args.max_nodes, GCP.pool_name, "node pool"
    )
    yield from at_least("initial_nodes_per_zone", args.initial_nodes_per_zone, 0)
    yield from like_spec_field("disk_gb", args.disk_gb, NodePoolSpec, "disk_gb")
    if args.queued_provisioning and (
        args.gpu_type is None or args.spot or args.min_nodes or args.initial_nodes_per_zone
    ):
        yield Problem(
            "queued_provisioning",
            True,
            "GKE queued provisioning is for on-demand GPU pools starting from 0 nodes",
            "set gpu_type, spot=False, min_nodes=0, initial_nodes_per_zone=0",
        )
    if args.gpu_type is not None:
        offered = sorted(catalog("gcp").gpu_types())
        if args.gpu_type not in offered:
            yield from one_of("gpu_type", args.gpu_type, offered, "GCP GPU type")
            return
        yield from like_spec_field("gpu_count", args.gpu_count, GpuRequest, "count")
    try:
        choose_machine(
            "gcp",
            gpu=args.gpu_type,
            gpu_count=args.gpu_count,
            cpu_class=args.cpu_class,
            explicit=args.machine_type,
        )
    except NoMachine as err:
        field = "machine_type" if args.machine_type else ("gpu_count" if args.gpu_type else "cpu_class")
        value = getattr(args, field)
        yield Problem(field, value, str(err), "pick a machine the catalog lists")


def cluster_problems(args: ClusterArgs) -> Iterator[Problem]:
    yield from like_spec_field("kubernetes_version", args.kubernetes_version, ClusterSpec, "version")
    yield from like_spec_field("release_channel", args.release_channel, GcpKnobs, "release_channel")
    yield from like_spec_field(
        "authorized_networks", list(args.authorized_networks), ClusterSpec, "authorized_networks"
    )
    yield from _maintenance_problems(args.maintenance)
    for arg in ("control_plane_cidr",):
        yield from _cidr(arg, getattr(args, arg))


def _maintenance_problems(window: RecurringWindow) -> Iterator[Problem]:
    """What GKE refuses in a recurring window (gcp/maintenance.py says where the rules come from)."""
    try:
        hours, per_32_days = window.hours, window.hours_per_32_days
    except ValueError:
        yield Problem(
            "maintenance",
            window,
            "start_time and end_time are not RFC 3339 UTC times",
            "use recurring_window()",
        )
        return
    if hours < MIN_COUNTED_HOURS or per_32_days < MIN_HOURS_PER_32_DAYS:
        yield Problem(
            "maintenance",
            window,
            f"GKE needs {MIN_HOURS_PER_32_DAYS} hours of availability in any 32 days, in windows of "
            f"{MIN_COUNTED_HOURS} hours or more (this gives {per_32_days:g})",
            "open it longer or more often (FREQ=DAILY, or a weekly window of 12 hours or more)",
        )


def network_problems(args: NetworkArgs) -> Iterator[Problem]:
    for arg in ("nodes_cidr", "pods_cidr", "services_cidr", "control_plane_cidr"):
        yield from _cidr(arg, getattr(args, arg))
    # VPC flow logs sample a fraction of packets: the API takes 0.0 to 1.0.
    yield from at_least("flow_sampling", args.flow_sampling, 0.0, "a sampling fraction is 0.0 to 1.0")
    yield from at_most("flow_sampling", args.flow_sampling, 1.0, "a sampling fraction is 0.0 to 1.0")


def monitoring_problems(args: MonitoringArgs) -> Iterator[Problem]:
    yield from like_spec_field("alert_emails", list(args.alert_emails), MonitoringSpec, "alert_emails")
    yield from like_spec_field("gpu_idle_percent", args.gpu_idle_percent, MonitoringSpec, "gpu_idle_percent")
    yield from like_spec_field("budget_usd", args.budget_usd, BudgetSpec, "monthly_usd")
    yield from like_spec_field("billing_account", args.billing_account, GcpKnobs, "billing_account")
    if args.budget_usd is not None and args.billing_account is None:
        yield Problem(
            "billing_account",
            None,
            "a GCP budget lives on a billing account",
            "give billing_account, or drop budget_usd",
        )


def _cidr(arg: str, value: object) -> Iterator[Problem]:
    if not known(value):
        return
    try:
        IPv4Network(str(value))
    except ValueError as err:
        yield Problem(arg, value, f"not an IPv4 CIDR ({err})", "write it like 10.0.0.0/20")


def encryption_key_problems(args: EncryptionKeyArgs) -> Iterator[Problem]:
    from lepton_infra.gcp.encryption import MAX_ROTATION_DAYS

    yield from at_least("rotation_days", args.rotation_days, 1)
    yield from at_most(
        "rotation_days",
        args.rotation_days,
        MAX_ROTATION_DAYS,
        f"a platform key rotates at least every {MAX_ROTATION_DAYS} days",
    )
    yield from _labels(args.labels)


def artifact_store_problems(args: ArtifactStoreArgs) -> Iterator[Problem]:
    for arg in ("noncurrent_version_days", "keep_versions", "untagged_image_days"):
        yield from at_least(arg, getattr(args, arg), 1)
    if args.retention_days is not None:
        yield from at_least("retention_days", args.retention_days, 1)
    low, high = SOFT_DELETE_DAYS
    if args.soft_delete_days != 0 and not low <= args.soft_delete_days <= high:
        yield Problem(
            "soft_delete_days",
            args.soft_delete_days,
            f"GCS accepts a soft-delete retention of 0 (off) or {low} to {high} days",
            f"use 0, or a number of days from {low} to {high}",
        )
    yield from _labels(args.labels)


def _labels(labels: Mapping[str, str]) -> Iterator[Problem]:
    for p in GCP_LABELS.problems(labels):
        yield Problem(p.path.replace("tags.", "labels.", 1), p.value, p.why, p.fix)


def project_services_problems(args: ProjectServicesArgs) -> Iterator[Problem]:
    yield from non_empty("services", args.services, "API service")
    for i, service in enumerate(args.services):
        if known(service) and not str(service).endswith(".googleapis.com"):
            yield Problem(
                f"services[{i}]",
                service,
                "not a Google API service name",
                "write it like container.googleapis.com",
            )


def workload_identity_problems(args: WorkloadIdentityArgs) -> Iterator[Problem]:
    # Kubernetes names: the namespace is a tenant's name, the service account a DNS label too.
    yield from like_spec_field("namespace", args.namespace, TenantSpec, "name")
    yield from like_spec_field("service_account", args.service_account, TenantSpec, "name")
