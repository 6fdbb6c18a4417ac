"""The cloud-agnostic in-cluster layer (`lepton:k8s:*`): GPU stack, observability, tenants, inference
services. It sees a cloud only through the `ClusterHandle` it is given; it imports no cloud SDK."""

from lepton_infra.kubernetes.addons import PlatformAddons, PlatformAddonsArgs
from lepton_infra.kubernetes.from_spec import addons_args, build_addons
from lepton_infra.kubernetes.gpu_stack import GpuStack, GpuStackArgs
from lepton_infra.kubernetes.jobs.jobset import JobSet, JobSetArgs
from lepton_infra.kubernetes.jobs.kueue import Kueue, KueueArgs
from lepton_infra.kubernetes.observability.alert_routing import AlertReceivers, SecretFile, SmtpRelay
from lepton_infra.kubernetes.observability.observability import Observability, ObservabilityArgs
from lepton_infra.kubernetes.serving.hydration import ModelHydration, ModelHydrationArgs
from lepton_infra.kubernetes.serving.inference import InferenceService, InferenceServiceArgs
from lepton_infra.kubernetes.serving.keda import Keda, KedaArgs
from lepton_infra.kubernetes.serving.metrics_server import MetricsServer, MetricsServerArgs
from lepton_infra.kubernetes.tenancy.tenant import Tenant, TenantArgs
from lepton_infra.kubernetes.traffic.traffic import Traffic, TrafficArgs

__all__ = [
    "AlertReceivers",
    "GpuStack",
    "GpuStackArgs",
    "InferenceService",
    "InferenceServiceArgs",
    "JobSet",
    "JobSetArgs",
    "Keda",
    "KedaArgs",
    "Kueue",
    "KueueArgs",
    "MetricsServer",
    "MetricsServerArgs",
    "ModelHydration",
    "ModelHydrationArgs",
    "Observability",
    "ObservabilityArgs",
    "PlatformAddons",
    "PlatformAddonsArgs",
    "SecretFile",
    "SmtpRelay",
    "Tenant",
    "TenantArgs",
    "Traffic",
    "TrafficArgs",
    "addons_args",
    "build_addons",
]
