"""Kueue topology-aware scheduling (TAS): one `Topology` object naming the cloud's network-topology node
labels, broadest level first, and the GPU flavors of `topology_aware` pools pointing at it, so a job that
asks for it (`kueue.x-k8s.io/podset-required-topology` or `-preferred-topology` on its pod template) is
admitted only where its pods fit one network domain.

At the pinned Kueue (v0.19.2, read 2026-12-07): the `Topology` CRD serves `kueue.x-k8s.io/v1beta2`
(stored; v1beta1 served too) with 1 to 16 `levels` of `nodeLabel`, `kubernetes.io/hostname` allowed only as
the last (charts/kueue/templates/crd/kueue.x-k8s.io_topologies.yaml); a ResourceFlavor names it in
`spec.topologyName` and then needs at least one node label (apis/kueue/v1beta2/resourceflavor_types.go);
the `TopologyAwareScheduling` feature gate is beta and on by default since 0.14 (pkg/features/
kube_features.go), so the manager configuration needs no change. TAS works with the cluster autoscaler
through the ProvisioningRequest admission check: the topology is assigned after the nodes exist
(site/content/en/docs/concepts/topology_aware_scheduling.md, "ClusterAutoscaler support").

The levels are the cloud's (`GpuFacts.network_topology`, set by each cloud layer, where they are cited):
- AWS: EKS labels nodes of the instance types EC2 instance topology covers with
  `topology.k8s.aws/network-node-layer-1` (the top of the hierarchy, broadest) to `-3` (the bottom for most
  types; a `-4` exists only on four-layer types, so it is left out: a level some nodes lack would leave
  them out of the topology) (EKS User Guide "Place distributed AI/ML workloads with network topology
  labels").
- GCP: GKE labels nodes with `cloud.google.com/gce-topology-block`, `-subblock` and `-host` (Google Cloud
  "Schedule GKE workloads with Topology Aware Scheduling").
- Azure: AKS publishes no network-topology node label (none found in the AKS docs or Kueue's); only the
  host level is known, so TAS there packs a job's pods onto as few nodes as fit, nothing more.
"""

from __future__ import annotations

from typing import Any

HOSTNAME = "kubernetes.io/hostname"
TOPOLOGY_NAME = "network"


def topology_spec(levels: tuple[str, ...]) -> dict[str, Any]:
    return {"levels": [{"nodeLabel": label} for label in levels]}
