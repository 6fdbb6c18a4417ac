"""What the AWS components refuse in their plain-valued args, checked before they register anything.
Bounds come from the spec's own fields, so a component used on its own refuses what the spec refuses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.catalog import catalog
from lepton_infra.core.args import at_least, at_most, known, non_empty, one_of
from lepton_infra.core.eks_addons import CORE_ADDONS, OBSERVABILITY_ADDON, pinned_minors, unpinned
from lepton_infra.core.errors import Problem
from lepton_infra.kubernetes.charts.pinned import (
    CLUSTER_AUTOSCALER_IMAGE_TAGS,
    PROVISIONING_REQUEST_V1_MINORS,
)
from lepton_infra.profiles.aws import PROFILE as AWS
from lepton_infra.profiles.aws.knobs import AwsKnobs
from lepton_infra.profiles.aws.rules import cloudwatch_retention_problem
from lepton_infra.spec import (
    BudgetSpec,
    ClusterSpec,
    GpuRequest,
    MonitoringSpec,
    NetworkSpec,
    NodePoolSpec,
    PlatformSpec,
)
from lepton_infra.spec.problems import like_spec_field, node_pool_args_problems

if TYPE_CHECKING:
    from lepton_infra.aws.addons import AddonsArgs
    from lepton_infra.aws.artifacts import ArtifactStoreArgs
    from lepton_infra.aws.autoscaler import AutoscalerArgs
    from lepton_infra.aws.cluster import ClusterArgs
    from lepton_infra.aws.kms import EncryptionKeyArgs
    from lepton_infra.aws.monitoring import MonitoringArgs
    from lepton_infra.aws.network import NetworkArgs
    from lepton_infra.aws.node_pool import NodePoolArgs


def node_pool_problems(args: NodePoolArgs) -> Iterator[Problem]:
    yield from node_pool_args_problems(
        args.pool_name, args.min_nodes, args.max_nodes, AWS.pool_name, "node group"
    )
    yield from non_empty("instance_types", args.instance_types, "instance type")
    desired = args.desired_size
    if desired is not None and known(desired) and not args.min_nodes <= desired <= args.max_nodes:
        yield Problem(
            "desired_size",
            desired,
            f"outside [min_nodes {args.min_nodes}, max_nodes {args.max_nodes}]",
            "set it between min_nodes and max_nodes, or leave it unset",
        )
    if args.gpu_type is not None:
        yield from one_of("gpu_type", args.gpu_type, sorted(catalog("aws").gpu_types()), "AWS GPU type")
        yield from like_spec_field("gpu_count", args.gpu_count, GpuRequest, "count")
    elif known(args.gpu_count) and args.gpu_count:
        yield Problem("gpu_count", args.gpu_count, "GPUs without a gpu_type", "set gpu_type or gpu_count: 0")
    yield from like_spec_field("disk_gb", args.disk_gb, NodePoolSpec, "disk_gb")
    yield from like_spec_field("kubernetes_version", args.kubernetes_version, ClusterSpec, "version")


def encryption_key_problems(args: EncryptionKeyArgs) -> Iterator[Problem]:
    # KMS ScheduleKeyDeletion accepts a pending window of 7 to 30 days.
    yield from at_least("deletion_window_days", args.deletion_window_days, 7, "KMS waits 7 to 30 days")
    yield from at_most("deletion_window_days", args.deletion_window_days, 30, "KMS waits 7 to 30 days")


def network_problems(args: NetworkArgs) -> Iterator[Problem]:
    yield from like_spec_field("cidr", args.cidr, NetworkSpec, "cidr")
    yield from like_spec_field("zones", args.zones, NetworkSpec, "zones")
    yield from at_least("zones", args.zones, 2, "EKS needs subnets in at least 2 zones")
    yield from like_spec_field("nat", args.nat, NetworkSpec, "nat")
    if known(args.flow_log_retention_days):
        yield from cloudwatch_retention_problem("flow_log_retention_days", args.flow_log_retention_days)
    if args.availability_zones and args.availability_zone_ids:
        yield Problem(
            "availability_zone_ids",
            list(args.availability_zone_ids),
            "set together with availability_zones",
            "name the zones one way: by ID (the same physical zone in every account) or by name",
        )
    for field_name in ("availability_zones", "availability_zone_ids"):
        chosen = list(getattr(args, field_name))
        if chosen and known(args.zones) and len(chosen) < args.zones:
            yield Problem(
                field_name,
                chosen,
                f"fewer than zones={args.zones}",
                "name one zone per subnet, or lower zones",
            )


def cluster_problems(args: ClusterArgs) -> Iterator[Problem]:
    yield from like_spec_field("version", args.version, ClusterSpec, "version")
    yield from like_spec_field(
        "public_access_cidrs", list(args.public_access_cidrs), ClusterSpec, "authorized_networks"
    )
    yield from like_spec_field("admin_role_arns", list(args.admin_role_arns), AwsKnobs, "admin_role_arns")
    yield from like_spec_field("service_cidr", args.service_cidr, NetworkSpec, "service_cidr")
    if known(args.support_type) and args.support_type not in ("STANDARD", "EXTENDED"):
        yield Problem(
            "support_type",
            args.support_type,
            "not an EKS upgrade policy support type",
            "use STANDARD (upgraded at the end of standard support) or EXTENDED (paid extended support)",
        )
    if known(args.log_retention_days):
        yield from cloudwatch_retention_problem("log_retention_days", args.log_retention_days)
    if args.endpoint_public and not args.public_access_cidrs:
        yield Problem(
            "public_access_cidrs",
            [],
            "a public EKS endpoint needs the CIDRs that may reach it (never open by default)",
            "list office/VPN/CI CIDRs, or set endpoint_public=False",
        )


def monitoring_problems(args: MonitoringArgs) -> Iterator[Problem]:
    yield from like_spec_field("alert_emails", list(args.alert_emails), MonitoringSpec, "alert_emails")
    yield from like_spec_field("gpu_idle_percent", args.gpu_idle_percent, MonitoringSpec, "gpu_idle_percent")
    if known(args.log_retention_days):
        yield from cloudwatch_retention_problem("log_retention_days", args.log_retention_days)
    yield from like_spec_field("budget_usd", args.budget_usd, BudgetSpec, "monthly_usd")
    if not args.addon_version:
        yield from _unpinned_addons(
            "addon_version", [OBSERVABILITY_ADDON], args.kubernetes_version, {}, "pass addon_version"
        )


def autoscaler_problems(args: AutoscalerArgs) -> Iterator[Problem]:
    yield from one_of(
        "kubernetes_version",
        args.kubernetes_version,
        sorted(CLUSTER_AUTOSCALER_IMAGE_TAGS),
        "Kubernetes version (no cluster-autoscaler image is pinned for it)",
    )
    yield from at_least("scale_down_unneeded_minutes", args.scale_down_unneeded_minutes, 1)
    if args.provisioning_requests and args.kubernetes_version not in PROVISIONING_REQUEST_V1_MINORS:
        yield Problem(
            "provisioning_requests",
            True,
            f"the autoscaler for Kubernetes {args.kubernetes_version} "
            "does not serve the ProvisioningRequest v1 API Kueue creates",
            f"use Kubernetes {', '.join(sorted(PROVISIONING_REQUEST_V1_MINORS))}, or set it False",
        )


def artifact_store_problems(args: ArtifactStoreArgs) -> Iterator[Problem]:
    yield from like_spec_field("platform", args.platform, PlatformSpec, "name")
    yield from like_spec_field("environment", args.environment, PlatformSpec, "environment")
    yield from at_least("noncurrent_version_days", args.noncurrent_version_days, 1)
    yield from like_spec_field(
        "access_log_retention_days", args.access_log_retention_days, AwsKnobs, "access_log_retention_days"
    )
    if args.replication_region and args.replication_region == args.region:
        yield Problem(
            "replication_region",
            args.replication_region,
            "the replica must be in another region than the model bucket",
            "name another region, or None for no replica",
        )
    if (args.data_events_trail or args.replication_region) and not args.region:
        yield Problem(
            "region",
            args.region,
            "the data-events trail's ARN (in its bucket and key policies) names the region",
            "pass region=<the provider's region>",
        )


def addons_problems(args: AddonsArgs) -> Iterator[Problem]:
    yield from like_spec_field("kubernetes_version", args.kubernetes_version, ClusterSpec, "version")
    for addon, version in args.versions.items():
        if known(version) and not str(version).strip():
            yield Problem(
                f"versions.{addon}", version, "an empty add-on version", "pin a version or drop the entry"
            )
    pinned = {a: v for a, v in args.versions.items() if known(v) and str(v).strip()}
    yield from _unpinned_addons(
        "versions", CORE_ADDONS, args.kubernetes_version, pinned, "add them to versions"
    )


def _unpinned_addons(
    path: str, addons: list[str] | tuple[str, ...], minor: str | None, pinned: dict[str, str], fix: str
) -> Iterator[Problem]:
    missing = unpinned(addons, minor or "", pinned)
    if missing:
        yield Problem(
            path,
            minor,
            f"no version is pinned for {', '.join(missing)} on Kubernetes {minor} "
            f"(core/data/eks_addons.yaml pins {', '.join(pinned_minors())})",
            f"{fix}, or use a pinned minor",
        )
