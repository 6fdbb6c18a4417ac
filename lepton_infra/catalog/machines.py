"""The machine catalog as data: GPU models, machine types, prices and regions per cloud.

Loaded once from the YAML files beside this module; plain frozen dataclasses, no provider SDK.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Literal

from lepton_infra.core.yaml_table import read_table

Cloud = Literal["aws", "gcp", "azure"]
CLOUDS: tuple[Cloud, ...] = ("aws", "gcp", "azure")
HOURS_PER_MONTH = 730.0


@dataclass(frozen=True)
class GpuModel:
    key: str
    model: str
    memory_mib: int


@dataclass(frozen=True)
class Machine:
    """One machine type: its GPUs (if any), size, on-demand list price and where it is offered."""

    cloud: Cloud
    name: str
    vcpu: int
    memory_gib: float
    usd_per_hour: float
    price_date: str
    price_source: str
    regions: tuple[str, ...]
    gpu: str | None = None
    gpu_count: int = 0
    cpu_class: str | None = None
    # Local SSD the machine type always comes with (GCP A3, A2 Ultra: `bundledLocalSsds`), in GiB; it
    # draws on the region's local SSD quota like any attached one. 0: none bundled.
    local_ssd_gib: int = 0

    @property
    def monthly_usd(self) -> float:
        return self.usd_per_hour * HOURS_PER_MONTH


@dataclass(frozen=True)
class CloudCatalog:
    cloud: Cloud
    price_region: str
    price_date: str
    spot_discount: float
    regions: dict[str, int]  # region -> zones a managed cluster may use
    machines: tuple[Machine, ...]
    accelerators: dict[str, str] = field(default_factory=dict)  # gpu key -> cloud accelerator type
    zone_ids: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """AWS: region -> the zone IDs a cluster may use (the zones EKS refuses left out), sorted."""
    unsupported_zone_ids: tuple[str, ...] = ()
    """AWS: zone IDs where EKS refuses cluster subnets."""

    def machine(self, name: str) -> Machine | None:
        return next((m for m in self.machines if m.name == name), None)

    def gpu_machines(self, gpu: str) -> list[Machine]:
        return [m for m in self.machines if m.gpu == gpu]

    def gpu_types(self) -> set[str]:
        return {m.gpu for m in self.machines if m.gpu}

    def regions_for_gpu(self, gpu: str) -> set[str]:
        return {r for m in self.gpu_machines(gpu) for r in m.regions}


@cache
def gpu_models() -> dict[str, GpuModel]:
    raw = _load("gpus.yaml")
    return {key: GpuModel(key=key, model=v["model"], memory_mib=v["memory_mib"]) for key, v in raw.items()}


@cache
def catalog(cloud: Cloud) -> CloudCatalog:
    raw = _load(f"{cloud}.yaml")
    unsupported = tuple(raw.get("eks_unsupported_zone_ids", ()))
    zone_ids = {
        name: tuple(sorted(z for z in facts["zone_ids"] if z not in unsupported))
        for name, facts in raw["regions"].items()
        if "zone_ids" in facts
    }
    regions = {
        name: len(zone_ids[name]) if name in zone_ids else facts["zones"]
        for name, facts in raw["regions"].items()
    }
    machines = tuple(_machine(cloud, m, raw, tuple(regions)) for m in raw["machines"])
    unknown = {m.gpu for m in machines if m.gpu} - set(gpu_models())
    if unknown:  # a data error, caught by the catalog tests
        raise ValueError(f"{cloud}.yaml names unknown GPU models {sorted(unknown)}")
    return CloudCatalog(
        cloud=cloud,
        price_region=raw["price_region"],
        price_date=str(raw["price_date"]),
        spot_discount=float(raw["spot_discount"]),
        regions=regions,
        machines=machines,
        accelerators=dict(raw.get("accelerators", {})),
        zone_ids=zone_ids,
        unsupported_zone_ids=unsupported,
    )


def _machine(cloud: Cloud, m: dict, raw: dict, all_regions: tuple[str, ...]) -> Machine:
    # Where the machine is sold: the file's per-machine `offerings` table, else the machine's own `regions`,
    # else every GPU region (GPU machines) or every region.
    default_regions = raw.get("gpu_regions", all_regions) if m.get("gpu") else all_regions
    default_regions = raw.get("offerings", {}).get(m["name"], default_regions)
    return Machine(
        cloud=cloud,
        name=m["name"],
        vcpu=int(m["vcpu"]),
        memory_gib=float(m["memory_gib"]),
        usd_per_hour=float(m["usd_per_hour"]),
        price_date=str(raw["price_date"]),
        price_source=m.get("price_source", raw["price_source"]),
        regions=tuple(m.get("regions", default_regions)),
        gpu=m.get("gpu"),
        gpu_count=int(m.get("gpu_count", 0)),
        cpu_class=m.get("cpu_class"),
        local_ssd_gib=int(m.get("local_ssd_gib", 0)),
    )


def _load(filename: str) -> dict:
    text = resources.files("lepton_infra.catalog").joinpath("data", filename).read_text()
    return read_table(text)
