"""Pure GCP planning: CIDR layout, pool shapes, sizes, identity strings. No Pulumi."""

from __future__ import annotations

import json
from ipaddress import IPv4Network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lepton_infra.catalog import catalog
from lepton_infra.core.cidr import CidrTooSmall, plan_gke_ranges
from lepton_infra.gcp.cluster import gke_kubeconfig
from lepton_infra.gcp.planning import (
    NoZoneOffers,
    initial_nodes_per_zone,
    plan_network_layout,
    pool_shape,
    prefix_read_condition,
    service_agent,
    workload_identity_member,
    zones_offering,
)

_PRIVATE = (IPv4Network("10.0.0.0/8"), IPv4Network("172.16.0.0/12"), IPv4Network("192.168.0.0/16"))


@st.composite
def private_cidrs(draw: st.DrawFn) -> IPv4Network:
    """Any aligned RFC 1918 block from the parent's size down to /20 (the spec's GKE minimum)."""
    parent = draw(st.sampled_from(_PRIVATE))
    prefix = draw(st.integers(parent.prefixlen, 20))
    index = draw(st.integers(0, 2 ** (prefix - parent.prefixlen) - 1))
    return IPv4Network((int(parent.network_address) + index * 2 ** (32 - prefix), prefix))


@given(private_cidrs())
def test_gke_ranges_are_disjoint_and_inside_the_cidr(cidr: IPv4Network) -> None:
    ranges = plan_gke_ranges(cidr)
    parts = [ranges.nodes, ranges.pods, ranges.services]
    for part in parts:
        assert part.subnet_of(cidr)
    for i, a in enumerate(parts):
        for b in parts[i + 1 :]:
            assert not a.overlaps(b)


@given(private_cidrs())
def test_gke_ranges_proportions(cidr: IPv4Network) -> None:
    ranges = plan_gke_ranges(cidr)
    assert ranges.pods.prefixlen == cidr.prefixlen + 1  # pods: half (a /24 per node)
    assert ranges.nodes.prefixlen == cidr.prefixlen + 2
    assert ranges.services.prefixlen == cidr.prefixlen + 3
    assert ranges.nodes.num_addresses >= 1024  # at least a /22 of nodes


@given(st.integers(21, 30))
def test_gke_ranges_refuse_small_cidrs(prefix: int) -> None:
    with pytest.raises(CidrTooSmall):
        plan_gke_ranges(IPv4Network(f"10.0.0.0/{prefix}", strict=False))


@given(private_cidrs())
def test_control_plane_range_is_a_free_28(cidr: IPv4Network) -> None:
    layout = plan_network_layout(cidr)
    assert layout.control_plane.prefixlen == 28
    assert layout.control_plane.subnet_of(cidr)
    for used in (layout.nodes, layout.pods, layout.services):
        assert not layout.control_plane.overlaps(used)


@given(desired=st.integers(0, 200), zones=st.integers(1, 4), max_nodes=st.integers(1, 200))
def test_initial_size_never_exceeds_max_and_reaches_desired_when_it_can(
    desired: int, zones: int, max_nodes: int
) -> None:
    per_zone = initial_nodes_per_zone(desired, zones, max_nodes)
    assert per_zone >= 0
    assert per_zone * zones <= max_nodes
    if -(-desired // zones) * zones <= max_nodes:
        assert per_zone * zones >= desired


def test_gpu_pool_shape_comes_from_the_catalog() -> None:
    shape = pool_shape("h100", gpu="h100-80gb", gpu_count=8, cpu_class=None, machine_type=None)
    assert shape.machine_type == "a3-highgpu-8g"
    assert shape.accelerator is not None
    assert shape.accelerator.type == "nvidia-h100-80gb"
    assert shape.accelerator.count == 8


@pytest.mark.parametrize("machine", [m for m in catalog("gcp").machines if m.gpu], ids=lambda m: m.name)
def test_every_catalog_gpu_machine_maps_to_its_accelerator(machine) -> None:
    shape = pool_shape(
        "p", gpu=machine.gpu, gpu_count=machine.gpu_count, cpu_class=None, machine_type=machine.name
    )
    assert shape.accelerator is not None
    assert shape.accelerator.type == catalog("gcp").accelerators[machine.gpu]
    assert shape.accelerator.count == machine.gpu_count


def test_gpu_pool_is_tainted_labelled_and_upgrades_without_surge() -> None:
    shape = pool_shape("l4", gpu="l4", gpu_count=1, cpu_class=None, machine_type=None)
    assert [(t.key, t.value, t.effect) for t in shape.taints] == [
        ("nvidia.com/gpu", "present", "NO_SCHEDULE")
    ]
    assert shape.labels["lepton.ai/pool"] == "l4"
    assert shape.labels["lepton.ai/gpu-type"] == "l4"
    assert (shape.max_surge, shape.max_unavailable) == (0, 1)
    assert shape.location_policy == "ANY"


def test_cpu_pool_has_no_accelerator_no_taint_and_surges() -> None:
    shape = pool_shape("system", gpu=None, gpu_count=1, cpu_class="standard-8", machine_type=None)
    assert shape.machine_type == "n2-standard-8"
    assert shape.accelerator is None
    assert shape.taints == ()
    assert (shape.max_surge, shape.max_unavailable) == (1, 0)
    assert shape.location_policy == "BALANCED"


def test_user_labels_cannot_override_lepton_labels() -> None:
    shape = pool_shape(
        "system",
        gpu=None,
        gpu_count=1,
        cpu_class=None,
        machine_type=None,
        extra_labels={"lepton.ai/pool": "spoofed", "team": "a"},
    )
    assert shape.labels == {"lepton.ai/pool": "system", "team": "a"}


def test_prefix_condition_limits_reads_and_lists_to_the_prefix() -> None:
    expr = prefix_read_condition("acme-models", "/research/")
    assert 'resource.name.startsWith("projects/_/buckets/acme-models/objects/research/")' in expr
    assert 'objectListPrefix", "").startsWith("research/")' in expr


@pytest.mark.parametrize("prefix", ["", "/", 'a"b', "a\\b"])
def test_prefix_condition_refuses_unsafe_prefixes(prefix: str) -> None:
    with pytest.raises(ValueError):
        prefix_read_condition("b", prefix)


def test_service_agents_and_workload_identity_member() -> None:
    assert (
        service_agent("42", "container")
        == "serviceAccount:service-42@container-engine-robot.iam.gserviceaccount.com"
    )
    assert (
        service_agent("42", "compute") == "serviceAccount:service-42@compute-system.iam.gserviceaccount.com"
    )
    assert (
        workload_identity_member("proj-x", "research", "model-reader")
        == "serviceAccount:proj-x.svc.id.goog[research/model-reader]"
    )


def test_kubeconfig_uses_the_gke_auth_plugin_and_no_static_credentials() -> None:
    config = json.loads(gke_kubeconfig("c1", "10.0.0.2", "Q0E="))
    assert config["clusters"][0]["cluster"] == {
        "server": "https://10.0.0.2",
        "certificate-authority-data": "Q0E=",
    }
    user = config["users"][0]["user"]
    assert set(user) == {"exec"}
    assert user["exec"]["command"] == "gke-gcloud-auth-plugin"
    assert config["current-context"] == "c1"


def test_zones_offering_keeps_only_zones_with_the_machine() -> None:
    zones = zones_offering(
        "a3-highgpu-8g",
        "us-central1",
        ["us-central1-f", "us-central1-a", "us-central1-c"],
        [True, False, True],
        3,
    )
    assert zones == ["us-central1-c", "us-central1-f"]
    assert zones_offering("g2-standard-4", "r", ["r-b", "r-a", "r-c"], [True, True, True], 2) == [
        "r-a",
        "r-b",
    ]


def test_zones_offering_fails_loudly_when_no_zone_has_the_machine() -> None:
    with pytest.raises(NoZoneOffers, match="no zone of us-east1 offers a3-highgpu-8g"):
        zones_offering("a3-highgpu-8g", "us-east1", ["us-east1-b", "us-east1-c"], [False, False], 3)
