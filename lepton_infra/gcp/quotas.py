"""The Compute Engine quota a GKE platform needs with every pool at its max, per region: GPUs per model
(spot and queued-provisioning pools draw on the PREEMPTIBLE_ quotas), vCPUs and boot-disk SSD. Named as
the project's quota page names the metric (`NVIDIA_L4_GPUS`), with the Cloud Quotas quota id a request
names.

The quota ids are from public Cloud Quotas listings (`quotaInfos` dumps), not from a Google guide: L4 has
its own per-model quota; H100 has none and is governed by the per-family quota with `gpu_family:
NVIDIA_H100`. Only those two are marked requestable; the rest are reported for a request by hand.
"""

from __future__ import annotations

from lepton_infra.catalog import catalog
from lepton_infra.core.quota import QuotaNeed, merged
from lepton_infra.gcp.planning import pool_shape
from lepton_infra.spec import PlatformSpec

FAMILY_QUOTA = "GPUS-PER-GPU-FAMILY-per-project-region"
# GCE accelerator type -> (metric, Cloud Quotas id, dimensions, id read in a listing)
GPU_QUOTAS: dict[str, tuple[str, str, dict[str, str], bool]] = {
    "nvidia-l4": ("NVIDIA_L4_GPUS", "NVIDIA-L4-GPUS-per-project-region", {}, True),
    "nvidia-h100-80gb": ("NVIDIA_H100_GPUS", FAMILY_QUOTA, {"gpu_family": "NVIDIA_H100"}, True),
    "nvidia-tesla-t4": ("NVIDIA_T4_GPUS", "NVIDIA-T4-GPUS-per-project-region", {}, False),
    "nvidia-tesla-a100": ("NVIDIA_A100_GPUS", "NVIDIA-A100-GPUS-per-project-region", {}, False),
    "nvidia-a100-80gb": ("NVIDIA_A100_80GB_GPUS", "NVIDIA-A100-80GB-GPUS-per-project-region", {}, False),
}


def quota_needs(spec: PlatformSpec) -> list[QuotaNeed]:
    vcpus = {m.name: m.vcpu for m in catalog("gcp").machines}
    # Queued-provisioning pools are flex-start pools (gcp/node_pool.py): flex-start VMs draw on the
    # preemptible GPU quota, not the on-demand one (Google Cloud, "Use Dynamic Workload Scheduler" for
    # Managed Service for Apache Spark, quota requirements: "consumes the preemptible version of the GPU
    # quota"; the Flex-start VMs blog, 2025-09-25; stored copies read 2026-12-07).
    queued = set(spec.gcp.queued_provisioning_pools) if spec.gcp else set()
    needs = []
    for pool in spec.node_pools:
        shape = pool_shape(
            pool.name,
            gpu=pool.gpu.type if pool.gpu else None,
            gpu_count=pool.gpu.count if pool.gpu else 1,
            cpu_class=pool.cpu,
            machine_type=pool.machine_type,
            spot=pool.spot,
        )
        where = (pool.name,)
        if shape.accelerator is not None:
            metric, quota_id, dims, known = GPU_QUOTAS[shape.accelerator.type]
            if pool.spot or pool.name in queued:  # the preemptible GPU quota (ids not read in a listing)
                metric, quota_id, known = f"PREEMPTIBLE_{metric}", f"PREEMPTIBLE-{quota_id}", False
            needs.append(
                QuotaNeed(
                    metric,
                    quota_id,
                    pool.max * shape.accelerator.count,
                    "GPUs",
                    spec.region,
                    where,
                    dims,
                    requestable=known,
                )
            )
        needs.append(
            QuotaNeed(
                "CPUS",
                "CPUS-per-project-region",
                pool.max * vcpus[shape.machine_type],
                "vCPUs",
                spec.region,
                where,
            )
        )
        needs.append(
            QuotaNeed(
                "SSD_TOTAL_GB",
                "SSD-TOTAL-GB-per-project-region",
                pool.max * pool.disk_gb,
                "GB",
                spec.region,
                where,
            )
        )
    return merged(needs)
