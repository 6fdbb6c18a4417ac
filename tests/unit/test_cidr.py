"""CIDR planning, property-tested: subnets inside the range, disjoint, stable as zones grow."""

from __future__ import annotations

from ipaddress import IPv4Network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lepton_infra.core.cidr import (
    MIN_PRIVATE_PREFIX,
    CidrTooSmall,
    largest_prefix_for,
    plan_gke_ranges,
    plan_subnets,
)

prefixes = st.integers(min_value=8, max_value=22)
zones = st.integers(min_value=1, max_value=6)
networks = st.builds(
    lambda base, p: IPv4Network(f"10.{base}.0.0/{p}", strict=False), st.integers(0, 255), prefixes
)


@given(networks, zones)
def test_subnets_are_inside_disjoint_and_one_per_zone(cidr: IPv4Network, n: int) -> None:
    try:
        plan = plan_subnets(cidr, n)
    except CidrTooSmall:
        assert cidr.prefixlen > largest_prefix_for(n)
        return
    subnets = [*plan.private, *plan.public, *plan.load_balancer]
    assert len(plan.private) == len(plan.public) == len(plan.load_balancer) == n
    assert all(s.subnet_of(cidr) for s in subnets)
    for i, a in enumerate(subnets):
        for b in subnets[i + 1 :]:
            assert not a.overlaps(b)
    assert all(s.prefixlen <= MIN_PRIVATE_PREFIX for s in plan.private)
    assert all(pub.num_addresses * 4 == plan.private[0].num_addresses for pub in plan.public)


@given(networks, st.integers(1, 3))
def test_adding_a_zone_within_the_same_power_of_two_keeps_existing_subnets(cidr: IPv4Network, n: int) -> None:
    # 3 -> 4 zones (same 4 slots): existing subnets never move, so no subnet is replaced.
    small, large = (3, 4) if n == 3 else (n, n)
    try:
        a, b = plan_subnets(cidr, small), plan_subnets(cidr, large)
    except CidrTooSmall:
        return
    assert b.private[:small] == a.private and b.public[:small] == a.public


def test_known_layout() -> None:
    plan = plan_subnets(IPv4Network("10.40.0.0/16"), 3)
    assert [str(s) for s in plan.private] == ["10.40.0.0/19", "10.40.32.0/19", "10.40.64.0/19"]
    assert [str(s) for s in plan.public] == ["10.40.128.0/21", "10.40.136.0/21", "10.40.144.0/21"]
    assert [str(s) for s in plan.load_balancer] == ["10.40.160.0/21", "10.40.168.0/21", "10.40.176.0/21"]


def test_too_small() -> None:
    with pytest.raises(CidrTooSmall):
        plan_subnets(IPv4Network("10.0.0.0/24"), 2)


@given(st.builds(lambda p: IPv4Network(f"10.0.0.0/{p}"), st.integers(8, 20)))
def test_gke_ranges_disjoint_inside(cidr: IPv4Network) -> None:
    r = plan_gke_ranges(cidr)
    parts = [r.nodes, r.pods, r.services]
    assert all(p.subnet_of(cidr) for p in parts)
    assert (
        not r.nodes.overlaps(r.pods) and not r.pods.overlaps(r.services) and not r.nodes.overlaps(r.services)
    )
    assert r.pods.num_addresses >= r.nodes.num_addresses
