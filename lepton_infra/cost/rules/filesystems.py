"""The shared parallel filesystem: billed for its whole provisioned capacity every hour it exists, used or
not, so idle and max are the same (priced per GiB-month by throughput tier, core/data/shared_filesystems.yaml,
with the source and date of every figure)."""

from __future__ import annotations

from lepton_infra.catalog import HOURS_PER_MONTH
from lepton_infra.core.shared_filesystem import filesystem_offers
from lepton_infra.cost.prices import Price
from lepton_infra.cost.registry import cost_item, rule


@rule("aws:fsx/lustreFileSystem:LustreFileSystem")
def _fsx_lustre(r, graph, book):
    offer = filesystem_offers()["aws"]
    capacity = int(r.get("storageCapacity") or 0)
    tier = offer.tiers[int(r.get("perUnitStorageThroughput") or min(offer.tiers))]
    price = Price(tier.usd_per_gib_month / HOURS_PER_MONTH, tier.source, offer.read)
    note = (
        f"{capacity} GiB at {tier.mbps_per_tib} MB/s/TiB, ${tier.usd_per_gib_month}/GiB-month: billed for "
        "the whole capacity while the file system exists, used or not"
    )
    yield cost_item(r, "filesystem", price, capacity, capacity, note=note)


@rule("gcp:filestore/instance:Instance")
def _filestore(r, graph, book):
    offer = filesystem_offers()["gcp"]
    assert offer.price is not None  # Filestore's throughput follows capacity: one price (the data table)
    shares = r.get("fileShares") or {}
    capacity = int((shares.get("capacityGb") if isinstance(shares, dict) else 0) or 0)
    price = Price(offer.price.usd_per_gib_month / HOURS_PER_MONTH, offer.price.source, offer.read)
    note = (
        f"{capacity} GiB Filestore {r.get('tier') or 'ZONAL'}, ${offer.price.usd_per_gib_month}/GiB-month: "
        "billed for the whole capacity while the instance exists, used or not"
    )
    yield cost_item(r, "filesystem", price, capacity, capacity, note=note)
