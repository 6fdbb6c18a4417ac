"""A GPU job reaches a topology-aware flavor: walked over the *-train plans' ClusterQueues the way Kueue
v0.19.2 assigns flavors (pkg/scheduler/flavorassigner: per resource group a pod set uses, one flavor whose
quota covers it; tas_flavorassigner.go checkPodSetAndFlavorMatchForTAS: a pod set asking for a topology
needs a flavor with one, and a flavor with one refuses a pod set without a topology request unless every
flavor of the queue has one). Resources no group declares are ignored (quotaCheckStrategy
IgnoreUndeclared, kubernetes/jobs/queues.py)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR

CQ = "kubernetes:kueue.x-k8s.io/v1beta2:ClusterQueue"
FLAVOR = "kubernetes:kueue.x-k8s.io/v1beta2:ResourceFlavor"
# One p5/a3/ND H100 node's pod: all 8 GPUs, with CPU and memory beside them.
POD = {"cpu", "memory", "nvidia.com/gpu"}


def _admitting_flavor(
    cq: dict[str, Any], topologies: dict[str, str | None], *, tas: bool
) -> list[str] | None:
    """The flavor chosen in each resource group the pod uses, or None when some group has none."""
    groups = cq["resourceGroups"]
    tas_only = all(topologies[f["name"]] for g in groups for f in g["flavors"])
    chosen = []
    for group in groups:
        used = POD & set(group["coveredResources"])
        if not used:
            continue  # undeclared: ignored
        fits = [
            f["name"]
            for f in group["flavors"]
            if bool(topologies[f["name"]]) == (tas or tas_only)
            and all(
                r["name"] not in used or r["name"] != "nvidia.com/gpu" or float(r["nominalQuota"]) > 0
                for r in f["resources"]
            )
        ]
        if not fits:
            return None
        chosen.append(fits[0])
    return chosen


def _queue(stack: str) -> tuple[dict[str, Any], dict[str, str | None]]:
    graph = cached_stack_plan(PLATFORM_STACK_DIR, stack)
    (cq,) = [r for r in graph.of_type(CQ) if r.name.endswith("-queue-research")]
    topologies = {f.get("metadata.name"): f.get("spec.topologyName") for f in graph.of_type(FLAVOR)}
    return cq.get("spec"), topologies


@pytest.mark.parametrize("stack", ["aws-train", "azure-train"])
@pytest.mark.parametrize("tas", [True, False], ids=["topology-request", "no-request"])
def test_a_gpu_job_is_admitted_on_a_topology_aware_flavor(stack: str, tas: bool) -> None:
    spec, topologies = _queue(stack)
    chosen = _admitting_flavor(spec, topologies, tas=tas)
    assert chosen is not None, f"no flavor admits an 8-GPU pod on {stack}"
    assert [topologies[name] for name in chosen] == ["network"]


def test_a_cpu_memory_group_beside_a_topology_aware_gpu_flavor_admits_nothing() -> None:
    """The walk can fail: aws-train's queue with the label-less CPU flavor's CPU/memory group it had before
    (kubernetes/jobs/queues.py keeps it only in queues without a topology-aware flavor)."""
    spec, topologies = _queue("aws-train")
    before = copy.deepcopy(spec)
    before["resourceGroups"].insert(
        0,
        {
            "coveredResources": ["cpu", "memory"],
            "flavors": [
                {
                    "name": "cpu",
                    "resources": [
                        {"name": "cpu", "nominalQuota": "8"},
                        {"name": "memory", "nominalQuota": "32Gi"},
                    ],
                }
            ],
        },
    )
    topologies = {**topologies, "cpu": None}
    assert _admitting_flavor(before, topologies, tas=True) is None
    assert _admitting_flavor(before, topologies, tas=False) is None
