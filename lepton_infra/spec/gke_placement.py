"""GKE compact placement (`node_pools[].placement: compact` on GCP): which machines GKE places compactly, and
what it refuses, checked at spec time so a pool never fails at node-pool creation. Pure data and checks.

Source: GKE docs "Define compact placement for GKE nodes"
(cloud.google.com/kubernetes-engine/docs/how-to/compact-placement, stored copies of the English page read
2026-12-08): compact placement is available only on the C2, C2D, C3, C3D, C4A, C4D, C4N, H3, H4D, N2, N2D and
Z4D machine types and only with A100, L4 and H100 GPUs; GKE provisions a compact placement in the same zone;
pods are grouped on up to 1,500 nodes (a pool's `max` is at most 1,000 already, spec/node_pool.py, so that
limit is never reached); in Standard node pools it is supported only in new node pools (an existing pool
cannot take it: turning it on or off means a new pool). The Standard section's full limitations list was not
readable in the stored copies: the machine and GPU lists above are the page's Autopilot ones, applied here as
the narrower reading."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.catalog.machines import Machine
from lepton_infra.core.errors import Problem

# Machine series GKE places compactly (the page's list, lower-cased as in machine type names).
COMPACT_CPU_SERIES = ("c2", "c2d", "c3", "c3d", "c4a", "c4d", "c4n", "h3", "h4d", "n2", "n2d", "z4d")
# GPUs GKE places compactly, as the catalog names them (A100 40/80 GB, L4, H100 80 GB).
COMPACT_GPUS = ("a100-40gb", "a100-80gb", "h100-80gb", "l4")


def compact_placement_problems(path: str, machine: Machine) -> Iterator[Problem]:
    """What GKE refuses for a compact pool of `machine`."""
    series = machine.name.split("-", 1)[0]
    if machine.gpu is not None and machine.gpu not in COMPACT_GPUS:
        yield Problem(
            f"{path}.placement",
            "compact",
            f"GKE places {machine.name} ({machine.gpu}) compactly only with {', '.join(COMPACT_GPUS)} GPUs",
            "remove `placement` (or set placement: any), or choose one of those GPUs",
        )
    elif machine.gpu is None and series not in COMPACT_CPU_SERIES:
        yield Problem(
            f"{path}.placement",
            "compact",
            f"GKE places only the {', '.join(s.upper() for s in COMPACT_CPU_SERIES)} machine series "
            f"compactly; {machine.name} is {series.upper()}",
            "remove `placement` (or set placement: any), or set `machine_type` to one of those series",
        )
