"""GPU health: node auto-repair (on for CPU node groups; off for GPU ones, see the last test) acts on the
node conditions the EKS node monitoring agent writes (AcceleratedHardwareReady for XID/DCGM faults,
KernelReady, ...). Without
the agent, repair sees kubelet Ready alone and a GPU that fails while its node stays Ready is never replaced
(EKS User Guide, "Detect node health issues and enable automatic node repair"). The agent's GPU source, its
DCGM host engine, tolerates no taint by default (aws/eks-node-monitoring-agent v1.6.6 chart values), so it
must be told to tolerate the platform's GPU taint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.plan.record import PlannedGraph, RecordedResource

AWS_STACKS = ["aws-dev", "aws-prod"]
AGENT = "eks-node-monitoring-agent"


def _agent(graph: PlannedGraph) -> RecordedResource:
    addons = [a for a in graph.of_type("aws:eks/addon:Addon") if a.get("addonName") == AGENT]
    assert len(addons) == 1, [a.get("addonName") for a in graph.of_type("aws:eks/addon:Addon")]
    return addons[0]


def _tolerates(tolerations: list[dict[str, Any]], taint: dict[str, str]) -> bool:
    """Kubernetes toleration matching for a NoSchedule taint (effect empty = any effect)."""
    wanted = {"NO_SCHEDULE": "NoSchedule", "NO_EXECUTE": "NoExecute"}[taint["effect"]]
    for t in tolerations:
        if t.get("effect") not in (None, "", wanted):
            continue
        if t.get("operator") == "Exists" and t.get("key") in (None, "", taint["key"]):
            return True
        if t.get("key") == taint["key"] and t.get("value") == taint.get("value"):
            return True
    return False


@pytest.mark.parametrize("stack", AWS_STACKS)
def test_repairing_node_groups_have_the_agent_that_reports_gpu_faults(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    graph = plan_stack(platform_dir, stack)
    repairing = [g for g in graph.of_type("aws:eks/nodeGroup:NodeGroup") if g.get("nodeRepairConfig.enabled")]
    assert repairing, "no node group repairs its nodes"
    agent = _agent(graph)
    assert agent.get("addonVersion") == "v1.6.6-eksbuild.1"
    # Installed on this cluster, after the node groups (it runs as DaemonSets on their nodes).
    cluster = graph.one("aws:eks/cluster:Cluster")
    assert agent.get("clusterName") == cluster.outputs.get("name")
    assert {g.urn for g in repairing} <= set(agent.dependencies)


@pytest.mark.parametrize("stack", AWS_STACKS)
def test_the_gpu_health_source_runs_on_the_tainted_gpu_nodes(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    graph = plan_stack(platform_dir, stack)
    config = json.loads(_agent(graph).get("configurationValues") or "{}")
    tolerations = config.get("dcgmAgent", {}).get("tolerations", [])
    gpu_groups = [g for g in graph.of_type("aws:eks/nodeGroup:NodeGroup") if g.get("taints")]
    assert gpu_groups, "the stack has GPU pools: their node groups carry the GPU taint"
    for group in gpu_groups:
        for taint in group.get("taints"):
            assert _tolerates(tolerations, taint), (group.name, taint, tolerations)


@pytest.mark.parametrize("stack", AWS_STACKS)
def test_gpu_node_groups_do_not_auto_repair_on_the_latched_dcgm_condition(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    """Deploy review of 2026-12-07: agent v1.6.6 never clears AcceleratedHardwareReady=False once one DCGM
    connection failed (aws/eks-node-monitoring-agent#266, fix PR #275 still open), and a fresh GPU node's
    boot race is enough; with repair on, EKS replaces that healthy node (and its job) 10 minutes later. CPU
    groups keep repair (their conditions clear)."""
    graph = plan_stack(platform_dir, stack)
    groups = graph.of_type("aws:eks/nodeGroup:NodeGroup")
    gpu = {g.name for g in groups if g.get("amiType") == "AL2023_x86_64_NVIDIA"}
    cpu = {g.name for g in groups} - gpu
    assert gpu and cpu, (gpu, cpu)
    repairing = {g.name for g in groups if g.get("nodeRepairConfig.enabled")}
    assert repairing == cpu, {
        "repairing GPU groups": sorted(repairing & gpu),
        "unrepaired CPU": sorted(cpu - repairing),
    }
