"""Azure components (`lepton:azure:*`): the GPU platform on AKS.

Each component is usable on its own (`from lepton_infra.azure import NodePool`); `Platform` composes them
from a `PlatformSpec`. Only submodules of pulumi-azure-native are imported (the package is ~350 MB).
"""

from lepton_infra.azure.artifacts import ArtifactStore, ArtifactStoreArgs
from lepton_infra.azure.cluster import Cluster, ClusterArgs
from lepton_infra.azure.encryption import EncryptionKey, EncryptionKeyArgs
from lepton_infra.azure.identity import WorkloadIdentity, WorkloadIdentityArgs, WorkloadIdentityBinder
from lepton_infra.azure.monitoring import Monitoring, MonitoringArgs
from lepton_infra.azure.network import Network, NetworkArgs
from lepton_infra.azure.node_pool import NodePool, NodePoolArgs
from lepton_infra.azure.platform import Platform

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
    "WorkloadIdentity",
    "WorkloadIdentityArgs",
    "WorkloadIdentityBinder",
]
