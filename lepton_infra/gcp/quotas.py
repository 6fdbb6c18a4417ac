"""The Compute Engine quota a GKE platform needs with every pool at its max: every quota that can refuse a
scale-up, named as the project's quota page names the metric (`NVIDIA_L4_GPUS`), with the Cloud Quotas
quota id a request names.

A GPU node draws on four quotas at once, and any of them at 0 stops the autoscaler quietly:
- the GPU model's regional quota (spot and queued-provisioning pools on its `PREEMPTIBLE_` twin);
- `GPUS_ALL_REGIONS`, every GPU of the project in every region, spot ones included, 0 in a new project;
- its machine series' regional vCPU quota: E2 and N1 VMs draw on `CPUS`, every other series on its own
  (`N2_CPUS`, `G2_CPUS`, `A2_CPUS`, `A3_CPUS`), not on `CPUS`;
- `CPUS_ALL_REGIONS`, every vCPU of the project in every region, all series.
Plus disk per region: every node's pd-balanced boot disk and the Local SSD its machine type comes with
(A3, A2 Ultra: `Machine.local_ssd_gib` in the catalog) here, with each pool at its max; the platform's
persistent volumes (Prometheus, Alertmanager, any PVC the plan creates) in gcp/volume_quota.py, from the
objects themselves.

Sources (read 2026-12-07): Compute Engine "Allocation quotas" (cloud.google.com/compute/resource-usage,
CPU and GPU quota sections; the page itself was read only in part here), the Compute API `Quota.metric`
enum (Google.Cloud.Compute.V1 reference: A2_CPUS, N2_CPUS, CPUS_ALL_REGIONS, GPUS_ALL_REGIONS, ...), and
public Cloud Quotas listings and gcloud errors naming the quota ids (`GPUS-ALL-REGIONS-per-project`,
`CPUS-ALL-REGIONS-per-project`, `N2-CPUS-per-project-region`). `id_read` says whether the id was seen in
such a listing; only GPU quotas with a read id are `requestable` (`gcp.request_quota_increases`); the rest
are reported for a request by hand. L4 has its own per-model quota; H100 has none and is governed by the
per-family quota with `gpu_family: NVIDIA_H100`.
"""

from __future__ import annotations

from lepton_infra.core.quota import QuotaNeed, merged
from lepton_infra.gcp.planning import pool_shape
from lepton_infra.spec.resolved import ResolvedPlatform

GLOBAL = "global"  # QuotaNeed.region of a project-wide quota (no region dimension)
FAMILY_QUOTA = "GPUS-PER-GPU-FAMILY-per-project-region"
# GCE accelerator type -> (metric, Cloud Quotas id, dimensions, id read in a listing)
GPU_QUOTAS: dict[str, tuple[str, str, dict[str, str], bool]] = {
    "nvidia-l4": ("NVIDIA_L4_GPUS", "NVIDIA-L4-GPUS-per-project-region", {}, True),
    "nvidia-h100-80gb": ("NVIDIA_H100_GPUS", FAMILY_QUOTA, {"gpu_family": "NVIDIA_H100"}, True),
    "nvidia-tesla-t4": ("NVIDIA_T4_GPUS", "NVIDIA-T4-GPUS-per-project-region", {}, False),
    "nvidia-tesla-a100": ("NVIDIA_A100_GPUS", "NVIDIA-A100-GPUS-per-project-region", {}, False),
    "nvidia-a100-80gb": ("NVIDIA_A100_80GB_GPUS", "NVIDIA-A100-80GB-GPUS-per-project-region", {}, False),
}
# Machine series (the machine type's prefix) -> (regional vCPU metric, Cloud Quotas id, id read in a
# listing). Every series the GCP catalog offers is here (tests/gcp/test_gcp_quotas.py): a new one must be
# looked up, not defaulted to CPUS.
CPU_QUOTAS: dict[str, tuple[str, str, bool]] = {
    "e2": ("CPUS", "CPUS-per-project-region", True),
    "n1": ("CPUS", "CPUS-per-project-region", True),
    "n2": ("N2_CPUS", "N2-CPUS-per-project-region", True),
    "a2": ("A2_CPUS", "A2-CPUS-per-project-region", False),
    "a3": ("A3_CPUS", "A3-CPUS-per-project-region", False),
    "g2": ("G2_CPUS", "G2-CPUS-per-project-region", False),
}
ALL_GPUS = ("GPUS_ALL_REGIONS", "GPUS-ALL-REGIONS-per-project")
# Regional disk quotas (Compute API `Quota.metric` SSD_TOTAL_GB, DISKS_TOTAL_GB, LOCAL_SSD_TOTAL_GB; the
# Cloud Quotas ids follow the `<METRIC>-per-project-region` pattern of the ids read above but were not
# themselves read in a listing: reported for a request by hand). pd-balanced and pd-ssd disks draw on
# SSD_TOTAL_GB, pd-standard on DISKS_TOTAL_GB ("Allocation quotas", disk quotas; read 2026-12-07).
SSD_TOTAL = ("SSD_TOTAL_GB", "SSD-TOTAL-GB-per-project-region")
DISKS_TOTAL = ("DISKS_TOTAL_GB", "DISKS-TOTAL-GB-per-project-region")
# Spot VMs may draw on PREEMPTIBLE_LOCAL_SSD_GB instead where the project holds that quota (as with
# PREEMPTIBLE_CPUS); without it they draw on this one, which is what is requested.
LOCAL_SSD_TOTAL = ("LOCAL_SSD_TOTAL_GB", "LOCAL-SSD-TOTAL-GB-per-project-region")
ALL_CPUS = ("CPUS_ALL_REGIONS", "CPUS-ALL-REGIONS-per-project")


def machine_series(machine_type: str) -> str:
    return machine_type.split("-", 1)[0]


def quota_needs(resolved: ResolvedPlatform) -> list[QuotaNeed]:
    region = resolved.spec.region
    spec = resolved.spec
    # Queued-provisioning pools are flex-start pools (gcp/node_pool.py): flex-start VMs draw on the
    # preemptible GPU quota, not the on-demand one (Google Cloud, "Use Dynamic Workload Scheduler" for
    # Managed Service for Apache Spark, quota requirements: "consumes the preemptible version of the GPU
    # quota"; the Flex-start VMs blog, 2025-09-25; stored copies read 2026-12-07).
    queued = set(spec.gcp.queued_provisioning_pools) if spec.gcp else set()
    needs = []
    for pool in resolved.pools:
        shape = pool_shape(
            pool.name,
            gpu=pool.spec.gpu.type if pool.spec.gpu else None,
            gpu_count=pool.spec.gpu.count if pool.spec.gpu else 1,
            cpu_class=pool.spec.cpu,
            machine_type=pool.machine.name,
            spot=pool.spec.spot,
        )
        where = (pool.name,)
        # An upgrade of a SURGE pool adds up to maxSurge nodes to the pool for its time ("maxSurge controls
        # the number of additional nodes that can be added to the node pool temporarily", GKE API
        # NodePool.UpgradeSettings), and every node GKE creates, upgrade nodes included, counts against the
        # project's quota ("Ensure resources for node upgrades"; both read 2026-12-07). Flex-start pools
        # carry no surge settings (SHORT_LIVED, gcp/node_pool.py); GPU pools surge 0.
        nodes = pool.spec.max + (0 if pool.name in queued else shape.max_surge)
        if shape.accelerator is not None:
            metric, quota_id, dims, known = GPU_QUOTAS[shape.accelerator.type]
            if pool.spec.spot or pool.name in queued:  # the preemptible GPU quota (ids not read in a listing)
                metric, quota_id, known = f"PREEMPTIBLE_{metric}", f"PREEMPTIBLE-{quota_id}", False
            gpus = nodes * shape.accelerator.count
            needs.append(QuotaNeed(metric, quota_id, gpus, "GPUs", region, where, dims, requestable=known))
            needs.append(QuotaNeed(*ALL_GPUS, gpus, "GPUs", GLOBAL, where, requestable=True))
        cpus = nodes * pool.machine.vcpu
        metric, quota_id, _ = CPU_QUOTAS[machine_series(pool.machine.name)]
        needs.append(QuotaNeed(metric, quota_id, cpus, "vCPUs", region, where))
        needs.append(QuotaNeed(*ALL_CPUS, cpus, "vCPUs", GLOBAL, where))
        # Boot disks are pd-balanced (gcp/node_pool.py); GB here is the GiB Compute Engine sizes disks in.
        needs.append(QuotaNeed(*SSD_TOTAL, nodes * pool.spec.disk_gb, "GB", region, where))
        if pool.machine.local_ssd_gib:
            local_ssd = nodes * pool.machine.local_ssd_gib
            needs.append(QuotaNeed(*LOCAL_SSD_TOTAL, local_ssd, "GB", region, where))
    return merged(needs)
