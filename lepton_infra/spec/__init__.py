"""The cloud-agnostic platform spec: what users write, validated before any resource exists."""

from lepton_infra.spec.base import GpuRequest
from lepton_infra.spec.cluster import ClusterSpec
from lepton_infra.spec.monitoring import BudgetSpec, MonitoringSpec
from lepton_infra.spec.network import NetworkSpec
from lepton_infra.spec.node_pool import NodePoolSpec
from lepton_infra.spec.platform import PlatformSpec
from lepton_infra.spec.service import ReplicasSpec, ScalingSpec, ServiceSpec
from lepton_infra.spec.tenant import TenantSpec

__all__ = [
    "BudgetSpec",
    "ClusterSpec",
    "GpuRequest",
    "MonitoringSpec",
    "NetworkSpec",
    "NodePoolSpec",
    "PlatformSpec",
    "ReplicasSpec",
    "ScalingSpec",
    "ServiceSpec",
    "TenantSpec",
]
