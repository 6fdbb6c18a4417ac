"""GCP components (`lepton:gcp:*`): the GPU platform on GKE.

Each component is usable on its own (`from lepton_infra.gcp import NodePool`); `Platform` composes them
from a `PlatformSpec`. The names shared with aws and azure (ArtifactStore, Cluster, EncryptionKey,
Monitoring, Network, NodePool, Platform, Traffic, WorkloadIdentityBinder) mean the same concept on each
cloud (tests/unit/test_component_api.py).
"""

from lepton_infra.gcp.artifacts import ArtifactStore, ArtifactStoreArgs
from lepton_infra.gcp.binary_authorization import BinaryAuthorizationPolicy, BinaryAuthorizationPolicyArgs
from lepton_infra.gcp.cluster import Cluster, ClusterArgs, gke_kubeconfig
from lepton_infra.gcp.encryption import EncryptionKey, EncryptionKeyArgs
from lepton_infra.gcp.filesystem import SharedFilesystem, SharedFilesystemArgs
from lepton_infra.gcp.host_dns import HostDns, HostDnsArgs
from lepton_infra.gcp.identity import WorkloadIdentity, WorkloadIdentityArgs, WorkloadIdentityBinder
from lepton_infra.gcp.monitoring import Monitoring, MonitoringArgs
from lepton_infra.gcp.network import Network, NetworkArgs
from lepton_infra.gcp.node_identity import NodeServiceAccount, NodeServiceAccountArgs
from lepton_infra.gcp.node_pool import NodePool, NodePoolArgs
from lepton_infra.gcp.platform import Platform
from lepton_infra.gcp.services import ProjectServices, ProjectServicesArgs
from lepton_infra.gcp.traffic import Traffic, TrafficArgs

__all__ = [
    "ArtifactStore",
    "ArtifactStoreArgs",
    "BinaryAuthorizationPolicy",
    "BinaryAuthorizationPolicyArgs",
    "Cluster",
    "ClusterArgs",
    "EncryptionKey",
    "EncryptionKeyArgs",
    "HostDns",
    "HostDnsArgs",
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
    "SharedFilesystem",
    "SharedFilesystemArgs",
    "Traffic",
    "TrafficArgs",
    "WorkloadIdentity",
    "WorkloadIdentityArgs",
    "WorkloadIdentityBinder",
    "gke_kubeconfig",
]
