"""Azure's knobs with their defaults decided, and the AKS system pool the platform adds to the spec's
pools: what the Azure platform and its quota sums read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lepton_infra.profiles.azure.knobs import AzureKnobs
from lepton_infra.profiles.azure.limits import SYSTEM_POOL_NAME, SYSTEM_POOL_VM_SIZE

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

# (min, max) nodes of the AKS system pool per environment.
SYSTEM_POOL_SIZE = {"prod": (3, 5), "staging": (2, 4), "dev": (1, 3)}


@dataclass(frozen=True)
class AksSystemPool:
    name: str
    vm_size: str
    min_nodes: int
    max_nodes: int
    # `azure.system_pool_hosts_platform`: the spec's system pool this pool stands in for (its name); None:
    # a dedicated kube-system pool, tainted CriticalAddonsOnly.
    hosts_pool: str | None = None
    labels: tuple[tuple[str, str], ...] = ()  # the spec pool's own labels, when it hosts one


@dataclass(frozen=True)
class ResolvedAzure:
    knobs: AzureKnobs  # the `azure:` block as written (required on Azure)
    system_pool: AksSystemPool  # AKS's own system pool, beside the spec's pools


def resolve_azure(spec: PlatformSpec) -> ResolvedAzure:
    if spec.azure is None:
        raise ValueError("cloud azure needs its `azure:` block: validate the spec first")
    low, high = SYSTEM_POOL_SIZE[spec.environment]
    # `azure.system_pool_hosts_platform`, else on in dev only: one always-on CPU pool there.
    hosts = spec.azure.system_pool_hosts_platform
    hosted = spec.system_pool if (spec.environment == "dev" if hosts is None else hosts) else None
    if hosted is None:
        pool = AksSystemPool(SYSTEM_POOL_NAME, SYSTEM_POOL_VM_SIZE, low, high)
    else:
        machine = hosted.machine(spec.cloud, spec.region)
        pool = AksSystemPool(
            SYSTEM_POOL_NAME,
            machine.name,
            hosted.min,
            hosted.max,
            hosts_pool=hosted.name,
            labels=tuple(sorted(hosted.labels.items())),
        )
    return ResolvedAzure(knobs=spec.azure, system_pool=pool)
