"""A node pool's EKS node groups: one spanning every zone, or one per zone with the pool's sizes split evenly
over the zones (a CPU pool keeping zone-bound EBS volumes: docs/aws.md, NodePool). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi


def split_evenly(total: int, parts: int) -> list[int]:
    """`total` over `parts` zones, the first ones taking the remainder (5 over 3: [2, 2, 1])."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


@dataclass(frozen=True)
class GroupPlacement:
    """One node group of a pool: its zone letter ('' for a group spanning every zone), subnets and sizes."""

    zone: str
    subnet_ids: Sequence[pulumi.Input[str]]
    min_nodes: int
    max_nodes: int
    desired_size: int


def group_placements(
    subnet_ids: Sequence[pulumi.Input[str]], min_nodes: int, max_nodes: int, desired: int, *, per_zone: bool
) -> list[GroupPlacement]:
    if not per_zone:
        return [GroupPlacement("", list(subnet_ids), min_nodes, max_nodes, desired)]
    # A zone whose share of max would be 0 gets no group (EKS wants maxSize >= 1).
    n = max(1, min(len(subnet_ids), max_nodes))
    return [
        GroupPlacement(chr(ord("a") + i), [subnet], low, high, size)
        for i, (subnet, low, high, size) in enumerate(
            zip(
                subnet_ids[:n],
                split_evenly(min_nodes, n),
                split_evenly(max_nodes, n),
                split_evenly(desired, n),
                strict=True,
            )
        )
    ]
