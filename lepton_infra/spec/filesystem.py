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
        "model bucket. Billed for its whole capacity every hour it exists, used or not: at the defaults "
        "(1200 GiB, 125 MB/s/TiB) about $174/month on AWS. Default false. Not built yet on gcp and azure.",
    )
    kind: FilesystemKind = Field(
        default="auto",
        description="auto: the cloud's managed Lustre (AWS FSx for Lustre). lustre: the same, named. "
        "Default auto.",
    )
    capacity_gib: int | None = Field(
        default=None,
        gt=0,
        description="Provisioned capacity in GiB; the provider accepts only some sizes (AWS PERSISTENT_2: "
        "1200, 2400, then multiples of 2400). Throughput is capacity times `throughput_mbps_per_tib`. "
        "Default: the smallest the provider accepts (AWS 1200).",
    )
    throughput_mbps_per_tib: int = Field(
        default=125,
        gt=0,
        description="Throughput tier, MB/s per TiB of capacity (AWS PERSISTENT_2: 125, 250, 500 or 1000); a "
        "higher tier costs more per GiB (docs/shared-filesystem.md). Default 125, the cheapest.",
    )
