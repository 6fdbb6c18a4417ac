"""What the spec refuses about `filesystem:` (spec/filesystem_rules.py), each naming the field, against the
provider's figures written out here (FSx for Lustre PERSISTENT_2: 1200 or 2400 GiB then multiples of 2400;
125/250/500/1000 MB/s/TiB; 8 data repository associations per file system)."""

from __future__ import annotations

import pytest

from tests.conftest import shipped_spec, spec_problems


def _aws(**filesystem: object) -> dict:
    raw = shipped_spec("aws-prod")
    raw["filesystem"] = {"enabled": True, **filesystem}
    return raw


def test_off_by_default_and_the_defaults_are_accepted() -> None:
    from lepton_infra.spec import PlatformSpec

    spec = PlatformSpec.from_dict(shipped_spec("aws-prod"))
    assert spec.filesystem.enabled is False
    assert spec_problems(_aws()) == {}


def test_an_unsized_filesystem_gets_the_smallest_fsx_accepts() -> None:
    from lepton_infra.spec import PlatformSpec
    from lepton_infra.spec.resolved import resolve

    assert resolve(PlatformSpec.from_dict(_aws())).filesystem_capacity_gib == 1200
    assert resolve(PlatformSpec.from_dict(_aws(capacity_gib=4800))).filesystem_capacity_gib == 4800


@pytest.mark.parametrize("capacity", [1200, 2400, 4800, 96000])
def test_sizes_fsx_accepts(capacity: int) -> None:
    assert spec_problems(_aws(capacity_gib=capacity)) == {}


@pytest.mark.parametrize(("capacity", "next_size"), [(1000, 1200), (3000, 4800), (3600, 4800), (7201, 9600)])
def test_sizes_fsx_refuses_name_the_next_size(capacity: int, next_size: int) -> None:
    problems = spec_problems(_aws(capacity_gib=capacity))
    assert list(problems) == ["filesystem.capacity_gib"]
    assert f"use {next_size} " in problems["filesystem.capacity_gib"]


@pytest.mark.parametrize("tier", [50, 100, 200, 300, 2000])
def test_throughput_tiers_fsx_refuses(tier: int) -> None:
    problems = spec_problems(_aws(throughput_mbps_per_tib=tier))
    assert list(problems) == ["filesystem.throughput_mbps_per_tib"]
    assert "125, 250, 500, 1000" in problems["filesystem.throughput_mbps_per_tib"]


def test_more_tenants_than_data_repository_associations() -> None:
    raw = _aws()
    raw["tenants"] = [{"name": f"team{i}"} for i in range(9)]
    raw["services"] = []
    problems = spec_problems(raw)
    assert "filesystem.enabled" in problems
    assert "at most 8 tenants" in problems["filesystem.enabled"]


@pytest.mark.parametrize("stack", ["gcp-prod", "azure-prod"])
def test_refused_where_not_built(stack: str) -> None:
    raw = shipped_spec(stack)
    raw["filesystem"] = {"enabled": True}
    problems = spec_problems(raw)
    assert list(problems) == ["filesystem.enabled"]
    assert "not built on" in problems["filesystem.enabled"]


# What blocks each cloud, from the sources read 2026-12-07 (stored copies): gcp, the Managed Lustre CMEK page
# (CMEK-protected instances are not usable from GKE; the platform encrypts every store with its key); azure,
# kubernetes-sigs/azurelustre-csi-driver charts/index.yaml (only chart v0.0.0, from main: nothing to pin).
@pytest.mark.parametrize(
    ("stack", "needles"),
    [
        ("gcp-prod", ("cannot be used from GKE", "docs.cloud.google.com/managed-lustre/docs/cmek")),
        ("azure-prod", ("v0.0.0", "cannot be pinned")),
    ],
)
def test_the_refusal_names_what_blocks_the_cloud(stack: str, needles: tuple[str, ...]) -> None:
    raw = shipped_spec(stack)
    raw["filesystem"] = {"enabled": True}
    why = spec_problems(raw)["filesystem.enabled"]
    for needle in needles:
        assert needle in why


def test_off_is_accepted_everywhere() -> None:
    for stack in ("gcp-prod", "azure-prod", "aws-dev"):
        raw = shipped_spec(stack)
        raw["filesystem"] = {"enabled": False, "capacity_gib": 1000, "throughput_mbps_per_tib": 7}
        assert spec_problems(raw) == {}
