"""Pure Azure planning, without Pulumi: VNet layout, names, pool shape, ABAC condition, kubeconfig, and
the preflight that refuses what AKS and ARM would refuse at apply time."""

from __future__ import annotations

import base64
import json
from datetime import date
from ipaddress import IPv4Network

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lepton_infra.azure.planning import (
    SPOT_TAINT,
    aks_kubeconfig,
    budget_start,
    dns_service_ip,
    key_vault_name,
    plan_vnet,
    pool_shape,
    prefix_read_condition,
    registry_name,
    storage_account_name,
)
from lepton_infra.profiles.azure.limits import POD_CIDR
from lepton_infra.profiles.azure.rules import azure_problems


@given(st.integers(min_value=0, max_value=255), st.integers(min_value=16, max_value=20))
def test_vnet_layout_fits_and_never_overlaps(second_octet: int, prefix: int) -> None:
    cidr = IPv4Network(f"10.{second_octet}.0.0/{prefix}", strict=False)
    layout = plan_vnet(cidr)
    subnets = [layout.nodes, layout.endpoints, layout.api_server]
    assert all(s.subnet_of(cidr) for s in subnets)
    assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1 :])
    assert layout.api_server.prefixlen == 28 and layout.nodes.prefixlen == prefix + 1


def test_cluster_dns_is_the_tenth_service_address() -> None:
    assert dns_service_ip(IPv4Network("172.20.0.0/16")) == "172.20.0.10"


def test_globally_unique_names_respect_azure_limits() -> None:
    account = storage_account_name("a-very-long-platform-name-prod", "models")
    assert len(account) <= 24 and account.isalnum() and account.islower()
    assert len(key_vault_name("a-very-long-platform-name-prod", "kv")) <= 24
    assert registry_name("acme-ai-prod", "registry") == "acmeaiprodregistry"


def test_gpu_spot_pool_shape() -> None:
    shape = pool_shape("t4spot", gpu_type="t4", spot=True, zones=3)
    assert shape.taints == ["nvidia.com/gpu=present:NoSchedule", "{}={}:{}".format(*SPOT_TAINT)]
    assert shape.gpu_driver == "Install" and shape.zones is None and shape.priority == "Spot"
    assert shape.upgrade_max_surge is None
    assert shape.labels == {
        "lepton.ai/pool": "t4spot",
        "lepton.ai/gpu-type": "t4",
    }


def test_cpu_pool_shape() -> None:
    shape = pool_shape("system", gpu_type=None, spot=False, zones=2, extra_labels={"team": "ml"})
    assert shape.taints == [] and shape.gpu_driver is None and shape.zones == ["1", "2"]
    assert shape.labels == {"lepton.ai/pool": "system", "team": "ml"}


def test_prefix_condition_limits_reads_and_listings_to_the_prefix() -> None:
    condition = prefix_read_condition("models", "/tenants/research")
    assert condition.count("StringEquals 'models'") == 2
    assert "blobs:path] StringStartsWith 'tenants/research/'" in condition
    assert "blobs:prefix] StringStartsWith 'tenants/research/'" in condition
    assert condition.count("(") == condition.count(")")


def test_kubeconfig_runs_kubelogin_with_the_aks_server_id() -> None:
    source = {
        "clusters": [
            {
                "name": "c",
                "cluster": {
                    "server": "https://c.hcp.eastus.azmk8s.io:443",
                    "certificate-authority-data": "Q0E=",
                },
            }
        ],
        "users": [{"name": "u", "user": {"token": "static-secret"}}],
    }
    config = json.loads(aks_kubeconfig("acme", base64.b64encode(json.dumps(source).encode()).decode()))
    user = config["users"][0]["user"]
    assert set(user) == {"exec"} and user["exec"]["command"] == "kubelogin"
    assert "6dae42f8-4368-4678-94ff-3960e28e3630" in user["exec"]["args"]
    assert "static-secret" not in json.dumps(config)
    assert config["clusters"][0]["cluster"]["server"] == "https://c.hcp.eastus.azmk8s.io:443"


def test_budget_starts_on_the_first_of_the_month() -> None:
    assert budget_start(date(2026, 12, 17)) == "2026-12-01T00:00:00Z"


def _problems(**over: object) -> list[str]:
    args: dict = {
        "cidr": IPv4Network("10.40.0.0/16"),
        "service_cidr": IPv4Network("172.20.0.0/16"),
        "pool_names": ["system"],
        "disk_gbs": [100],
        "flow_log_retention_days": 90,
        "budget_thresholds": [80, 100],
    }
    args.update(over)
    return [p.path for p in azure_problems(**args)]


def test_a_valid_azure_spec_has_no_problems() -> None:
    assert _problems() == []


@pytest.mark.parametrize(
    ("override", "path"),
    [
        ({"cidr": POD_CIDR}, "network.cidr"),
        ({"service_cidr": IPv4Network("10.244.0.0/20")}, "network.service_cidr"),
        ({"service_cidr": IPv4Network("172.0.0.0/11")}, "network.service_cidr"),
        ({"pool_names": ["system", "sys"]}, "node_pools[1].name"),
        ({"disk_gbs": [100, 4096]}, "node_pools[1].disk_gb"),
        ({"flow_log_retention_days": 400}, "network.flow_log_retention_days"),
        ({"budget_thresholds": [10, 20, 30, 40, 50, 60]}, "budget.thresholds_percent"),
        ({"budget_thresholds": [80, 1200]}, "budget.thresholds_percent[1]"),
        (
            {"tenant_admins": [["2b7d4f1a-9c3e-4a6b-8d5f-1e0c9b8a7d6e"], ["research-admins"]]},
            "tenants[1].admins[0]",
        ),
    ],
)
def test_preflight_refuses_what_aks_would(override: dict, path: str) -> None:
    assert _problems(**override) == [path]
