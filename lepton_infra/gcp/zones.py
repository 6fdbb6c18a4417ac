"""Which zones the nodes run in, decided once (issue 24 item 3). Pinned in `gcp.zones`: those, checked
against the region's zones at plan time. Otherwise the first `network.zones` zones that are UP when the
cluster is created, and kept: the cluster ignores later changes to its location and node locations, so
a zone that is briefly DOWN, or a new zone, never moves nodes (or replaces a zonal cluster) during a
routine `pulumi up`."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from lepton_infra.spec.resolved import ResolvedPlatform


@dataclass(frozen=True)
class NodeZones:
    names: pulumi.Output[list[str]]  # sorted; a zonal cluster's control plane is in the first
    # Where a GPU pool may go (those of them offering its machine): the pinned zones, or every UP zone.
    gpu_candidates: pulumi.Output[list[str]]
    pinned: bool  # from gcp.zones: changes to them are applied; otherwise kept from the first run


class UnknownZone(ValueError):
    """A pinned zone the region does not have (a typo, or a zone retired since it was pinned)."""


def node_zones(
    resolved: ResolvedPlatform, project: pulumi.Input[str], invoke_opts: pulumi.InvokeOutputOptions
) -> NodeZones:
    assert resolved.gcp is not None  # resolve() fills the spec's own cloud
    spec = resolved.spec
    pinned = sorted(resolved.gcp.knobs.zones)
    if pinned:
        # Every zone of the region, whatever its status: a DOWN zone is still the nodes' zone.
        known = gcp.compute.get_zones_output(project=project, region=spec.region, opts=invoke_opts).names
        checked = known.apply(lambda names: _known(pinned, names, spec.region))
        return NodeZones(checked, checked, pinned=True)
    wanted = resolved.zones
    up = gcp.compute.get_zones_output(project=project, region=spec.region, status="UP", opts=invoke_opts)
    return NodeZones(up.names.apply(lambda names: sorted(names)[:wanted]), up.names, pinned=False)


def _known(pinned: list[str], names: list[str], region: str) -> list[str]:
    missing = [z for z in pinned if z not in names]
    if missing:
        raise UnknownZone(
            f"gcp.zones: {', '.join(missing)} is not a zone of {region} (it has {', '.join(sorted(names))})"
        )
    return pinned
