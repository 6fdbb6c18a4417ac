"""The benchmarks plan specs of their own (bench/scale.py grows aws-prod's tenants and pools): each must stay
a spec the platform accepts, or `make bench` dies on a SpecError instead of measuring."""

from __future__ import annotations

import pytest

from bench.scale import _spec
from lepton_infra.spec import PlatformSpec


@pytest.mark.parametrize(("tenants", "pools"), [(10, 4), (500, 4), (10, 64)])
def test_every_scale_point_is_a_valid_spec(tenants: int, pools: int) -> None:
    spec = PlatformSpec.from_dict(_spec(tenants, pools))
    assert (len(spec.tenants), len(spec.node_pools)) == (tenants, pools)
