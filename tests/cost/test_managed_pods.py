"""Issue 28: on EKS the system pool fit counts the cloud's own pods from the managed add-ons the plan
installs (cost/managed_pods.yaml, each read from the add-on's own chart at the version named), instead of a
per-node guess that left out the CloudWatch agent, Fluent Bit, the CloudWatch operator, the node monitoring
agent and the EBS CSI controller. Expected figures are the charts' requests, written out by hand."""

from __future__ import annotations

from typing import Any

import pytest

from lepton_infra.cost import estimate_cost
from lepton_infra.cost.managed_pods import managed_pods
from tests.conftest import PLATFORM_STACK_DIR

ADDON = "aws:eks/addon:Addon"


def _fit(graph) -> dict[str, Any]:
    fit = estimate_cost(graph).to_json().get("system_pool_fit")
    if fit is None:
        pytest.fail("the plan's cost section has no system_pool_fit")
    return fit


def test_aws_dev_counts_every_eks_add_on_pod_on_its_one_system_node(plan_stack) -> None:
    fit = _fit(plan_stack(PLATFORM_STACK_DIR, "aws-dev"))
    pods = {
        (p["name"], p["replicas"], p["per_node"], p["cpu_m"], p["memory_mib"])
        for p in fit.get("managed_pods", [])
    }
    assert pods == {
        ("coredns", 2, False, 100, 70),
        ("kube-proxy", 1, True, 100, 0),
        ("aws-node", 1, True, 25, 0),
        ("eks-pod-identity-agent", 1, True, 0, 0),
        ("ebs-csi-controller", 2, False, 60, 232),  # plugin + 4 sidecars at 10m/40Mi, liveness 10m/32Mi
        ("ebs-csi-node", 1, True, 30, 104),
        ("cloudwatch-operator", 1, False, 100, 64),
        ("cloudwatch-agent", 1, True, 250, 128),
        ("fluent-bit", 1, True, 50, 25),
        ("eks-node-monitoring-agent", 1, True, 10, 30),
    }
    # 200 + 100 + 25 + 120 + 30 + 100 + 250 + 50 + 10 millicores; 140 + 464 + 104 + 64 + 128 + 25 + 30 MiB
    assert fit["managed_allowance"] == {"cpu_m": 885, "memory_mib": 955}


def test_every_add_on_the_plan_installs_is_counted(plan_stack) -> None:
    for stack in ("aws-dev", "aws-prod"):
        graph = plan_stack(PLATFORM_STACK_DIR, stack)
        counted = {p["release"] for p in _fit(graph)["managed_pods"]}
        assert counted == {r.name for r in graph.of_type(ADDON)}, stack


class _Addon(dict):
    def __init__(self, name: str, **inputs: Any) -> None:
        super().__init__(inputs)
        self.name = name


class _Graph:
    def __init__(self, *addons: _Addon) -> None:
        self.addons = addons

    def of_type(self, type_: str) -> list[_Addon]:
        return list(self.addons) if type_ == ADDON else []


def test_configuration_values_win_over_the_charts_defaults() -> None:
    """What EKS applies: requests set in the add-on's configuration values, and Fluent Bit gone with
    `containerLogs.enabled: false`."""
    config = (
        '{"agent": {"resources": {"requests": {"cpu": "100m", "memory": "96Mi"}}}, '
        '"containerLogs": {"enabled": false}}'
    )
    graph = _Graph(
        _Addon("insights", addonName="amazon-cloudwatch-observability", configurationValues=config)
    )
    pods = {p.name: (p.cpu_m, p.memory_mib) for p in managed_pods(graph, "aws")}  # type: ignore[arg-type]
    assert pods == {"cloudwatch-operator": (100, 64), "cloudwatch-agent": (100, 96)}


def test_an_add_on_without_a_row_is_refused_not_left_uncounted() -> None:
    graph = _Graph(_Addon("x", addonName="aws-efs-csi-driver"))
    with pytest.raises(KeyError, match="aws-efs-csi-driver"):
        managed_pods(graph, "aws")  # type: ignore[arg-type]
