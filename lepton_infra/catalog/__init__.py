"""GPU and machine catalog for AWS, GCP and Azure: data files plus the pure machine chooser."""

from lepton_infra.catalog.choose import DEFAULT_CPU_CLASS, NoMachine, choose_machine, spot_alternatives
from lepton_infra.catalog.machines import (
    CLOUDS,
    HOURS_PER_MONTH,
    Cloud,
    CloudCatalog,
    GpuModel,
    Machine,
    catalog,
    gpu_models,
)

__all__ = [
    "CLOUDS",
    "DEFAULT_CPU_CLASS",
    "HOURS_PER_MONTH",
    "Cloud",
    "CloudCatalog",
    "GpuModel",
    "Machine",
    "NoMachine",
    "catalog",
    "choose_machine",
    "gpu_models",
    "spot_alternatives",
]
