"""Reserved capacity as a pool setting: the one reservation a GPU pool's nodes launch into.

A pool with `reservation:` targets capacity bought outside the platform (the platform consumes it, never
buys it): an AWS On-Demand Capacity Reservation or Capacity Block for ML, a GCP specific reservation, an
Azure capacity reservation group. The reservation is billed whether nodes run in it or not, which is what
the cost table shows as committed (cost/rules/node_pools.py). Pure: no provider SDK.

The provider facts the rules below rest on (stored copies read 2026-12-07):
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

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from lepton_infra.catalog import NoMachine
from lepton_infra.core.errors import Problem
from lepton_infra.core.kubernetes_versions import PlanDateError, plan_date
from lepton_infra.core.spec_checks import Rule, rule
from lepton_infra.core.spec_model import SpecModel

if TYPE_CHECKING:
    from lepton_infra.spec.node_pool import NodePoolSpec
    from lepton_infra.spec.platform import PlatformSpec

ReservationKind = Literal[
    "capacity-reservation", "capacity-block", "specific-reservation", "capacity-reservation-group"
]

# Which kind each cloud offers.
KINDS_BY_CLOUD: dict[str, tuple[str, ...]] = {
    "aws": ("capacity-reservation", "capacity-block"),
    "gcp": ("specific-reservation",),
    "azure": ("capacity-reservation-group",),
}

# EC2 instance types sold as Capacity Blocks for ML (EC2 User Guide "Capacity Blocks for ML", Supported
# instance types and Regions; AWS PCS "Using Capacity Blocks": P6-B300, P6-B200, P5en, P5e, P5, P4d;
# stored copies read 2026-12-07). Only the catalog's GPU machines matter here.
CAPACITY_BLOCK_TYPES = frozenset(
    {
        "p4d.24xlarge",
        "p5.48xlarge",
        "p5e.48xlarge",
        "p5en.48xlarge",
        "p6-b200.48xlarge",
        "p6-b300.48xlarge",
    }
)

_AWS_ID = re.compile(r"^cr-[0-9a-f]{8}([0-9a-f]{9})?$")
_AWS_ZONE_ID = re.compile(r"^[a-z]{2,4}[0-9]+-az[0-9]+$")
_GCP_NAME = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
_AZURE_CRG = re.compile(
    r"^/subscriptions/[0-9a-fA-F-]{36}/resourceGroups/[^/]+/providers/Microsoft\.Compute/"
    r"capacityReservationGroups/[^/]+$",
    re.IGNORECASE,
)


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
        return (_utc(self.end) - _utc(self.start)).total_seconds() / 3600


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def reserved_capacity_pools(spec: PlatformSpec) -> list[NodePoolSpec]:
    return [p for p in spec.node_pools if p.reservation is not None]


def reserved_zone(pool: NodePoolSpec) -> str | None:
    """The zone a reserved pool's nodes must launch in (None: no reservation, or one without a zone)."""
    return pool.reservation.zone if pool.reservation is not None else None


def _id_problem(cloud: str, value: str) -> str | None:
    if cloud == "aws" and not _AWS_ID.match(value):
        return "not an EC2 Capacity Reservation id (`cr-` and 8 or 17 hex digits)"
    if cloud == "gcp" and not _GCP_NAME.match(value):
        return "not a Compute Engine reservation name (lowercase letters, digits, `-`, at most 63)"
    if cloud == "azure" and not _AZURE_CRG.match(value):
        return (
            "not a capacity reservation group resource id (/subscriptions/<id>/resourceGroups/<rg>/"
            "providers/Microsoft.Compute/capacityReservationGroups/<name>)"
        )
    return None


def _pool_problems(spec: PlatformSpec, i: int, pool: NodePoolSpec) -> Iterator[Problem]:
    r = pool.reservation
    assert r is not None
    path = f"node_pools[{i}].reservation"
    kinds = KINDS_BY_CLOUD[spec.cloud]
    if r.kind not in kinds:
        yield Problem(
            f"{path}.kind", r.kind, f"not a reservation {spec.cloud} offers", f"use {', '.join(kinds)}"
        )
        return
    if (why := _id_problem(spec.cloud, r.id)) is not None:
        yield Problem(f"{path}.id", r.id, why, "copy the id from the reservation's console page")
    if pool.spot:
        yield Problem(
            f"node_pools[{i}].spot",
            True,
            "reserved capacity is on-demand capacity: spot VMs cannot consume a reservation",
            "set spot: false, or put the spot rung in a pool of its own",
        )
    if pool.gpu is None:
        yield Problem(path, r.kind, "reservations are for GPU pools here", "move it to a GPU pool")
    if spec.cloud in ("aws", "gcp") and pool.max > r.instances:
        yield Problem(
            f"node_pools[{i}].max",
            pool.max,
            f"above the reservation's {r.instances} instances: a launch that targets a full reservation "
            "fails, so those nodes could never start",
            f"set max to at most {r.instances}, and give the on-demand or spot rung its own pool",
        )
    yield from _zone_problems(spec, path, r)
    if r.kind == "capacity-block":
        yield from _block_problems(spec, i, pool, path)
    elif r.start is not None or r.end is not None:
        yield Problem(
            f"{path}.start",
            str(r.start or r.end),
            f"a window is for capacity-block only; a {r.kind} has none",
            "remove start and end",
        )
    if spec.cloud == "gcp" and spec.gcp is not None and pool.name in spec.gcp.queued_provisioning_pools:
        yield Problem(
            path,
            r.id,
            "a queued-provisioning (flex-start) pool obtains its own capacity and GKE requires it to consume "
            "no reservation",
            "remove the pool from gcp.queued_provisioning_pools, or drop the reservation",
        )


def _zone_problems(spec: PlatformSpec, path: str, r: ReservationSpec) -> Iterator[Problem]:
    if spec.cloud == "aws":
        pinned = list(spec.aws.availability_zone_ids) if spec.aws else []
        if r.zone is None or not _AWS_ZONE_ID.match(r.zone):
            yield Problem(
                f"{path}.zone",
                r.zone,
                "an AWS reservation is zonal: the pool needs its zone ID (e.g. use1-az4; a zone name "
                "such as us-east-1a is a different zone in each account)",
                "set zone to the reservation's zone ID (`aws ec2 describe-capacity-reservations`)",
            )
        elif r.zone not in pinned:
            yield Problem(
                f"{path}.zone",
                r.zone,
                "not one of aws.availability_zone_ids: the VPC has no subnet there for the pool",
                "pin aws.availability_zone_ids with this zone among them",
            )
    elif spec.cloud == "gcp" and (r.zone is None or not r.zone.startswith(f"{spec.region}-")):
        yield Problem(
            f"{path}.zone",
            r.zone,
            f"a GCP reservation is zonal: the pool needs its zone, one of {spec.region}'s",
            f"set zone to the reservation's zone (e.g. {spec.region}-a)",
        )


def _block_problems(spec: PlatformSpec, i: int, pool: NodePoolSpec, path: str) -> Iterator[Problem]:
    r = pool.reservation
    assert r is not None
    try:
        machine = pool.machine(spec.cloud, spec.region).name
    except NoMachine:
        machine = None  # refused by the pool rules
    if machine is not None and machine not in CAPACITY_BLOCK_TYPES:
        yield Problem(
            f"node_pools[{i}].gpu",
            machine,
            "Capacity Blocks for ML are not sold for this instance type",
            f"use one of {', '.join(sorted(CAPACITY_BLOCK_TYPES))} (machine_type), or kind: "
            "capacity-reservation",
        )
    if pool.min:
        yield Problem(
            f"node_pools[{i}].min",
            pool.min,
            "a Capacity Block's nodes exist only inside its window: a minimum above 0 fails the node "
            "group before the start and is terminated at the end",
            "set min: 0 (Kueue admits the jobs, the autoscaler brings the nodes)",
        )
    if r.start is None or r.end is None:
        yield Problem(path, r.id, "a capacity-block needs its window", "set start and end (UTC)")
        return
    if _utc(r.end) <= _utc(r.start):
        yield Problem(f"{path}.end", r.end.isoformat(), "not after start", "copy the block's end time")
        return
    try:
        today = plan_date()
    except PlanDateError:
        return  # reported by the Kubernetes lifecycle rule
    if _utc(r.end).date() <= today:
        yield Problem(
            f"{path}.end",
            r.end.isoformat(),
            f"the window has ended by the plan's date {today}: the block holds no capacity any more",
            "buy a new Capacity Block and set its id and window, or drop the reservation",
        )


@rule("cloud", "region", "node_pools", "aws", "gcp")
def _reservations_fit_their_cloud(spec: PlatformSpec) -> Iterator[Problem]:
    for i, pool in enumerate(spec.node_pools):
        if pool.reservation is not None:
            yield from _pool_problems(spec, i, pool)


RESERVATION_RULES: tuple[Rule, ...] = (_reservations_fit_their_cloud,)
