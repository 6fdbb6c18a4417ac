"""Reserved capacity on EKS (spec/reservation.py): the launch template's reservation target, the node
group's capacity type, and the pool's subnet.

A reserved pool's subnet: an EC2 reservation (On-Demand Capacity Reservation or Capacity Block) is
zonal and an instance targeting it cannot launch in a subnet of another zone (EC2 User Guide, "Launch
instances using Capacity Blocks", Requirements; read 2026-12-07). A node group spanning every zone would
have its Auto Scaling group try the others and fail there, so the pool gets only the reservation's zone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import pulumi
import pulumi_aws as aws

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


def launch_reservation(reservation_id: pulumi.Input[str] | None, capacity_block: bool) -> dict[str, Any]:
    """Launch template arguments: every launch targets the reservation (never open capacity), and a Capacity
    Block is its own market type (EKS User Guide, "Create a managed node group with Capacity Blocks for ML":
    `InstanceMarketOptions.MarketType: capacity-block` and the `CapacityReservationTarget`; read
    2026-12-07). None without a reservation."""
    if reservation_id is None:
        return {}
    target = aws.ec2.LaunchTemplateCapacityReservationSpecificationCapacityReservationTargetArgs(
        capacity_reservation_id=reservation_id
    )
    return {
        "capacity_reservation_specification": aws.ec2.LaunchTemplateCapacityReservationSpecificationArgs(
            capacity_reservation_target=target
        ),
        **(
            {
                "instance_market_options": aws.ec2.LaunchTemplateInstanceMarketOptionsArgs(
                    market_type="capacity-block"
                )
            }
            if capacity_block
            else {}
        ),
    }


def capacity_type(*, spot: bool, capacity_block: bool) -> str:
    """The node group's capacity type: `CAPACITY_BLOCK` for a Capacity Block (terraform-aws-eks-blueprints
    pattern "ml-capacity-block"); an On-Demand Capacity Reservation is `ON_DEMAND`."""
    if capacity_block:
        return "CAPACITY_BLOCK"
    return "SPOT" if spot else "ON_DEMAND"


def reservation_args(pool: NodePoolSpec) -> dict[str, Any]:
    """`aws.NodePoolArgs` of a pool's reservation: its id and whether it is a block (its subnets: the
    reservation's zone, aws/fabric.py `fabric_pool_args`)."""
    reservation = pool.reservation
    return {
        "capacity_reservation_id": reservation.id if reservation else None,
        "capacity_block": bool(reservation and reservation.kind == "capacity-block"),
    }
