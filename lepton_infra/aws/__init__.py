"""AWS components (`lepton:aws:*`): the GPU platform on EKS.

Each component is usable on its own (`from lepton_infra.aws import NodePool`); `Platform` composes them
from a `PlatformSpec`.
"""

from lepton_infra.aws.addons import Addons, AddonsArgs
from lepton_infra.aws.artifacts import ArtifactStore, ArtifactStoreArgs, PrefixReaderBinder
from lepton_infra.aws.autoscaler import Autoscaler, AutoscalerArgs
from lepton_infra.aws.cluster import Cluster, ClusterArgs
from lepton_infra.aws.kms import EncryptionKey, EncryptionKeyArgs
from lepton_infra.aws.monitoring import Monitoring, MonitoringArgs
from lepton_infra.aws.network import Network, NetworkArgs
from lepton_infra.aws.node_pool import NodePool, NodePoolArgs
from lepton_infra.aws.platform import Platform

__all__ = [
    "Addons",
    "AddonsArgs",
    "ArtifactStore",
    "ArtifactStoreArgs",
    "Autoscaler",
    "AutoscalerArgs",
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
    "PrefixReaderBinder",
]
