"""J1, a GPU job that names no GPU type (issue 26, deploy review of 2026-12-07): submitted to a tenant's
LocalQueue with only `nvidia.com/gpu: 1`, it must land on the cheapest GPU flavor its queue can reach, not
on the first one listed. Kueue v0.19.2 tries a ClusterQueue's flavors in order and stops at the first that
fits, borrowing included, unless `flavorFungibility.whenCanBorrow` is TryNextFlavor (default MayStopSearch;
pkg/scheduler/flavorassigner/flavorassigner.go `findFlavorForPodSets`/`shouldTryNextFlavor`, and the
ClusterQueue CRD defaults in tests/kubernetes/crds/kueue-0.19.2.json; read 2026-12-07). The walk below
does the same over the recorded plan, on an idle cluster."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from tests.journeys.admission import covered, flavor_quota, q, reachable_quota
from tests.journeys.cluster import Cluster, selects

GPU = "nvidia.com/gpu"
UNTYPED_JOB = {"cpu": "4", "memory": "16Gi", GPU: "1"}  # no nodeSelector, no affinity

# The cheapest GPU flavor each tenant's queue reaches (own quota or borrowable from the cohort), written
# out by hand from the stacks' pools and the catalog's prices: per GPU-hour a spot L4/T4 is cheaper than an
# on-demand one, and either is far cheaper than an H100 (an eighth of a p5.48xlarge, a3-highgpu-8g,
# ND96isr_H100_v5). The dev stacks have one GPU pool, walked with jobs on (tests/journeys/conftest.py).
CHEAPEST = {
    "aws-prod": {"research": "gpu-l4-spot", "serving": "gpu-l4-spot"},
    "gcp-prod": {"research": "gpu-l4-spot", "serving": "gpu-l4-spot"},
    "azure-prod": {"research": "gpu-t4spot", "serving": "gpu-t4spot"},
    "aws-dev+jobs": {"research": "gpu-l4-spot"},
    "gcp-dev+jobs": {"research": "gpu-l4-spot"},
    "azure-dev+jobs": {"research": "gpu-t4spot"},
}


def _fungibility(queue: dict[str, Any]) -> tuple[str, str]:
    f = queue["spec"].get("flavorFungibility") or {}
    return f.get("whenCanBorrow", "MayStopSearch"), f.get("whenCanPreempt", "TryNextFlavor")


def assigned_flavor(cluster: Cluster, tenant: str, requests: dict[str, str]) -> str | None:
    """The flavor Kueue assigns the job's GPU resource group on an idle cluster (None: no flavor fits)."""
    local = cluster.named("LocalQueue", "jobs", tenant)
    assert local is not None, f"no LocalQueue jobs in {tenant}"
    queue = cluster.named("ClusterQueue", local["spec"]["clusterQueue"])
    assert queue is not None
    assert selects(queue["spec"].get("namespaceSelector"), cluster.namespace_labels(tenant))
    when_can_borrow, _ = _fungibility(queue)
    asked = {r: q(v) for r, v in requests.items() if r in covered(queue)}
    fallback = None
    for group in queue["spec"]["resourceGroups"]:
        if GPU not in group["coveredResources"]:
            continue
        # Kueue assigns each resource group its flavor from the resources that group covers
        # (flavorassigner.go); CPU and memory are another group's (the cpu flavor).
        in_group = {r: amount for r, amount in asked.items() if r in group["coveredResources"]}
        for entry in group["flavors"]:
            name = entry["name"]
            flavor = cluster.named("ResourceFlavor", name)
            assert flavor is not None, f"ClusterQueue {tenant} lists missing flavor {name}"
            # The job selects nothing, so every flavor's node labels match it (checkFlavorForPodSets).
            if any(reachable_quota(cluster, queue, name, r) < amount for r, amount in in_group.items()):
                continue  # no fit: Kueue tries the next flavor
            borrows = any(flavor_quota(queue, name, r)[0] < amount for r, amount in in_group.items())
            if not borrows or when_can_borrow == "MayStopSearch":
                return name
            fallback = fallback or name  # TryNextFlavor: keep looking for one that fits without borrowing
    return fallback


@pytest.mark.parametrize("stack", sorted(CHEAPEST))
def test_an_untyped_gpu_job_lands_on_the_cheapest_flavor_its_queue_reaches(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    landed = {tenant: assigned_flavor(cluster, tenant, UNTYPED_JOB) for tenant in CHEAPEST[stack]}
    assert landed == CHEAPEST[stack]


def test_the_walk_reads_quota_as_kueue_does(cluster_of: Callable[[str], Cluster]) -> None:
    """The walk is not vacuous: research's H100 quota fits an untyped job there too, and no flavor fits a
    job asking more GPUs than the whole cohort holds."""
    cluster = cluster_of("aws-prod")
    queue = cluster.named("ClusterQueue", "research")
    assert queue is not None and flavor_quota(queue, "gpu-h100", GPU)[0] == Decimal(8)
    assert assigned_flavor(cluster, "research", {**UNTYPED_JOB, GPU: "1000"}) is None
