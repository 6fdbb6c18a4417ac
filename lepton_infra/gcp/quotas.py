"""The Compute Engine quota a GKE platform needs with every pool at its max, per region: GPUs per model
(spot pools draw on the PREEMPTIBLE_ quotas), vCPUs and boot-disk SSD. Named as the project's quota page
names the metric (`NVIDIA_L4_GPUS`), with the Cloud Quotas quota id a request names.

The quota ids are from public Cloud Quotas listings (`quotaInfos` dumps), not from a Google guide: L4 has
its own per-model quota; H100 has none and is governed by the per-family quota with `gpu_family:
NVIDIA_H100`. Only those two are marked requestable; the rest are reported for a request by hand.
"""

from __future__ import annotations

from lepton_infra.core.quota import QuotaNeed, merged
from lepton_infra.gcp.planning import pool_shape
from lepton_infra.spec.resolved import ResolvedPlatform

FAMILY_QUOTA = "GPUS-PER-GPU-FAMILY-per-project-region"
# GCE accelerator type -> (metric, Cloud Quotas id, dimensions, id read in a listing)
GPU_QUOTAS: dict[str, tuple[str, str, dict[str, str], bool]] = {
    "nvidia-l4": ("NVIDIA_L4_GPUS", "NVIDIA-L4-GPUS-per-project-region", {}, True),
    "nvidia-h100-80gb": ("NVIDIA_H100_GPUS", FAMILY_QUOTA, {"gpu_family": "NVIDIA_H100"}, True),
    "nvidia-tesla-t4": ("NVIDIA_T4_GPUS", "NVIDIA-T4-GPUS-per-project-region", {}, False),
    "nvidia-tesla-a100": ("NVIDIA_A100_GPUS", "NVIDIA-A100-GPUS-per-project-region", {}, False),
    "nvidia-a100-80gb": ("NVIDIA_A100_80GB_GPUS", "NVIDIA-A100-80GB-GPUS-per-project-region", {}, False),
}


def quota_needs(resolved: ResolvedPlatform) -> list[QuotaNeed]:
    region = resolved.spec.region
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
        if shape.accelerator is not None:
            metric, quota_id, dims, known = GPU_QUOTAS[shape.accelerator.type]
            if pool.spec.spot:  # spot VMs draw on the preemptible GPU quota (ids not read in a listing)
                metric, quota_id, known = f"PREEMPTIBLE_{metric}", f"PREEMPTIBLE-{quota_id}", False
            needs.append(
                QuotaNeed(
                    metric,
                    quota_id,
                    pool.spec.max * shape.accelerator.count,
                    "GPUs",
                    region,
                    where,
                    dims,
                    requestable=known,
                )
            )
        needs.append(
            QuotaNeed(
                "CPUS", "CPUS-per-project-region", pool.spec.max * pool.machine.vcpu, "vCPUs", region, where
            )
        )
        needs.append(
            QuotaNeed(
                "SSD_TOTAL_GB",
                "SSD-TOTAL-GB-per-project-region",
                pool.spec.max * pool.spec.disk_gb,
                "GB",
                region,
                where,
            )
        )
    return merged(needs)
