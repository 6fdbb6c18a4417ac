"""Azure components (`lepton:azure:*`): the GPU platform on AKS.

Each component is usable on its own (`from lepton_infra.azure import NodePool`); `Platform` composes them
from a `PlatformSpec`. The names shared with aws and gcp (ArtifactStore, Cluster, EncryptionKey, Monitoring,
Network, NodePool, Platform, Traffic, WorkloadIdentityBinder) mean the same concept on each cloud
(tests/unit/test_component_api.py). Only submodules of pulumi-azure-native are imported (the package is
~350 MB).
"""

from lepton_infra.azure.artifacts import ArtifactStore, ArtifactStoreArgs
from lepton_infra.azure.cluster import Cluster, ClusterArgs
from lepton_infra.azure.encryption import EncryptionKey, EncryptionKeyArgs
from lepton_infra.azure.identity import WorkloadIdentity, WorkloadIdentityArgs, WorkloadIdentityBinder
from lepton_infra.azure.monitoring import Monitoring, MonitoringArgs
from lepton_infra.azure.network import Network, NetworkArgs
from lepton_infra.azure.node_pool import NodePool, NodePoolArgs
from lepton_infra.azure.platform import Platform
from lepton_infra.azure.traffic import Traffic, TrafficArgs

__all__ = [
    "ArtifactStore",
    "ArtifactStoreArgs",
    "Cluster",
    "ClusterArgs",
    "EncryptionKey",
    "EncryptionKeyArgs",
    "Monitoring",
    "MonitoringArgs",
    "Network",
    "NetworkArgs",
    "NodePool",
    "NodePoolArgs",
    "Platform",
    "Traffic",
    "TrafficArgs",
    "WorkloadIdentity",
    "WorkloadIdentityArgs",
    "WorkloadIdentityBinder",
]
