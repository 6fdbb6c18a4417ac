"""What the spec refuses of a pool's `reservation` (spec/reservation.py, where the provider facts are
cited): the combinations the providers document cannot work. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.catalog import NoMachine
from lepton_infra.core.errors import Problem
from lepton_infra.core.kubernetes_versions import PlanDateError, plan_date
from lepton_infra.core.spec_checks import Rule, rule
from lepton_infra.spec.reservation import ReservationSpec, utc

if TYPE_CHECKING:
    from lepton_infra.spec.node_pool import NodePoolSpec
    from lepton_infra.spec.platform import PlatformSpec

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
    if utc(r.end) <= utc(r.start):
        yield Problem(f"{path}.end", r.end.isoformat(), "not after start", "copy the block's end time")
        return
    try:
        today = plan_date()
    except PlanDateError:
        return  # reported by the Kubernetes lifecycle rule
    if utc(r.end).date() <= today:
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
