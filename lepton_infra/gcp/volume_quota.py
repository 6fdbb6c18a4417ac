"""The disk quota the platform's persistent volumes draw on: each claim the plan's objects make
(core/volume_claims.py: Prometheus, Alertmanager, any PVC or volume claim template) at full scale, by the
disk type of its StorageClass, merged into `quota_to_request` next to the nodes' boot disks.

A PersistentVolume on GKE is a Compute Engine persistent disk the PD CSI driver creates in the cluster's
region; its size is the claim rounded up to whole GiB (the driver's CreateVolume rounds up,
kubernetes-sigs/gcp-compute-persistent-disk-csi-driver#684), and Compute Engine's "GB" is that GiB.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lepton_infra.core.quota import QuotaNeed
from lepton_infra.core.volume_claims import StorageClassFacts, VolumeClaim
from lepton_infra.gcp.quotas import DISKS_TOTAL, SSD_TOTAL

PD_CSI = "pd.csi.storage.gke.io"
# PD CSI `type` parameter -> the regional quota its disks draw on (Compute Engine "Allocation quotas",
# disk quotas, read 2026-12-07). Another type (pd-extreme, hyperdisk-*) has quotas of its own: look them
# up and add them here before a StorageClass uses it.
DISK_TYPE_QUOTA: dict[str, tuple[str, str]] = {
    "pd-balanced": SSD_TOTAL,
    "pd-ssd": SSD_TOTAL,
    "pd-standard": DISKS_TOTAL,
}


def volume_quota_needs(
    claims: Sequence[VolumeClaim], storage_classes: Mapping[str, StorageClassFacts], region: str
) -> list[QuotaNeed]:
    """One need per claim (`merged` sums them with the boot disks); a claim's `pools` entry names the
    volume (`volume:<where>`), so the output says what draws on the quota.

    Raises ValueError for a claim whose StorageClass the plan does not create or whose disk type has no
    known quota: a platform code error (the spec cannot cause it), caught by tests/gcp/test_gcp_disk_quota.py.
    """
    needs = []
    for claim in claims:
        if claim.storage_class == "":
            continue  # bound to a volume made up front (the shared filesystem's): no disk is created
        facts = storage_classes.get(claim.storage_class or "")
        if facts is None or facts.provisioner != PD_CSI:
            raise ValueError(
                f"{claim.where}: storage class {claim.storage_class!r} is not a PD CSI class the plan "
                "creates; its disk quota is unknown"
            )
        disk_type = facts.parameters.get("type", "")
        if disk_type not in DISK_TYPE_QUOTA:
            raise ValueError(f"{claim.where}: disk type {disk_type!r} has no known quota (DISK_TYPE_QUOTA)")
        metric, quota_id = DISK_TYPE_QUOTA[disk_type]
        needs.append(QuotaNeed(metric, quota_id, claim.total_gib, "GB", region, (f"volume:{claim.where}",)))
    return needs
