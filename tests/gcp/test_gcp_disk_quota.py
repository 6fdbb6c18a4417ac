"""GKE's disk quotas at full scale (issue 24): SSD_TOTAL_GB holds every node's pd-balanced boot disk AND
the platform's own persistent volumes (Prometheus 50 GiB, Alertmanager 2 GiB on the pd-balanced
`lepton-cmek-balanced` class), counted from the plan's objects; the H100 nodes' bundled Local SSD
(a3-highgpu-8g: 16 × 375 GiB) is requested as LOCAL_SSD_TOTAL_GB at the pool's max."""

from __future__ import annotations

from typing import Any

import pytest

from lepton_infra.core.volume_claims import StorageClassFacts, VolumeClaim, claims_in
from lepton_infra.gcp.volume_quota import volume_quota_needs
from lepton_infra.plan.record import PlannedGraph
from tests.conftest import PLATFORM_STACK_DIR


def _quota(graph: PlannedGraph, name: str) -> dict[str, Any] | None:
    return next((q for q in graph.outputs["quota_to_request"] if q["quota"] == name), None)


def _recorded_claim_gib(node: Any) -> int:
    """Every volumeClaimTemplate anywhere in the recorded inputs, at 1 replica (none of the shipped stacks
    sets replicas on one), in whole GiB: what an independent reader of the plan would count."""
    if isinstance(node, dict):
        total = 0
        for key, value in node.items():
            if key == "volumeClaimTemplate":
                size = value["spec"]["resources"]["requests"]["storage"]
                assert size.endswith("Gi"), size
                total += int(size[:-2])
            else:
                total += _recorded_claim_gib(value)
        return total
    if isinstance(node, list):
        return sum(_recorded_claim_gib(v) for v in node)
    return 0


# Boot disks at max plus the system pool's upgrade surge node (maxSurge 1): gcp-dev 7 + 1, gcp-prod 29 + 1
# (l4-spot max 19 with chat).
@pytest.mark.parametrize(("stack", "boot_gb"), [("gcp-dev", (7 + 1) * 100), ("gcp-prod", (29 + 1) * 100)])
def test_ssd_quota_holds_boot_disks_and_the_platform_volumes(stack: str, boot_gb: int, plan_stack) -> None:
    """Before: only the boot disks (700 / 2600), 52 GB short of what the cluster creates."""
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    ssd = _quota(graph, "SSD_TOTAL_GB")
    assert ssd is not None
    assert int(ssd["amount"]) == boot_gb + 50 + 2
    # The same from the recorded objects: pools' boot disks at max plus every volume claim template.
    pools = graph.of_type("gcp:container/nodePool:NodePool")
    recorded_boot = sum(
        (int(p.get("autoscaling.totalMaxNodeCount")) + int(p.get("upgradeSettings.maxSurge") or 0))
        * int(p.get("nodeConfig.diskSizeGb"))
        for p in pools
    )
    assert {p.get("nodeConfig.diskType") for p in pools} == {"pd-balanced"}
    claims = sum(_recorded_claim_gib(r.inputs) for r in graph.resources)
    assert int(ssd["amount"]) == recorded_boot + claims
    # The volumes' class is the plan's pd-balanced one.
    (storage_class,) = graph.of_type("kubernetes:storage.k8s.io/v1:StorageClass")
    assert storage_class.get("parameters.type") == "pd-balanced"
    volumes = [p for p in ssd["pools"] if p.startswith("volume:")]
    assert len(volumes) == 2 and all("kube-prometheus-stack" in v for v in volumes)
    assert _quota(graph, "DISKS_TOTAL_GB") is None  # no pd-standard anywhere


def test_h100_pool_requests_its_bundled_local_ssd(plan_stack) -> None:
    """2 × a3-highgpu-8g at max, each with 16 × 375 GiB Local SSD it cannot run without. Before: none."""
    prod = plan_stack(PLATFORM_STACK_DIR, "gcp-prod")
    (h100,) = [
        p
        for p in prod.of_type("gcp:container/nodePool:NodePool")
        if p.get("nodeConfig.machineType") == "a3-highgpu-8g"
    ]
    assert int(h100.get("autoscaling.totalMaxNodeCount")) == 2
    local = _quota(prod, "LOCAL_SSD_TOTAL_GB")
    assert local is not None
    assert (int(local["amount"]), local["pools"], local["code"], local["region"]) == (
        2 * 16 * 375,
        ["h100"],
        "LOCAL-SSD-TOTAL-GB-per-project-region",
        "us-central1",
    )
    # gcp-dev's n2 and g2 machines bundle none.
    assert _quota(plan_stack(PLATFORM_STACK_DIR, "gcp-dev"), "LOCAL_SSD_TOTAL_GB") is None


def test_claims_are_read_off_pvcs_statefulsets_and_operator_specs() -> None:
    pvc = {"spec": {"storageClassName": "fast", "resources": {"requests": {"storage": "1500Mi"}}}}
    assert claims_in("kubernetes:core/v1:PersistentVolumeClaim", "pvc", pvc) == [
        VolumeClaim("pvc", "fast", 2, 1)
    ]
    statefulset = {"spec": {"replicas": 3, "volumeClaimTemplates": [pvc]}}
    assert claims_in("kubernetes:apps/v1:StatefulSet", "db", statefulset) == [
        VolumeClaim("db.spec.volumeClaimTemplates[0]", "fast", 2, 3)
    ]
    values = {"prometheusSpec": {"replicas": 2, "shards": 2, "storageSpec": {"volumeClaimTemplate": pvc}}}
    assert [c.count for c in claims_in("kubernetes:helm.sh/v3:Release", "kps", {"values": values})] == [4]


def test_disk_types_draw_on_their_own_quota() -> None:
    classes = {
        "balanced": StorageClassFacts("pd.csi.storage.gke.io", {"type": "pd-balanced"}),
        "ssd": StorageClassFacts("pd.csi.storage.gke.io", {"type": "pd-ssd"}),
        "hdd": StorageClassFacts("pd.csi.storage.gke.io", {"type": "pd-standard"}),
    }
    claims = [VolumeClaim("a", "balanced", 10), VolumeClaim("b", "ssd", 20, 2), VolumeClaim("c", "hdd", 30)]
    needs = volume_quota_needs(claims, classes, "us-central1")
    assert [(n.quota, n.amount) for n in needs] == [
        ("SSD_TOTAL_GB", 10),
        ("SSD_TOTAL_GB", 40),
        ("DISKS_TOTAL_GB", 30),
    ]
    with pytest.raises(ValueError, match="hyperdisk-balanced"):
        volume_quota_needs(
            [VolumeClaim("d", "hd", 10)],
            {"hd": StorageClassFacts("pd.csi.storage.gke.io", {"type": "hyperdisk-balanced"})},
            "us-central1",
        )
    with pytest.raises(ValueError, match="not a PD CSI class"):
        volume_quota_needs([VolumeClaim("e", None, 10)], classes, "us-central1")
