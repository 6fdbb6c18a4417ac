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
    max_tenants: int | None  # None: the product sets no limit (each tenant gets an instance of its own)
    quota: str
    read: str
    # Sizes as (smallest, largest, step) ranges, for a provider that accepts ranges rather than first sizes
    # then multiples (GCP Filestore); empty for the first/step form.
    bands: tuple[tuple[int, int, int], ...] = ()
    # The one price of a product whose throughput follows its capacity (no tiers to choose), else None.
    price: ThroughputTier | None = None

    def accepts(self, capacity_gib: int) -> bool:
        """The provider creates a filesystem of this size: one of the first sizes, or a multiple of the step
        at least as large as them (or, with bands, a size on one band's steps)."""
        if self.bands:
            return any(
                lo <= capacity_gib <= hi and (capacity_gib - lo) % step == 0 for lo, hi, step in self.bands
            )
        return capacity_gib in self.first_sizes_gib or (
            capacity_gib > max(self.first_sizes_gib) and capacity_gib % self.step_gib == 0
        )

    def next_size(self, capacity_gib: int) -> int:
        """The smallest size the provider accepts that holds `capacity_gib` (with bands: the largest it
        accepts when none does)."""
        if self.bands:
            fits = [max(lo, lo + -(-(capacity_gib - lo) // step) * step) for lo, hi, step in self.bands]
            held = [size for size, (_, hi, _) in zip(fits, self.bands, strict=True) if size <= hi]
            return min(held) if held else self.bands[-1][1]
        fits = [size for size in self.first_sizes_gib if size >= capacity_gib]
        return min(fits) if fits else -(-capacity_gib // self.step_gib) * self.step_gib

    def sizes_text(self) -> str:
        """The sizes the provider accepts, for a refusal."""
        if self.bands:
            return ", or ".join(f"{lo} to {hi} GiB in steps of {step}" for lo, hi, step in self.bands)
        first = ", ".join(map(str, self.first_sizes_gib))
        return f"{first} GiB, then multiples of {self.step_gib} GiB"


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
        bands = tuple((int(lo), int(hi), int(step)) for lo, hi, step in capacity.get("bands") or ())
        price = row.get("price")
        offers[str(cloud)] = FilesystemOffer(
            cloud=str(cloud),
            product=str(row["product"]),
            tiers={
                int(mbps): ThroughputTier(int(mbps), float(t["usd_per_gib_month"]), str(t["source"]))
                for mbps, t in row["throughput_tiers"].items()
            },
            first_sizes_gib=tuple(int(s) for s in capacity.get("first") or (band[0] for band in bands)),
            step_gib=int(capacity.get("step") or bands[0][2]),
            default_gib=int(capacity["default"]),
            max_tenants=None if row["max_tenants"] is None else int(row["max_tenants"]),
            quota=" ".join(str(row["quota"]).split()),
            read=read,
            bands=bands,
            price=ThroughputTier(0, float(price["usd_per_gib_month"]), " ".join(str(price["source"]).split()))
            if price
            else None,
        )
    return offers


@cache
def filesystem_refusals() -> dict[str, str]:
    """Cloud -> why its shared filesystem is not built (what blocks it, with the source and date read)."""
    raw = read_table(DATA.read_text())
    return {str(cloud): " ".join(str(why).split()) for cloud, why in (raw.get("refused") or {}).items()}
