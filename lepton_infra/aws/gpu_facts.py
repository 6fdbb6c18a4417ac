"""What EKS GPU nodes come with (`GpuFacts`): the AL2023 NVIDIA AMI ships the driver and container toolkit,
not the device plugin; and their place in the AWS network.

The node labels EKS puts on nodes for their place in the AWS network: `topology.k8s.aws/network-node-
layer-1` (the top of the hierarchy, the broadest grouping) to `-3` (the bottom for most instance types), on
the instance types EC2 instance topology covers (EKS User Guide "Place distributed AI/ML workloads with
network topology labels"; EC2 User Guide "How Amazon EC2 instance topology works"; stored copies read
2026-12-07). A `-4` exists only on four-layer types: a Kueue level that some nodes lack leaves them out of
the topology, so it is not listed. The levels of the Kueue Topology of topology-aware pools
(kubernetes/jobs/topology.py), through `GpuFacts.network_topology`."""

from __future__ import annotations

from lepton_infra.core.cluster_handle import GpuFacts

EKS_NETWORK_TOPOLOGY = (
    "topology.k8s.aws/network-node-layer-1",
    "topology.k8s.aws/network-node-layer-2",
    "topology.k8s.aws/network-node-layer-3",
    "kubernetes.io/hostname",
)

AWS_GPU_FACTS = GpuFacts(
    driver_installed=True, device_plugin_installed=False, network_topology=EKS_NETWORK_TOPOLOGY
)
