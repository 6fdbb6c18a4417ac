"""The GPU-to-GPU fabric of the machines that have one (data/fabric.yaml): the interfaces a node pool wires,
the bandwidth NCCL should reach over them, and which fabrics the platform builds today. Pure data, no SDK."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from lepton_infra.catalog.machines import Cloud, catalog
from lepton_infra.core.yaml_table import read_table

FabricKind = Literal["efa", "gpudirect-tcpx", "infiniband"]

# What NCCL's all-reduce bus bandwidth (nccl-tests, busbw) is measured against. nccl-tests doc/PERFORMANCE.md
# (NVIDIA/nccl-tests master, stored copy read 2026-12-07) defines busbw so that it "reflects how optimally
# the hardware is used" and can be compared to the hardware's peak; between nodes each GPU's share of the
# fabric is the ceiling of a ring all-reduce (on 2 nodes NCCL may choose a tree or NVLS tree that goes past
# it; NVIDIA/nccl-tests#196: force NCCL_ALGO=Ring to measure the network). A healthy fabric reaches most of
# that ceiling; the pass mark below is our judgment, not a provider figure: a run under it means part of the
# fabric is missing (a NIC not used, a plugin not loaded), one far under it means NCCL fell back to TCP.
PASS_FRACTION = 0.8


@dataclass(frozen=True)
class Fabric:
    cloud: Cloud
    machine: str
    kind: FabricKind
    interfaces: int
    gbps: int
    built: bool
    read: str
    source: str
    device_resource: str | None = None

    @property
    def per_gpu_gbytes_per_s(self) -> float:
        """The fabric's bandwidth per GPU in GB/s (the ring all-reduce busbw ceiling between nodes)."""
        gpus = catalog(self.cloud).machine(self.machine)
        count = gpus.gpu_count if gpus is not None and gpus.gpu_count else 1
        return self.gbps / 8 / count

    @property
    def expected_busbw_gbytes_per_s(self) -> float:
        """The all-reduce busbw a test should at least reach (`PASS_FRACTION` of the ceiling), GB/s."""
        return round(self.per_gpu_gbytes_per_s * PASS_FRACTION, 1)


@cache
def fabrics() -> dict[str, Fabric]:
    text = resources.files("lepton_infra.catalog").joinpath("data", "fabric.yaml").read_text()
    raw = read_table(text)["machines"]
    return {
        name: Fabric(
            cloud=row["cloud"],
            machine=name,
            kind=row["kind"],
            interfaces=int(row["interfaces"]),
            gbps=int(row["gbps"]),
            built=bool(row["built"]),
            read=str(row["read"]),
            source=" ".join(str(row["source"]).split()),
            device_resource=row.get("device_resource"),
        )
        for name, row in raw.items()
    }


def fabric_of(cloud: Cloud, machine: str) -> Fabric | None:
    """The fabric of `machine` on `cloud`, or None when it has none."""
    found = fabrics().get(machine)
    return found if found is not None and found.cloud == cloud else None


def fabric_machines(cloud: Cloud, *, built_only: bool = False) -> list[str]:
    """The machines of `cloud` that have a fabric (that the platform wires, with `built_only`), sorted."""
    return sorted(m for m, f in fabrics().items() if f.cloud == cloud and (f.built or not built_only))


@dataclass(frozen=True)
class EfaInterface:
    network_card: int
    device: int


def efa_only_interfaces(fabric: Fabric) -> list[EfaInterface]:
    """The EFA-only interfaces of an EFA machine, besides its ENA primary (card 0, device 0): card 0 device 1,
    then device 0 of every further card (Amazon EC2 User Guide, efa-acc-inst-types.md, the recommended
    basic configuration and P5 "Use case 1", read 2026-12-07). One EFA device per interface."""
    if fabric.kind != "efa":
        return []
    return [EfaInterface(0, 1)] + [EfaInterface(card, 0) for card in range(1, fabric.interfaces)]
