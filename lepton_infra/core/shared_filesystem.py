"""What each cloud's shared parallel filesystem accepts and costs (`data/shared_filesystems.yaml`, with the
source of every figure). In core/: the spec refuses sizes the provider refuses and the cost model prices
the filesystem, and neither imports a cloud package."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lepton_infra.core.yaml_table import read_table

DATA = Path(__file__).parent / "data" / "shared_filesystems.yaml"


@dataclass(frozen=True)
class ThroughputTier:
    mbps_per_tib: int
    usd_per_gib_month: float
    source: str


@dataclass(frozen=True)
class FilesystemOffer:
    cloud: str
    product: str
    tiers: Mapping[int, ThroughputTier]
    first_sizes_gib: tuple[int, ...]
    step_gib: int
    default_gib: int
    max_tenants: int
    quota: str
    read: str

    def accepts(self, capacity_gib: int) -> bool:
        """The provider creates a filesystem of this size: one of the first sizes, or a multiple of the step
        at least as large as them."""
        return capacity_gib in self.first_sizes_gib or (
            capacity_gib > max(self.first_sizes_gib) and capacity_gib % self.step_gib == 0
        )

    def next_size(self, capacity_gib: int) -> int:
        """The smallest size the provider accepts that holds `capacity_gib`."""
        fits = [size for size in self.first_sizes_gib if size >= capacity_gib]
        return min(fits) if fits else -(-capacity_gib // self.step_gib) * self.step_gib


@cache
def filesystem_offers() -> dict[str, FilesystemOffer]:
    """Cloud -> what its shared filesystem accepts; a cloud without an entry has none built."""
    raw = read_table(DATA.read_text())
    read = str(raw["read"])
    offers: dict[str, FilesystemOffer] = {}
    for cloud, row in raw.items():
        if cloud in ("read", "refused"):
            continue
        capacity = row["capacity_gib"]
        offers[str(cloud)] = FilesystemOffer(
            cloud=str(cloud),
            product=str(row["product"]),
            tiers={
                int(mbps): ThroughputTier(int(mbps), float(t["usd_per_gib_month"]), str(t["source"]))
                for mbps, t in row["throughput_tiers"].items()
            },
            first_sizes_gib=tuple(int(s) for s in capacity["first"]),
            step_gib=int(capacity["step"]),
            default_gib=int(capacity["default"]),
            max_tenants=int(row["max_tenants"]),
            quota=" ".join(str(row["quota"]).split()),
            read=read,
        )
    return offers


@cache
def filesystem_refusals() -> dict[str, str]:
    """Cloud -> why its shared filesystem is not built (what blocks it, with the source and date read)."""
    raw = read_table(DATA.read_text())
    return {str(cloud): " ".join(str(why).split()) for cloud, why in (raw.get("refused") or {}).items()}
