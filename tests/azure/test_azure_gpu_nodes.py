"""Issue 25, AKS GPU nodes: the GPU operator's operands start on them (AKS's containerd handler), on spot
nodes too (node-feature-discovery tolerates AKS's spot taint), no pool declares a label the operator
owns, and only what may land on spot capacity tolerates spot. Whole plans of the shipped Azure stacks
(and an azure-prod variant with a service on an on-demand-only GPU type); expected values come from the
chart and AgentBaker sources named on each test."""

from __future__ import annotations

from typing import Any

from lepton_infra.plan.record import PlannedGraph, RecordedResource
from tests.azure.variants import plan_spec, public_h100_service

RELEASE = "kubernetes:helm.sh/v3:Release"
AGENT_POOL = "azure-native:containerservice:AgentPool"
FLAVOR = "kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
SPOT = {
    "key": "kubernetes.azure.com/scalesetpriority",
    "operator": "Equal",
    "value": "spot",
    "effect": "NoSchedule",
}


def _operator_values(graph: PlannedGraph) -> dict[str, Any]:
    (release,) = [r for r in graph.of_type(RELEASE) if r.get("chart") == "gpu-operator"]
    return release.inputs["values"]


# --- 2. The operands run with a handler AKS GPU nodes have ------------------------------------------------


def test_gpu_operator_operands_use_the_aks_gpu_runtime_handler(graph: PlannedGraph) -> None:
    """AKS GPU nodes (gpuProfile.driver Install) register only the containerd handlers
    `nvidia-container-runtime` and `untrusted` (Azure/AgentBaker pkg/agent/baker.go containerd templates
    at 06836ee2, 2026-08-21); the chart's default `operator.runtimeClass: nvidia` (NVIDIA/gpu-operator
    v26.7.0 values.yaml) names a handler only its own toolkit adds. NVIDIA's AKS page (cloud-native-docs
    gpu-operator/microsoft-aks.rst): driver and toolkit off, `operator.runtimeClass=nvidia-container-runtime`,
    written when the chart left CDI off (on by default from 25.10.0, release-notes.rst)."""
    values = _operator_values(graph)
    assert values["driver"] == {"enabled": False} and values["toolkit"] == {"enabled": False}
    assert values["operator"]["runtimeClass"] == "nvidia-container-runtime"
    assert values["cdi"] == {"enabled": False}
    pools = [p for p in graph.of_type(AGENT_POOL) if p.get("gpuProfile")]
    assert pools and all(p.get("gpuProfile.driver") == "Install" for p in pools)


# --- 3. Feature discovery runs on spot GPU nodes; pools declare no operator-owned label -------------------


def test_node_feature_discovery_runs_on_spot_gpu_nodes(graph: PlannedGraph) -> None:
    """The NFD worker's tolerations are its chart's (NVIDIA/gpu-operator v26.7.0 values.yaml,
    `node-feature-discovery.worker.tolerations`: the control-plane taint and nvidia.com/gpu); a Helm list
    value replaces the default whole, so both stay, with prod's reserved-pool taint and AKS's spot taint
    added."""
    tolerations = _operator_values(graph)["node-feature-discovery"]["worker"]["tolerations"]
    assert tolerations == [
        {
            "key": "node-role.kubernetes.io/control-plane",
            "operator": "Equal",
            "value": "",
            "effect": "NoSchedule",
        },
        {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "lepton.ai/reserved", "operator": "Equal", "value": "kept-running", "effect": "NoSchedule"},
        SPOT,
    ]


def test_aks_pools_leave_gpu_present_to_the_operator_and_flavors_select_declared_labels(
    graph: PlannedGraph,
) -> None:
    """The GPU operator sets and clears `nvidia.com/gpu.present` from what NFD finds (a node where NFD
    found no NVIDIA PCI device gets it set to false): no pool declares it. Each Kueue flavor selects only
    labels its pool declares, which the cluster autoscaler knows for a node it has not created yet."""
    pools = {p.inputs["agentPoolName"]: p for p in graph.of_type(AGENT_POOL)}
    for pool in pools.values():
        assert "nvidia.com/gpu.present" not in (pool.get("nodeLabels") or {}), pool.name
    for flavor in graph.of_type(FLAVOR):
        labels = flavor.get("spec.nodeLabels") or {}
        if labels:
            declared = pools[labels["lepton.ai/pool"]].get("nodeLabels")
            assert labels.items() <= declared.items(), flavor.name


# --- 13. Spot tolerations only where spot capacity can serve --------------------------------------------


def _tolerations(r: RecordedResource, path: str) -> list[dict[str, str]]:
    return r.get(path) or []


def test_only_spot_flavors_tolerate_spot(prod: PlannedGraph) -> None:
    """azure-prod: `h100` is an on-demand pool, `t4spot` a spot one (AKS taints spot nodes
    kubernetes.azure.com/scalesetpriority=spot:NoSchedule)."""
    flavors = {f.get("metadata.name"): _tolerations(f, "spec.tolerations") for f in prod.of_type(FLAVOR)}
    assert SPOT not in flavors["gpu-h100"]
    assert SPOT in flavors["gpu-t4spot"]


def test_a_service_of_an_on_demand_only_gpu_type_does_not_tolerate_spot() -> None:
    """`reranker` runs on H100, which only the on-demand `h100` pool offers; the T4 services may land on
    `t4spot` and tolerate it."""
    graph = plan_spec(public_h100_service())
    tolerations = {
        d.name: _tolerations(d, "spec.template.spec.tolerations")
        for d in graph.of_type(DEPLOYMENT)
        if d.name.startswith("acme-ai-k8s-svc-")
    }
    assert SPOT not in tolerations["acme-ai-k8s-svc-reranker-deployment"]
    assert SPOT in tolerations["acme-ai-k8s-svc-sentiment-deployment"]
    assert SPOT in tolerations["acme-ai-k8s-svc-embeddings-deployment"]
