"""What the in-cluster components refuse in their plain-valued args, checked before they register
anything. Bounds come from the spec's own fields, so a component used on its own refuses what the spec
refuses, in the same words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.catalog import gpu_models
from lepton_infra.core.args import known, one_of, ordered
from lepton_infra.core.conventions import RESERVED_NAMESPACES
from lepton_infra.core.errors import Problem
from lepton_infra.spec import (
    ClusterSpec,
    GpuRequest,
    MonitoringSpec,
    ReplicasSpec,
    ScalingSpec,
    ServiceSpec,
    TenantSpec,
)
from lepton_infra.spec.problems import like_spec_field

if TYPE_CHECKING:
    from lepton_infra.kubernetes.addons import PlatformAddonsArgs
    from lepton_infra.kubernetes.observability.observability import ObservabilityArgs
    from lepton_infra.kubernetes.serving.inference import InferenceServiceArgs
    from lepton_infra.kubernetes.tenancy.tenant import TenantArgs


def inference_service_problems(args: InferenceServiceArgs) -> Iterator[Problem]:
    for arg, field in (
        ("name", "name"),
        ("tenant", "tenant"),
        ("image", "image"),
        ("port", "port"),
        ("cpu", "cpu"),
        ("memory", "memory"),
        ("predict_path", "predict_path"),
        ("health_path", "health_path"),
    ):
        yield from like_spec_field(arg, getattr(args, arg), ServiceSpec, field)
    if args.gpu_type is not None:
        yield from one_of("gpu_type", args.gpu_type, sorted(gpu_models()), "GPU type")
        yield from like_spec_field("gpu_count", args.gpu_count, GpuRequest, "count")
    yield from like_spec_field("min_replicas", args.min_replicas, ReplicasSpec, "min")
    yield from like_spec_field("max_replicas", args.max_replicas, ReplicasSpec, "max")
    yield from ordered("min_replicas", args.min_replicas, "max_replicas", args.max_replicas)
    yield from like_spec_field("scaling_metric", args.scaling_metric, ScalingSpec, "metric")
    yield from like_spec_field("scaling_target", args.scaling_target, ScalingSpec, "target")
    yield from like_spec_field("cpu_utilization", args.cpu_utilization, ScalingSpec, "cpu_utilization")


def tenant_problems(args: TenantArgs) -> Iterator[Problem]:
    yield from like_spec_field("name", args.name, TenantSpec, "name")
    if known(args.name) and (args.name in RESERVED_NAMESPACES or args.name.startswith("kube-")):
        yield Problem(
            "name",
            args.name,
            "reserved namespace (Kubernetes or the platform uses it)",
            "pick another tenant name",
        )
    for arg in ("gpu_quota", "cpu_quota", "memory_quota", "pods", "pod_security"):
        yield from like_spec_field(arg, getattr(args, arg), TenantSpec, arg)
    yield from like_spec_field("kubernetes_version", args.kubernetes_version, ClusterSpec, "version")
    for i, group in enumerate(args.admin_groups):
        if known(group) and not str(group).strip():
            yield Problem(
                f"admin_groups[{i}]",
                group,
                "an empty group name binds nobody",
                "name the identity-provider group, or drop the entry",
            )


def observability_problems(args: ObservabilityArgs) -> Iterator[Problem]:
    yield from like_spec_field("kubernetes_version", args.kubernetes_version, ClusterSpec, "version")
    for arg in ("retention_days", "storage_gb", "gpu_idle_percent"):
        yield from like_spec_field(arg, getattr(args, arg), MonitoringSpec, arg)
    yield from like_spec_field(
        "receivers.emails", list(args.receivers.emails), MonitoringSpec, "alert_emails"
    )


def platform_addons_problems(args: PlatformAddonsArgs) -> Iterator[Problem]:
    """Every child's problems at once, before the first child exists (paths prefixed with the child)."""
    yield from like_spec_field("kubernetes_version", args.kubernetes_version, ClusterSpec, "version")
    for prefix, problems in (
        ("observability", observability_problems(args.observability)),
        *((f"tenants[{i}]", tenant_problems(t)) for i, t in enumerate(args.tenants)),
        *((f"services[{i}]", inference_service_problems(s)) for i, s in enumerate(args.services)),
    ):
        for p in problems:
            yield Problem(f"{prefix}.{p.path}", p.value, p.why, p.fix)
