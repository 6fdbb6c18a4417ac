"""A reserved pool's subnet: an EC2 reservation (On-Demand Capacity Reservation or Capacity Block) is
zonal and an instance targeting it cannot launch in a subnet of another zone (EC2 User Guide, "Launch
instances using Capacity Blocks", Requirements; read 2026-12-07). A node group spanning every zone would
have its Auto Scaling group try the others and fail there, so the pool gets only the reservation's zone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from lepton_infra.spec import NodePoolSpec

T = TypeVar("T")


def pool_subnets(subnets: Sequence[T], zone_ids: Sequence[str], pool: NodePoolSpec) -> list[T]:
    """The pool's private subnets: all of them, or the reservation's zone's one. Subnet i is in zone ID
    `zone_ids[i]` (aws.Network creates them in that order); the spec requires the reservation's zone to be
    one of the pinned `aws.availability_zone_ids` (spec/reservation.py)."""
    reservation = pool.reservation
    if reservation is None or reservation.zone is None:
        return list(subnets)
    return [subnets[list(zone_ids).index(reservation.zone)]]
