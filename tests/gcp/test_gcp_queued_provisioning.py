"""GKE queued provisioning (Dynamic Workload Scheduler) for queued GPU jobs: the opted-in pool is created
as GKE requires it, Kueue's capacity check asks GKE's own ProvisioningRequest class for that pool's
flavor only, the hardening pack accepts the pool, and the spec refuses pools GKE would not provision."""

from __future__ import annotations

from typing import Any

import pytest

from lepton_infra.core.errors import SpecError
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.platform import build
from lepton_infra.policy.evaluate import evaluate_graph
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.harness import raw_spec
from tests.kubernetes.manifests import manifest

KUEUE = "kubernetes:kueue.x-k8s.io/v1beta2"
NODE_POOL = "gcp:container/nodePool:NodePool"


def _queued(**changes: Any) -> dict[str, Any]:
    raw = raw_spec("gcp-prod")
    raw["gcp"] = {**raw["gcp"], "queued_provisioning_pools": ["h100"], **changes}
    return raw


@pytest.fixture(scope="module")
def queued() -> PlannedGraph:
    spec = PlatformSpec.from_dict(_queued())
    return plan_program(lambda: build(spec), {"pulumi:disable-default-providers": ["*"]})


def test_the_queued_pool_is_created_as_gke_requires(queued: PlannedGraph) -> None:
    """gcloud's `--flex-start --enable-queued-provisioning --enable-autoscaling --num-nodes=0
    --location-policy=ANY --reservation-affinity=none --no-enable-autorepair`, as pool inputs (GKE's guide
    "Run a large-scale workload with flex-start with queued provisioning" pairs the first two); other pools
    untouched."""
    pools = {r.get("name"): r for r in queued.of_type(NODE_POOL)}
    h100 = pools["h100"]
    assert h100.get("queuedProvisioning") == {"enabled": True}
    assert h100.get("autoscaling.locationPolicy") == "ANY"
    assert h100.get("autoscaling.totalMinNodeCount") == 0 and h100.get("initialNodeCount") == 0
    assert h100.get("nodeConfig.reservationAffinity") == {"consumeReservationType": "NO_RESERVATION"}
    assert h100.get("management") == {"autoRepair": False, "autoUpgrade": True}
    assert h100.get("nodeConfig.spot") is False
    assert h100.get("nodeConfig.flexStart") is True
    # GKE upgrades flex-start pools SHORT_LIVED; the provider cannot say so, so the block is left out
    assert h100.get("upgradeSettings") is None
    for name in ("system", "l4-spot"):
        assert pools[name].get("queuedProvisioning") is None
        assert pools[name].get("upgradeSettings.strategy") == "SURGE"
        assert pools[name].get("nodeConfig.flexStart") is None
        assert pools[name].get("management.autoRepair") is True


def test_kueue_checks_capacity_with_gke_for_the_queued_pool_only(queued: PlannedGraph) -> None:
    (config,) = [manifest(r) for r in queued.of_type(f"{KUEUE}:ProvisioningRequestConfig")]
    assert config["spec"]["provisioningClassName"] == "queued-provisioning.gke.io"
    queues = [manifest(r) for r in queued.of_type(f"{KUEUE}:ClusterQueue")]
    assert queues
    for queue in queues:
        assert queue["spec"]["admissionChecksStrategy"]["admissionChecks"][0]["onFlavors"] == ["gpu-h100"]
    # GKE serves the API itself: nothing installs a CRD, and no self-managed autoscaler runs.
    assert not queued.of_type("kubernetes:yaml/v2:ConfigFile")
    assert not [
        r for r in queued.of_type("kubernetes:helm.sh/v3:Release") if "autoscaler" in str(r.get("chart"))
    ]


def test_the_queued_pool_passes_the_policy_pack(queued: PlannedGraph) -> None:
    outcome = evaluate_graph(queued)
    assert [(v.policy, v.message) for v in outcome.mandatory] == []


def _problems(raw: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    return {p.path: p.why for p in err.value.problems}


@pytest.mark.parametrize(
    "pool, why",
    [("system", "not a GPU node pool"), ("a100", "not a GPU node pool"), ("l4-spot", "on-demand nodes only")],
)
def test_pools_gke_cannot_queue_are_refused(pool: str, why: str) -> None:
    assert why in _problems(_queued(queued_provisioning_pools=[pool]))["gcp.queued_provisioning_pools[0]"]


def test_a_queued_pool_with_a_minimum_is_refused() -> None:
    raw = _queued()
    raw["node_pools"] = [dict(p, min=1) if p["name"] == "h100" else p for p in raw["node_pools"]]
    assert "on-demand nodes only" in _problems(raw)["gcp.queued_provisioning_pools[0]"]


def test_queued_pools_without_jobs_are_refused() -> None:
    raw = _queued()
    raw["jobs"] = {"enabled": False}
    raw["tenants"] = [{k: v for k, v in t.items() if k != "jobs"} for t in raw["tenants"]]
    assert "ProvisioningRequests" in _problems(raw)["gcp.queued_provisioning_pools"]


def test_a_service_only_a_queued_pool_could_serve_is_refused() -> None:
    """GKE never scales a queued pool for a service's pending pod."""
    raw = _queued(queued_provisioning_pools=["h100"])
    raw["services"] = [dict(raw["services"][0], gpu={"type": "h100-80gb", "count": 8})]
    assert "never get a node" in _problems(raw)["services[0].gpu.type"]
