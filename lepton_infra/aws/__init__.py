"""AWS components (`lepton:aws:*`): the GPU platform on EKS.

Each component is usable on its own (`from lepton_infra.aws import NodePool`); `Platform` composes them
from a `PlatformSpec`. The names shared with gcp and azure (ArtifactStore, Cluster, EncryptionKey,
Monitoring, Network, NodePool, Platform, Traffic, WorkloadIdentityBinder) mean the same concept on each
cloud (tests/unit/test_component_api.py).
"""

from lepton_infra.aws.addons import Addons, AddonsArgs
from lepton_infra.aws.artifacts import ArtifactStore, ArtifactStoreArgs
from lepton_infra.aws.autoscaler import Autoscaler, AutoscalerArgs
from lepton_infra.aws.cluster import Cluster, ClusterArgs
from lepton_infra.aws.encryption import EncryptionKey, EncryptionKeyArgs
from lepton_infra.aws.filesystem import SharedFilesystem, SharedFilesystemArgs
from lepton_infra.aws.identity import WorkloadIdentityBinder
from lepton_infra.aws.lb_controller import LoadBalancerController, LoadBalancerControllerArgs
from lepton_infra.aws.monitoring import Monitoring, MonitoringArgs
from lepton_infra.aws.network import Network, NetworkArgs
from lepton_infra.aws.node_pool import NodePool, NodePoolArgs
from lepton_infra.aws.platform import Platform
from lepton_infra.aws.traffic import Traffic, TrafficArgs
from lepton_infra.core.args import renamed_names

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
    "LoadBalancerController",
    "LoadBalancerControllerArgs",
    "Monitoring",
    "MonitoringArgs",
    "Network",
    "NetworkArgs",
    "NodePool",
    "NodePoolArgs",
    "Platform",
    "SharedFilesystem",
    "SharedFilesystemArgs",
    "Traffic",
    "TrafficArgs",
    "WorkloadIdentityBinder",
]

__getattr__ = renamed_names(__name__, {"PrefixReaderBinder": "WorkloadIdentityBinder"}, globals())
