"""Every GPU pool of every shipped stack rolls without surge capacity: an upgrade or a node image drains one
GPU node at a time and never asks for an extra GPU instance (quota nobody granted, capacity that may not
exist). CPU pools may surge; they are cheap."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHIPPED_STACKS

EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
GKE_NODE_POOL = "gcp:container/nodePool:NodePool"
AKS_AGENT_POOL = "azure-native:containerservice:AgentPool"
EKS_GPU_AMI = "AL2023_x86_64_NVIDIA"


def _stacks(cloud: str) -> list[str]:
    return [s for s in SHIPPED_STACKS if s.startswith(f"{cloud}-")]


@pytest.mark.parametrize("stack", _stacks("aws"))
def test_eks_gpu_node_groups_replace_before_they_launch(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    groups = [
        g for g in plan_stack(platform_dir, stack).of_type(EKS_NODE_GROUP) if g.get("amiType") == EKS_GPU_AMI
    ]
    assert groups, f"{stack} has no GPU node group"
    # MINIMAL: EKS terminates the old node before it launches the new one (DEFAULT launches up to twice the
    # number of zones first); one GPU node down at a time.
    assert {g.name: g.get("updateConfig") for g in groups} == {
        g.name: {"maxUnavailable": 1, "updateStrategy": "MINIMAL"} for g in groups
    }


@pytest.mark.parametrize("stack", _stacks("gcp"))
def test_gke_gpu_pools_surge_nothing(plan_stack: Any, platform_dir: Path, stack: str) -> None:
    pools = [
        p
        for p in plan_stack(platform_dir, stack).of_type(GKE_NODE_POOL)
        if p.get("nodeConfig.guestAccelerators")
    ]
    assert pools, f"{stack} has no GPU pool"
    expected = {
        # Flex-start (queued-provisioning) pools carry no settings: GKE upgrades flex-start nodes with its
        # short-lived strategy, which the provider cannot name (gcp/node_pool.py).
        p.name: None
        if p.get("nodeConfig.flexStart")
        else {"strategy": "SURGE", "maxSurge": 0, "maxUnavailable": 1}
        for p in pools
    }
    assert {p.name: p.get("upgradeSettings") for p in pools} == expected


@pytest.mark.parametrize("stack", _stacks("azure"))
def test_aks_gpu_pools_drain_one_node_and_surge_none(plan_stack: Any, platform_dir: Path, stack: str) -> None:
    pools = [p for p in plan_stack(platform_dir, stack).of_type(AKS_AGENT_POOL) if p.get("gpuProfile")]
    assert pools, f"{stack} has no GPU pool"
    expected = {
        # Spot pools carry no settings: AKS rejects surge settings there and never surges them.
        p.name: None if p.get("scaleSetPriority") == "Spot" else {"maxSurge": "0", "maxUnavailable": "1"}
        for p in pools
    }
    assert {p.name: p.get("upgradeSettings") for p in pools} == expected
    if not [p for p in pools if p.get("scaleSetPriority") != "Spot"]:
        pytest.skip(f"{stack} has only spot GPU pools: nothing here would surge")
