"""What a GKE cluster built by `gcp.Cluster` already runs and needs, as `ClusterHandle` facts.

Plain data from GKE's documentation, kept in one place so the handle, the docs and the invariant tests
read the same values.
"""

from __future__ import annotations

from lepton_infra.core.cluster_handle import EgressRule, ExporterPods, GpuFacts, NodeTaint

# Dataplane V2 (eBPF/Cilium): GKE's docs ("Use GKE Dataplane V2") say network policy enforcement is built
# in, so the Calico network-policy addon stays off. `gcp.Cluster` always sets it.
DATAPLANE_V2 = "ADVANCED_DATAPATH"

# The GKE metadata server a pod asks for its workload identity token. GKE's Workload Identity docs: with
# network policies, allow egress to 169.254.169.254/32 on TCP 80 under Dataplane V2, and to
# 169.254.169.252/32 on TCP 988 without it (GKE 1.21.0-gke.1000 and later).
_METADATA_EGRESS = {
    DATAPLANE_V2: (EgressRule(cidr="169.254.169.254/32", port=80),),
    "LEGACY_DATAPATH": (EgressRule(cidr="169.254.169.252/32", port=988),),
}


def metadata_server_egress(datapath_provider: str) -> tuple[EgressRule, ...]:
    """The egress tenant pods need to reach the GKE metadata server under this datapath."""
    return _METADATA_EGRESS.get(datapath_provider, _METADATA_EGRESS["LEGACY_DATAPATH"])


# GKE taints every node it provisions for a queued-provisioning pool (Dynamic Workload Scheduler) with
# this; only pods tolerating it land there (GKE "Run a large-scale workload with flex-start with queued
# provisioning"; cluster-toolkit modules/compute/gke-node-pool `enable_queued_provisioning`, "adds the
# cloud.google.com/gke-queued taint to the node pool", main at 1047080, 2026-06-25; read 2026-12-07).
QUEUED_PROVISIONING_TAINT = NodeTaint("cloud.google.com/gke-queued", "true", "NoSchedule")


def enforces_network_policy(datapath_provider: str) -> bool:
    """Only Dataplane V2 enforces NetworkPolicy in our clusters (the Calico addon is never enabled)."""
    return datapath_provider == DATAPLANE_V2


# The node labels GKE puts on nodes for their place in Google's network, broadest first (Google Cloud
# "Schedule GKE workloads with Topology Aware Scheduling", its Kueue Topology; stored copy read 2026-12-07):
# the levels of the Kueue Topology of topology-aware pools (kubernetes/jobs/topology.py).
GKE_NETWORK_TOPOLOGY = (
    "cloud.google.com/gce-topology-block",
    "cloud.google.com/gce-topology-subblock",
    "cloud.google.com/gce-topology-host",
    "kubernetes.io/hostname",
)


# GKE's managed DCGM exporter, on when `monitoring_config.enable_components` has "DCGM" (default on new
# clusters from 1.32.1-gke.1357000; GKE docs "Collect and view DCGM metrics"): a DaemonSet `dcgm-exporter`
# in the GKE-managed namespace `gke-managed-system`, pods labelled
# app.kubernetes.io/name=gke-managed-dcgm-exporter, serving on the container port named `metrics`
# (9400), scraped for Managed Prometheus by the ClusterPodMonitoring `gke-managed-dcgm-exporter`. It
# has no Service, so the platform's Prometheus scrapes the pods (a PodMonitor). Its field list is
# fixed by GKE: FB free/total/used, GPU and memory temperature, GPU and memory-copy utilisation, power,
# SM clock, energy, and eleven DCGM_FI_PROF_* fields (engine, pipe, NVLink, PCIe activity); no XID and
# no ECC fields (XID errors reach Cloud Logging through node-problem-detector instead).
GKE_DCGM_EXPORTER = ExporterPods(
    namespace="gke-managed-system",
    pod_labels={"app.kubernetes.io/name": "gke-managed-dcgm-exporter"},
    port="metrics",
    metrics=frozenset(
        {
            "DCGM_FI_DEV_FB_FREE",
            "DCGM_FI_DEV_FB_TOTAL",
            "DCGM_FI_DEV_FB_USED",
            "DCGM_FI_DEV_GPU_TEMP",
            "DCGM_FI_DEV_MEMORY_TEMP",
            "DCGM_FI_DEV_GPU_UTIL",
            "DCGM_FI_DEV_MEM_COPY_UTIL",
            "DCGM_FI_DEV_POWER_USAGE",
            "DCGM_FI_DEV_SM_CLOCK",
            "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
            "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
            "DCGM_FI_PROF_SM_ACTIVE",
            "DCGM_FI_PROF_DRAM_ACTIVE",
            "DCGM_FI_PROF_PIPE_FP16_ACTIVE",
            "DCGM_FI_PROF_PIPE_FP32_ACTIVE",
            "DCGM_FI_PROF_PIPE_FP64_ACTIVE",
            "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE",
            "DCGM_FI_PROF_NVLINK_RX_BYTES",
            "DCGM_FI_PROF_NVLINK_TX_BYTES",
            "DCGM_FI_PROF_PCIE_RX_BYTES",
            "DCGM_FI_PROF_PCIE_TX_BYTES",
        }
    ),
)


def gke_gpu_facts(
    monitoring_components: tuple[str, ...], pool_taints: tuple[NodeTaint, ...] = ()
) -> GpuFacts:
    """GKE installs the NVIDIA driver (`gpu_driver_installation_config`), runs the device plugin
    (kube-system `nvidia-gpu-device-plugin`) and, with the DCGM monitoring component, the DCGM exporter.
    With all three managed the in-cluster layer installs no GPU operator at all. NVIDIA's "GPU Operator
    with Google GKE" setup is a different node pool: GKE's driver install and device plugin switched off
    (`gpu-driver-version=disabled`, node label `gke-no-default-nvidia-gpu-device-plugin=true`), Google's
    driver installer applied by hand, a ResourceQuota scoped to system-node/cluster-critical in the
    operator's namespace (GKE admits those classes nowhere else), and the toolkit installed under
    /home/kubernetes/bin/nvidia with CDI on. On GKE-managed GPU nodes the operator would only duplicate
    (and fight) what GKE already runs, and its validators wait forever for a driver root it does not own.
    `pool_taints`: taints some GPU pools carry that GPU pods must tolerate (capacity-fallback ComputeClasses:
    gcp/compute_class.py)."""
    dcgm = "DCGM" in monitoring_components
    return GpuFacts(
        driver_installed=True,
        device_plugin_installed=True,
        dcgm_exporter_installed=dcgm,
        dcgm_exporter=GKE_DCGM_EXPORTER if dcgm else None,
        network_topology=GKE_NETWORK_TOPOLOGY,
        cloud_taints=pool_taints,
    )
