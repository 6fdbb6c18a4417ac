"""The shared parallel filesystem: one per platform, off by default, each tenant mounting its own
directory (docs/shared-filesystem.md). Sizes and throughput tiers are the provider's
(core/data/shared_filesystems.yaml); spec/filesystem_rules.py refuses what the provider would."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from lepton_infra.core.spec_model import SpecModel

FilesystemKind = Literal["auto", "lustre"]


class FilesystemSpec(SpecModel):
    enabled: bool = Field(
        default=False,
        description="Create one shared parallel filesystem for the platform, encrypted with the platform's "
        "key, reachable only from the cluster's nodes, with a directory per tenant that the tenant's "
        "namespace mounts as the PersistentVolumeClaim `shared` (ReadWriteMany). AWS: FSx for Lustre "
        "PERSISTENT_2 in the platform's first zone, each tenant's directory linked to its prefix of the "
        "model bucket. GCP: one Filestore zonal instance per tenant (NFS; its CSI driver mounts only a whole "
        "share), in the first node zone, exported to the nodes' subnet only. Billed for its whole capacity "
        "every hour it exists, used or not: at the defaults (1200 GiB, 125 MB/s/TiB) about $174/month on "
        "AWS; 1024 GiB per tenant, about $256/month per tenant on GCP. Default false. Not built yet on "
        "azure.",
    )
    kind: FilesystemKind = Field(
        default="auto",
        description="auto: the cloud's shared filesystem (AWS FSx for Lustre, GCP Filestore). lustre: "
        "Lustre, named (AWS only; GCP Managed Lustre encrypted with a customer key cannot be mounted from "
        "GKE). Default auto.",
    )
    capacity_gib: int | None = Field(
        default=None,
        gt=0,
        description="Provisioned capacity in GiB; the provider accepts only some sizes (AWS PERSISTENT_2: "
        "1200, 2400, then multiples of 2400; GCP Filestore zonal, per tenant: 1024 to 9984 in steps of 256, "
        "10240 to 102400 in steps of 2560). Throughput is capacity times `throughput_mbps_per_tib` (AWS) or "
        "grows with capacity (GCP). Default: the smallest the provider accepts (AWS 1200, GCP 1024).",
    )
    throughput_mbps_per_tib: int = Field(
        default=125,
        gt=0,
        description="Throughput tier, MB/s per TiB of capacity (AWS PERSISTENT_2: 125, 250, 500 or 1000); a "
        "higher tier costs more per GiB (docs/shared-filesystem.md). Refused on GCP, where Filestore's "
        "throughput follows its capacity. Default 125, the cheapest (AWS).",
    )
