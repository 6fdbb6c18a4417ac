"""Which zones a GPU pool goes to: those of the region whose live machine-type list has the pool's machine,
asked at plan time, so a missing machine fails with the region and machine named instead of twenty
minutes into an apply."""

from __future__ import annotations

import pulumi
import pulumi_gcp as gcp

from lepton_infra.gcp.planning import zones_offering
from lepton_infra.gcp.zones import NodeZones
from lepton_infra.spec.resolved import ResolvedPool


def gpu_pool_zones(
    pool: ResolvedPool,
    region: str,
    candidates: pulumi.Output[list[str]],  # gcp/zones.py: the pinned zones, or the UP ones
    wanted: int,
    project: pulumi.Input[str],
    invoke_opts: pulumi.InvokeOutputOptions,
) -> pulumi.Output[list[str]] | None:
    """GPU pools go only to zones whose live machine-type list has their machine (a plan-time check that
    fails with the region and machine named, instead of 20 minutes into an apply); CPU pools (None)
    use the cluster's zones."""
    if pool.spec.gpu is None:
        return None
    machine = pool.machine.name  # the resolved machine (spec/resolved.py), chosen in the spec's region

    def check(zones: list[str]) -> pulumi.Output[list[str]]:
        answers = [
            gcp.compute.get_machine_types_output(
                project=project, zone=zone, filter=f'name = "{machine}"', opts=invoke_opts
            ).machine_types
            for zone in zones
        ]
        return pulumi.Output.all(*answers).apply(
            lambda found: zones_offering(machine, region, zones, [bool(f) for f in found], wanted)
        )

    return candidates.apply(lambda names: check(sorted(names)))


def pool_locations(
    pool: ResolvedPool,
    region: str,
    zones: NodeZones,
    wanted: int,
    project: pulumi.Input[str],
    invoke_opts: pulumi.InvokeOutputOptions,
) -> pulumi.Input[list[str]] | None:
    """A pool's node locations. A specific reservation is zonal: its zone. A compact pool is in one zone
    (GKE places a compact placement in one zone, "Define compact placement for GKE nodes", read 2026-12-08):
    the first zone offering its machine, or a CPU pool's first node zone. Otherwise a GPU pool's zones
    offering its machine; a CPU pool's None (the cluster's)."""
    if pool.spec.reserved_zone:
        return [pool.spec.reserved_zone]
    compact = pool.spec.compact
    if pool.spec.gpu is None:
        return zones.names.apply(lambda names: names[:1]) if compact else None
    return gpu_pool_zones(pool, region, zones.gpu_candidates, 1 if compact else wanted, project, invoke_opts)
