"""Reserved capacity as a pool setting: the one reservation a GPU pool's nodes launch into.

A pool with `reservation:` targets capacity bought outside the platform (the platform consumes it, never
buys it): an AWS On-Demand Capacity Reservation or Capacity Block for ML, a GCP specific reservation, an
Azure capacity reservation group. The reservation is billed whether nodes run in it or not, which is what
the cost table shows as committed (cost/rules/node_pools.py). Pure: no provider SDK.

The provider facts the rules (spec/reservation_rules.py) rest on (stored copies read 2026-12-07):
- AWS, EC2 User Guide "Work with Capacity Blocks" and "Launch instances using Capacity Blocks": a Capacity
  Block is a targeted Capacity Reservation in one Availability Zone; an instance cannot launch in a subnet
  of another zone; instances still running are terminated from 30 minutes before the end. Offered only on
  the instance types `CAPACITY_BLOCK_TYPES` lists. EKS User Guide "Create a managed node group with
  Capacity Blocks for ML": the launch template sets `InstanceMarketOptions.MarketType: capacity-block` and
  the `CapacityReservationTarget`; terraform-aws-eks-blueprints pattern "ml-capacity-block": the node
  group's capacity type is `CAPACITY_BLOCK` and its subnets only the block's zone.
- AWS On-Demand Capacity Reservations are zonal too; a launch that targets one runs on-demand capacity
  (a targeted reservation is never Spot).
- GCP, GKE "Consuming reserved zonal resources": a Standard pool consumes a specific reservation through
  reservation affinity `SPECIFIC_RESERVATION` with key `compute.googleapis.com/reservation-name`; the
  reservation is zonal. Compute Engine "Choose a reservation type", Limitations: reservations are zonal and
  reserved capacity cannot create Spot VMs or preemptible instances; "About reservations": billed at the
  on-demand rate while the reservation exists. GKE queued provisioning (flex-start,
  `gcp.queued_provisioning_pools`) requires `NO_RESERVATION`.
- Azure, AKS "Assign capacity reservation groups to AKS node pools": an existing group with at least one
  reservation, associated by its resource id; the cluster needs a user-assigned identity with Contributor
  on the group's resource group (a system-assigned one does not work). Spot VMs cannot use a capacity
  reservation (Azure "On-demand capacity reservation", Limitations).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import Field

from lepton_infra.core.spec_model import SpecModel

ReservationKind = Literal[
    "capacity-reservation", "capacity-block", "specific-reservation", "capacity-reservation-group"
]


class ReservationSpec(SpecModel):
    kind: ReservationKind = Field(
        description="What the pool consumes. AWS: `capacity-reservation` (an On-Demand Capacity "
        "Reservation, billed at the on-demand rate for as long as it exists) or `capacity-block` (a "
        "Capacity Block for ML: paid upfront for its window, usable only inside it). GCP: "
        "`specific-reservation` (a Compute Engine reservation with specific consumption, billed at the "
        "reserved VMs' rate while it exists). Azure: `capacity-reservation-group` (billed at the "
        "pay-as-you-go rate of its reservations while they exist).",
    )
    id: str = Field(
        description="The reservation: AWS its id (`cr-...`); GCP its name (in the platform's project); "
        "Azure the capacity reservation group's resource id.",
    )
    instances: int = Field(
        ge=1,
        le=1000,
        description="How many VMs the reservation holds: the committed cost in the cost table (paid "
        "whether nodes run or not) and the pool's ceiling on AWS and GCP (a launch that targets a full "
        "reservation fails there), so `max` may not exceed it.",
    )
    zone: str | None = Field(
        default=None,
        description="The reservation's zone, required on AWS (a zone ID such as `use1-az4`, one of "
        "`aws.availability_zone_ids`) and GCP (e.g. `us-central1-a`): the pool's nodes launch only "
        "there (reservations are zonal). Ignored on Azure (the group carries its zones).",
    )
    start: datetime | None = Field(
        default=None,
        description="capacity-block only, required there: the block's start (UTC, ISO 8601). Nodes "
        "cannot launch before it; the pool then stays at 0.",
    )
    end: datetime | None = Field(
        default=None,
        description="capacity-block only, required there: the block's end (UTC, ISO 8601). EC2 "
        "terminates the instances still running from 30 minutes before it.",
    )

    @property
    def window_hours(self) -> float:
        if self.start is None or self.end is None:
            return 0.0
        return (utc(self.end) - utc(self.start)).total_seconds() / 3600


def utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
