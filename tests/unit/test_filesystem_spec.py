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


@pytest.mark.parametrize("stack", ["azure-prod"])
def test_refused_where_not_built(stack: str) -> None:
    raw = shipped_spec(stack)
    raw["filesystem"] = {"enabled": True}
    problems = spec_problems(raw)
    assert list(problems) == ["filesystem.enabled"]
    assert "not built on" in problems["filesystem.enabled"]


# What blocks azure, from the source read 2026-12-07 (stored copy): kubernetes-sigs/azurelustre-csi-driver
# charts/index.yaml (only chart v0.0.0, from main: nothing to pin).
@pytest.mark.parametrize(("stack", "needles"), [("azure-prod", ("v0.0.0", "cannot be pinned"))])
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


# GCP Filestore zonal tier (filestore/docs/service-tiers, stored copy read 2026-12-08): 1 TiB to 9.75 TiB in
# 256 GiB units, 10 TiB to 100 TiB in 2.5 TiB units; throughput follows capacity (no tier to choose).
def _gcp(**filesystem: object) -> dict:
    raw = shipped_spec("gcp-prod")
    raw["filesystem"] = {"enabled": True, **filesystem}
    return raw


def test_gcp_unsized_gets_one_tib() -> None:
    from lepton_infra.spec import PlatformSpec
    from lepton_infra.spec.resolved import resolve

    assert spec_problems(_gcp()) == {}
    assert resolve(PlatformSpec.from_dict(_gcp())).filesystem_capacity_gib == 1024


@pytest.mark.parametrize("capacity", [1024, 1280, 9984, 10240, 12800, 102400])
def test_sizes_filestore_accepts(capacity: int) -> None:
    assert spec_problems(_gcp(capacity_gib=capacity)) == {}


@pytest.mark.parametrize(
    ("capacity", "next_size"), [(100, 1024), (1000, 1024), (1100, 1280), (9985, 10240), (10241, 12800)]
)
def test_sizes_filestore_refuses_name_the_next_size(capacity: int, next_size: int) -> None:
    problems = spec_problems(_gcp(capacity_gib=capacity))
    assert list(problems) == ["filesystem.capacity_gib"]
    assert f"use {next_size} " in problems["filesystem.capacity_gib"]
    assert "1024 to 9984 GiB in steps of 256" in problems["filesystem.capacity_gib"]


def test_sizes_above_filestores_largest_are_refused() -> None:
    problems = spec_problems(_gcp(capacity_gib=110000))
    assert list(problems) == ["filesystem.capacity_gib"]
    assert "use 102400 (the largest it accepts)" in problems["filesystem.capacity_gib"]


def test_a_throughput_tier_is_refused_on_gcp() -> None:
    problems = spec_problems(_gcp(throughput_mbps_per_tib=125))
    assert list(problems) == ["filesystem.throughput_mbps_per_tib"]
    assert "throughput follows the capacity" in problems["filesystem.throughput_mbps_per_tib"]


def test_lustre_by_name_is_refused_on_gcp() -> None:
    problems = spec_problems(_gcp(kind="lustre"))
    assert list(problems) == ["filesystem.kind"]
    assert "cannot be mounted from GKE" in problems["filesystem.kind"]


def test_gcp_takes_any_number_of_tenants() -> None:
    raw = _gcp()
    raw["tenants"] = [{"name": f"team{i}"} for i in range(9)]
    raw["services"] = []
    assert "filesystem.enabled" not in spec_problems(raw)
