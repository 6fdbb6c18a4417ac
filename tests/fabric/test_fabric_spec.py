"""`node_pools[].fabric` and `placement` at spec time: refused on a machine without a fabric (naming the
machines that have one), on a CPU pool, on a catalogued fabric the platform does not wire yet, and compact
placement where it is not built. The catalog's fabric rows name real catalog machines."""

from __future__ import annotations

import copy

from lepton_infra.catalog import catalog
from lepton_infra.catalog.fabric import efa_only_interfaces, fabric_of, fabrics
from tests.conftest import shipped_spec, spec_problems


def _train(**pool: object) -> dict:
    raw = copy.deepcopy(shipped_spec("aws-train"))
    raw["node_pools"][1].update(pool)
    return raw


def test_aws_train_is_accepted() -> None:
    assert spec_problems(shipped_spec("aws-train")) == {}


def test_fabric_on_a_machine_without_one_names_the_machines_that_have_it() -> None:
    problems = spec_problems(_train(gpu={"type": "l4", "count": 1}))
    why = problems["node_pools[1].fabric"]
    assert "g6.xlarge has no GPU-to-GPU fabric" in why
    assert "p5.48xlarge" in why


def test_fabric_on_a_cpu_pool_is_refused() -> None:
    raw = copy.deepcopy(shipped_spec("aws-train"))
    raw["node_pools"][0]["fabric"] = "auto"
    assert "this is a CPU pool" in spec_problems(raw)["node_pools[0].fabric"]


def test_catalogued_but_unwired_fabric_is_refused_not_silently_tcp() -> None:
    raw = copy.deepcopy(shipped_spec("gcp-prod"))
    raw["node_pools"].append(
        {
            "name": "h100-fabric",
            "gpu": {"type": "h100-80gb", "count": 8},
            "min": 0,
            "max": 2,
            "fabric": "auto",
        }
    )
    why = spec_problems(raw)[f"node_pools[{len(raw['node_pools']) - 1}].fabric"]
    assert "gpudirect-tcpx fabric is catalogued but not wired" in why


def test_compact_placement_is_refused_where_it_is_not_built() -> None:
    raw = copy.deepcopy(shipped_spec("azure-prod"))
    raw["node_pools"][-1]["placement"] = "compact"
    why = spec_problems(raw)[f"node_pools[{len(raw['node_pools']) - 1}].placement"]
    assert "built on aws, gcp only, not yet on azure" in why


def test_fabric_rows_name_catalog_machines_of_their_cloud() -> None:
    for name, row in fabrics().items():
        machine = catalog(row.cloud).machine(name)
        assert machine is not None and machine.gpu_count > 0, name
    assert fabric_of("gcp", "p5.48xlarge") is None


def test_p5_efa_layout_is_32_distinct_interfaces_off_the_primary() -> None:
    p5 = fabric_of("aws", "p5.48xlarge")
    assert p5 is not None
    layout = [(i.network_card, i.device) for i in efa_only_interfaces(p5)]
    assert len(set(layout)) == 32 and (0, 0) not in layout
    # 3,200 Gbps over 8 H100: 50 GB/s per GPU; the pass mark is 80 % of it.
    assert p5.per_gpu_gbytes_per_s == 50.0
    assert p5.expected_busbw_gbytes_per_s == 40.0


def test_a_fabric_pool_brings_the_efa_plugin_and_only_on_aws() -> None:
    from lepton_infra.kubernetes.charts.images import chart_image_patterns
    from lepton_infra.spec import PlatformSpec
    from lepton_infra.spec.chart_rules import charts_installed

    plugin = "aws-efa-k8s-device-plugin"
    assert plugin in charts_installed(PlatformSpec.from_dict(shipped_spec("aws-train")))
    assert plugin not in charts_installed(PlatformSpec.from_dict(shipped_spec("aws-dev")))
    # GKE's Binary Authorization allowlist (all charts by default) leaves the EKS-only plugin out.
    assert not [p for p in chart_image_patterns() if plugin in p]
