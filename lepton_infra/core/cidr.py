"""CIDR planning: pure functions, property-tested, shared by every cloud's network."""

from __future__ import annotations

import math
from dataclasses import dataclass
from ipaddress import IPv4Network

# Smallest subnets worth creating: a /24 private subnet holds ~250 pods/nodes, a /27 public subnet
# enough load balancer and NAT addresses.
MIN_PRIVATE_PREFIX = 24
MIN_PUBLIC_PREFIX = 27


@dataclass(frozen=True)
class SubnetPlan:
    """Per zone: one private subnet (nodes and, on AWS, pods), one small public subnet (LB, NAT) and one
    small subnet for internal load balancers only (AWS: no node, so no pod address, ever lands in it)."""

    private: tuple[IPv4Network, ...]
    public: tuple[IPv4Network, ...]
    load_balancer: tuple[IPv4Network, ...] = ()


class CidrTooSmall(ValueError):
    pass


def plan_subnets(cidr: IPv4Network, zones: int) -> SubnetPlan:
    """Private subnets fill the first half of `cidr` in equal blocks (one per zone, rounded up to a
    power of two so adding a zone later never moves an existing subnet); public subnets are blocks a
    quarter that size from the second half, and load-balancer subnets blocks of the same size right after
    the public ones' room (block `slots` of the second half on: public ones never reach it). The remaining
    space is left free for growth."""
    if zones < 1:
        raise ValueError("zones must be >= 1")
    slots = 1 << math.ceil(math.log2(zones)) if zones > 1 else 1
    bits = int(math.log2(slots))
    private_prefix = cidr.prefixlen + 1 + bits
    public_prefix = private_prefix + 2
    if private_prefix > MIN_PRIVATE_PREFIX or public_prefix > MIN_PUBLIC_PREFIX + 2:
        raise CidrTooSmall(
            f"{cidr} is too small for {zones} zones: private subnets would be /{private_prefix} "
            f"(need /{MIN_PRIVATE_PREFIX} or larger)"
        )
    first_half, second_half = cidr.subnets(prefixlen_diff=1)
    private = tuple(list(first_half.subnets(new_prefix=private_prefix))[:zones])
    small = list(second_half.subnets(new_prefix=public_prefix))
    public = tuple(small[:zones])
    load_balancer = tuple(small[slots : slots + zones])
    return SubnetPlan(private=private, public=public, load_balancer=load_balancer)


def largest_prefix_for(zones: int) -> int:
    """The smallest CIDR (largest prefix length) that `plan_subnets` accepts for `zones`."""
    slots = 1 << math.ceil(math.log2(zones)) if zones > 1 else 1
    return MIN_PRIVATE_PREFIX - 1 - int(math.log2(slots))


@dataclass(frozen=True)
class GkeRanges:
    """GKE VPC-native layout: a node subnet plus secondary ranges for pods and services."""

    nodes: IPv4Network
    pods: IPv4Network
    services: IPv4Network


def plan_gke_ranges(cidr: IPv4Network) -> GkeRanges:
    """Pods get the first half (GKE gives each node a /24 of it), nodes a quarter, services an eighth."""
    if cidr.prefixlen > 20:
        raise CidrTooSmall(f"{cidr} is too small for GKE: need /20 or larger")
    pods, rest = cidr.subnets(prefixlen_diff=1)
    nodes, rest2 = rest.subnets(prefixlen_diff=1)
    services, _free = rest2.subnets(prefixlen_diff=1)
    return GkeRanges(nodes=nodes, pods=pods, services=services)
