"""Capacity fallback on AKS, planned whole on azure-train: the managed autoscaler's profile uses the priority
expander and the ConfigMap `cluster-autoscaler-priority-expander` in kube-system lists the reserved pool's
scale set first, the on-demand ones next and a catch-all last. Sources: ARM ManagedClusterAutoScalerProfile
`expander` (least-waste | most-pods | priority | random), Azure/AKS#1931 (shipped), the AKS scale set names
quoted in Azure/AKS#2359, the upstream priority expander readme (cluster-autoscaler-1.36.1); read
2026-12-08."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from lepton_infra.plan.record import PlannedGraph
from tests.conftest import PLATFORM_STACK_DIR

CLUSTER = "azure-native:containerservice:ManagedCluster"
CONFIGMAP = "kubernetes:core/v1:ConfigMap"


@pytest.fixture(scope="module")
def train(plan_stack: Callable[[str | Path, str], PlannedGraph]) -> PlannedGraph:
    return plan_stack(PLATFORM_STACK_DIR, "azure-train")


def test_the_managed_autoscaler_uses_the_priority_expander(train: PlannedGraph) -> None:
    (cluster,) = train.of_type(CLUSTER)
    assert cluster.get("autoScalerProfile") == {
        "expander": "priority",
        "scaleDownUnneededTime": "10m",
        "skipNodesWithLocalStorage": "false",
    }


def test_the_reserved_pool_scales_first(train: PlannedGraph) -> None:
    (configmap,) = [
        c
        for c in train.of_type(CONFIGMAP)
        if c.get("metadata.name") == "cluster-autoscaler-priority-expander"
    ]
    assert configmap.get("metadata.namespace") == "kube-system"
    priorities = yaml.safe_load(configmap.get("data.priorities"))
    assert priorities == {
        30: ["^aks-h100resv-[0-9]+-vmss$"],
        20: ["^aks-h100-[0-9]+-vmss$", "^aks-sys-[0-9]+-vmss$"],
        1: [".*"],
    }
    # The patterns match AKS's scale set names (Azure/AKS#2359) and nothing of the other pool.
    assert re.match(priorities[30][0], "aks-h100resv-29141059-vmss")
    assert not re.match(priorities[30][0], "aks-h100-29141059-vmss")


def test_without_a_reservation_aks_keeps_least_waste(
    plan_stack: Callable[[str | Path, str], PlannedGraph],
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, "azure-prod")
    (cluster,) = graph.of_type(CLUSTER)
    assert cluster.get("autoScalerProfile.expander") == "least-waste"
    names = [c.get("metadata.name") for c in graph.of_type(CONFIGMAP)]
    assert "cluster-autoscaler-priority-expander" not in names
