"""GCP components (`lepton:gcp:*`): the GPU platform on GKE.

Each component is usable on its own (`from lepton_infra.gcp import NodePool`); `Platform` composes them
from a `PlatformSpec`.
"""

from lepton_infra.gcp.artifacts import ArtifactStore, ArtifactStoreArgs
from lepton_infra.gcp.cluster import Cluster, ClusterArgs, gke_kubeconfig
from lepton_infra.gcp.encryption import EncryptionKey, EncryptionKeyArgs
from lepton_infra.gcp.identity import WorkloadIdentity, WorkloadIdentityArgs, WorkloadIdentityBinder
from lepton_infra.gcp.monitoring import Monitoring, MonitoringArgs
from lepton_infra.gcp.network import Network, NetworkArgs
from lepton_infra.gcp.node_identity import NodeServiceAccount, NodeServiceAccountArgs
from lepton_infra.gcp.node_pool import NodePool, NodePoolArgs
from lepton_infra.gcp.platform import Platform
from lepton_infra.gcp.services import ProjectServices, ProjectServicesArgs

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
    "NodeServiceAccount",
    "NodeServiceAccountArgs",
    "Platform",
    "ProjectServices",
    "ProjectServicesArgs",
    "WorkloadIdentity",
    "WorkloadIdentityArgs",
    "WorkloadIdentityBinder",
    "gke_kubeconfig",
]
