"""Property tests for `plan_subnets`, the CIDR maths the AWS network is built from."""

from __future__ import annotations

import math
from ipaddress import IPv4Network
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lepton_infra.core.cidr import MIN_PRIVATE_PREFIX, CidrTooSmall, largest_prefix_for, plan_subnets

zones = st.integers(min_value=1, max_value=8)


@st.composite
def cidrs(draw: st.DrawFn, max_prefix: int = 24) -> IPv4Network:
    base = draw(st.sampled_from(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]))
    parent = IPv4Network(base)
    prefix = draw(st.integers(min_value=parent.prefixlen, max_value=max_prefix))
    index = draw(st.integers(min_value=0, max_value=2 ** (prefix - parent.prefixlen) - 1))
    return IPv4Network((int(parent.network_address) + index * 2 ** (32 - prefix), prefix))


@st.composite
def fitting(draw: st.DrawFn) -> tuple[IPv4Network, int]:
    z = draw(zones)
    return draw(cidrs(max_prefix=largest_prefix_for(z))), z


@given(fitting())
def test_one_private_and_one_public_subnet_per_zone(case: tuple[IPv4Network, int]) -> None:
    cidr, z = case
    plan = plan_subnets(cidr, z)
    assert len(plan.private) == z
    assert len(plan.public) == z
    assert len(plan.load_balancer) == z


@given(fitting())
def test_every_subnet_inside_the_cidr(case: tuple[IPv4Network, int]) -> None:
    cidr, z = case
    plan = plan_subnets(cidr, z)
    assert all(s.subnet_of(cidr) for s in (*plan.private, *plan.public, *plan.load_balancer))


@given(fitting())
def test_no_two_subnets_overlap(case: tuple[IPv4Network, int]) -> None:
    cidr, z = case
    plan = plan_subnets(cidr, z)
    for a, b in combinations((*plan.private, *plan.public, *plan.load_balancer), 2):
        assert not a.overlaps(b)


@given(fitting())
def test_private_subnets_big_enough_and_public_a_quarter(case: tuple[IPv4Network, int]) -> None:
    cidr, z = case
    plan = plan_subnets(cidr, z)
    assert all(s.prefixlen <= MIN_PRIVATE_PREFIX for s in plan.private)
    assert {s.prefixlen for s in plan.public} == {plan.private[0].prefixlen + 2}
    assert {s.prefixlen for s in plan.load_balancer} == {plan.private[0].prefixlen + 2}
    assert len({s.prefixlen for s in plan.private}) == 1  # equal zones


@given(fitting())
def test_private_in_first_half_public_in_second(case: tuple[IPv4Network, int]) -> None:
    cidr, z = case
    first, second = cidr.subnets(prefixlen_diff=1)
    plan = plan_subnets(cidr, z)
    assert all(s.subnet_of(first) for s in plan.private)
    assert all(s.subnet_of(second) for s in (*plan.public, *plan.load_balancer))


@given(fitting(), st.data())
def test_adding_a_zone_within_the_same_power_of_two_moves_nothing(
    case: tuple[IPv4Network, int], data: st.DataObject
) -> None:
    cidr, z = case
    slots = 1 << math.ceil(math.log2(z)) if z > 1 else 1
    more = data.draw(st.integers(min_value=z, max_value=slots))
    small, large = plan_subnets(cidr, z), plan_subnets(cidr, more)
    assert large.private[:z] == small.private
    assert large.public[:z] == small.public
    assert large.load_balancer[:z] == small.load_balancer


@given(zones)
def test_largest_prefix_is_the_exact_boundary(z: int) -> None:
    edge = largest_prefix_for(z)
    plan_subnets(IPv4Network(f"10.0.0.0/{edge}"), z)
    with pytest.raises(CidrTooSmall):
        plan_subnets(IPv4Network(f"10.0.0.0/{edge + 1}"), z)


@given(cidrs(max_prefix=28), zones)
def test_too_small_is_refused_never_truncated(cidr: IPv4Network, z: int) -> None:
    try:
        plan = plan_subnets(cidr, z)
    except CidrTooSmall:
        assert cidr.prefixlen > largest_prefix_for(z)
    else:
        assert cidr.prefixlen <= largest_prefix_for(z)
        assert len(plan.private) == z


def test_zero_zones_refused() -> None:
    with pytest.raises(ValueError, match="zones"):
        plan_subnets(IPv4Network("10.0.0.0/16"), 0)
