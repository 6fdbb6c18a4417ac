"""The catalog as data, and the machine choice per cloud."""

from __future__ import annotations

import pytest

from lepton_infra.catalog import CLOUDS, NoMachine, catalog, choose_machine, gpu_models, spot_alternatives


@pytest.mark.parametrize("cloud", CLOUDS)
def test_catalog_data_is_consistent(cloud: str) -> None:
    cat = catalog(cloud)  # type: ignore[arg-type]
    assert cat.machines, "no machines"
    for m in cat.machines:
        assert m.usd_per_hour > 0 and m.vcpu > 0 and m.memory_gib > 0, m
        assert m.price_date, m
        assert set(m.regions) <= set(cat.regions), (m.name, m.regions)
        assert (m.gpu is None) == (m.gpu_count == 0), m
        if m.gpu:
            assert m.gpu in gpu_models()
    names = [m.name for m in cat.machines]
    assert len(names) == len(set(names))


@pytest.mark.parametrize(
    ("cloud", "gpu", "count", "expected"),
    [
        ("aws", "h100-80gb", 8, "p5.48xlarge"),
        ("aws", "h100-80gb", 1, "p5.4xlarge"),
        ("aws", "l4", 1, "g6.xlarge"),
        ("aws", "t4", 4, "g4dn.12xlarge"),
        ("gcp", "h100-80gb", 8, "a3-highgpu-8g"),
        ("gcp", "l4", 1, "g2-standard-4"),
        ("gcp", "a100-40gb", 2, "a2-highgpu-2g"),
        ("gcp", "t4", 1, "n1-standard-4"),
        ("azure", "h100-80gb", 8, "Standard_ND96isr_H100_v5"),
        ("azure", "a100-80gb", 1, "Standard_NC24ads_A100_v4"),
        ("azure", "t4", 1, "Standard_NC4as_T4_v3"),
    ],
)
def test_cheapest_machine_for_gpu_and_count(cloud: str, gpu: str, count: int, expected: str) -> None:
    assert choose_machine(cloud, gpu=gpu, gpu_count=count).name == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("cloud", "expected"), [("aws", "m6i.xlarge"), ("gcp", "n2-standard-4"), ("azure", "Standard_D4s_v5")]
)
def test_cpu_pools_default_to_standard_4(cloud: str, expected: str) -> None:
    assert choose_machine(cloud).name == expected  # type: ignore[arg-type]


def test_explicit_machine_type_wins() -> None:
    assert choose_machine("aws", gpu="l4", gpu_count=1, explicit="g6.8xlarge").name == "g6.8xlarge"


def test_explicit_machine_must_carry_the_gpu() -> None:
    with pytest.raises(NoMachine, match="carries GPU 'a10g'"):
        choose_machine("aws", gpu="l4", explicit="g5.xlarge")


def test_unknown_count_names_the_counts_offered() -> None:
    with pytest.raises(NoMachine, match=r"counts offered: \[1, 4, 8\]"):
        choose_machine("aws", gpu="l4", gpu_count=2)


def test_gpu_not_on_cloud() -> None:
    with pytest.raises(NoMachine, match="not offered on gcp"):
        choose_machine("gcp", gpu="a10g")


def test_region_filter() -> None:
    with pytest.raises(NoMachine):
        choose_machine("gcp", gpu="a100-40gb", gpu_count=1, region="us-east4")
    assert choose_machine("gcp", gpu="a100-40gb", gpu_count=1, region="us-central1").name == "a2-highgpu-1g"


def test_spot_alternatives_have_the_same_shape_cheapest_first() -> None:
    primary = choose_machine("aws", gpu="l4", gpu_count=1)
    assert [m.name for m in spot_alternatives("aws", primary)] == [
        "g6.xlarge"
    ]  # no other 1 x L4, 4 vCPU, 16 GiB
    cpu = choose_machine("aws", cpu_class="standard-4")
    assert [m.name for m in spot_alternatives("aws", cpu)] == ["m6i.xlarge", "m6a.xlarge", "m5.xlarge"]
    # Only what the region sells: m6a is not sold in ap-east-1, m5 and m7i are.
    assert [m.name for m in spot_alternatives("aws", cpu, region="ap-east-1")] == [
        "m6i.xlarge",
        "m5.xlarge",
        "m7i.xlarge",
    ]


def test_gcp_accelerator_strings() -> None:
    acc = catalog("gcp").accelerators
    assert acc["h100-80gb"] == "nvidia-h100-80gb" and acc["t4"] == "nvidia-tesla-t4"
    assert set(acc) <= catalog("gcp").gpu_types()
