"""`node_pools[].fabric` and `node_pools[].placement`: a fabric only on a machine that has one and that the
platform wires end to end (catalog/data/fabric.yaml), compact placement only where it is built. Refused at
spec time, so a pool that asked for the fabric never comes up with NCCL silently on TCP. Pure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.catalog import NoMachine
from lepton_infra.catalog.fabric import fabric_machines, fabric_of
from lepton_infra.core.errors import Problem
from lepton_infra.core.spec_checks import Rule, rule
from lepton_infra.spec.gke_placement import compact_placement_problems

if TYPE_CHECKING:
    from lepton_infra.spec.node_pool import NodePoolSpec
    from lepton_infra.spec.platform import PlatformSpec

# Clouds whose pools get a compact placement today (AWS: a cluster placement group per pool; GCP: the node
# pool's COMPACT placement policy, spec/gke_placement.py).
COMPACT_PLACEMENT_CLOUDS = ("aws", "gcp")


@rule("cloud", "region", "node_pools")
def _fabric(spec: PlatformSpec) -> Iterator[Problem]:
    built = fabric_machines(spec.cloud, built_only=True)
    for i, pool in enumerate(spec.node_pools):
        path = f"node_pools[{i}]"
        if pool.fabric == "auto":
            yield from _fabric_pool(spec, path, pool, built)
        if pool.placement == "compact" and spec.cloud not in COMPACT_PLACEMENT_CLOUDS:
            yield Problem(
                f"{path}.placement",
                "compact",
                f"compact placement is built on {', '.join(COMPACT_PLACEMENT_CLOUDS)} only, not yet on "
                f"{spec.cloud}",
                "remove `placement` (the cloud then places the nodes wherever it has capacity)",
            )
        if pool.compact and pool.reservation is not None and spec.cloud == "aws":
            yield _placement_with_reservation(path, pool, pool.reservation.kind)
        if pool.compact and spec.cloud == "gcp":
            yield from _gke_compact(spec, path, pool)


def _gke_compact(spec: PlatformSpec, path: str, pool: NodePoolSpec) -> Iterator[Problem]:
    """A GKE compact pool: a machine GKE places compactly and no reservation. A
    specific reservation's VMs are the ones it holds, in its zone, placed as the reservation was made (Compute
    Engine reservations carry their own placement policy). Whether GKE accepts a COMPACT pool consuming a
    specific reservation was not readable in the stored GKE pages (2026-12-08): the platform refuses the
    combination, a judgment like AWS's (`_placement_with_reservation`), rather than let node creation fail."""
    if pool.reservation is not None:
        yield Problem(
            f"{path}.placement",
            pool.placement or "compact (a fabric pool's default)",
            "a GKE compact placement policy is not combined with a specific reservation here: the "
            "reservation already fixes which VMs, in which zone, the pool's nodes are",
            "set placement: any on a reserved pool (make the reservation itself with a compact placement "
            "policy in Compute Engine if its VMs must be close)",
        )
    try:
        machine = pool.machine(spec.cloud, spec.region)
    except NoMachine:
        return  # the pool rule reports the machine
    yield from compact_placement_problems(path, machine)


def _placement_with_reservation(path: str, pool: NodePoolSpec, kind: str) -> Problem:
    """A cluster placement group on a reserved pool: the reservation already fixes where the instances
    run. A Capacity Block's instances are colocated by EC2 itself, and launches into a placement group
    use an On-Demand Capacity Reservation only when that reservation was created in the same group
    (EC2 User Guide, "Capacity Reservations in cluster placement groups"; terraform-aws-eks PR #3730:
    EFA node groups forcing a placement group broke ODCR and Capacity Block launches; read 2026-12-07)."""
    value = pool.placement or "compact (a fabric pool's default)"
    return Problem(
        f"{path}.placement",
        value,
        f"a cluster placement group does not combine with the pool's {kind}: "
        "the reservation already decides where the instances run, and launches into the group would not "
        "use it",
        "set placement: any on a reserved pool (a Capacity Block is colocated by EC2 already)",
    )


def _fabric_pool(spec: PlatformSpec, path: str, pool: NodePoolSpec, built: list[str]) -> Iterator[Problem]:
    if pool.gpu is None:
        yield Problem(
            f"{path}.fabric",
            "auto",
            "a fabric connects GPUs between nodes; this is a CPU pool",
            "set fabric: off",
        )
        return
    try:
        machine = pool.machine(spec.cloud, spec.region)
    except NoMachine:
        return  # the pool rule reports the machine
    fabric = fabric_of(spec.cloud, machine.name)
    has = ", ".join(built) if built else "none yet"
    if fabric is None:
        yield Problem(
            f"{path}.fabric",
            "auto",
            f"{machine.name} has no GPU-to-GPU fabric (catalog/data/fabric.yaml); on {spec.cloud} the "
            f"machines with one the platform wires: {has}",
            "set `machine_type` (or `gpu`) to one of them, or fabric: off",
        )
    elif not fabric.built:
        yield Problem(
            f"{path}.fabric",
            "auto",
            f"{machine.name}'s {fabric.kind} fabric is catalogued but not wired by the platform yet on "
            f"{spec.cloud} (its pool would come up with NCCL on TCP); wired today on {spec.cloud}: {has}",
            "set fabric: off",
        )


FABRIC_RULES: tuple[Rule, ...] = (_fabric,)
