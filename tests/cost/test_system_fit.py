"""Issue 28: each dev stack's plan proves the platform's own pods fit its system pool at the pool's minimum
(requests of every long-running pod the plan's charts run, plus the cloud's kube-system allowance, within
allocatable less headroom), and a dev stack idles at $150 a month or less where the issue's levers reach it.

Allocatable figures are worked out by hand from each provider's documented formula (the docstring of
lepton_infra/cost/allocatable.py names them)."""

from __future__ import annotations

from typing import Any

import pytest

from lepton_infra.catalog.machines import catalog
from lepton_infra.cost import estimate_cost
from lepton_infra.cost.allocatable import allocatable
from lepton_infra.cost.managed_pods import managed_pods
from lepton_infra.cost.pod_requests import cpu_millicores, memory_mib
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR, shipped_spec, spec_problems

DEV_STACKS = ("aws-dev", "azure-dev", "gcp-dev")
RELEASE = "kubernetes:helm.sh/v3:Release"


def _fit(graph) -> dict[str, Any]:
    fit = estimate_cost(graph).to_json().get("system_pool_fit")
    if fit is None:
        pytest.fail("the plan's cost section has no system_pool_fit")
    return fit


@pytest.mark.parametrize("stack", DEV_STACKS)
def test_dev_system_pods_fit_the_system_pool_minimum(stack: str, plan_stack) -> None:
    fit = _fit(plan_stack(PLATFORM_STACK_DIR, stack))
    assert (fit["pool"], fit["min_nodes"]) == ("system", 1)
    needed_cpu = fit["requests"]["cpu_m"] + fit["managed_allowance"]["cpu_m"]
    needed_memory = fit["requests"]["memory_mib"] + fit["managed_allowance"]["memory_mib"]
    assert needed_cpu <= fit["allocatable"]["cpu_m"] * 0.9, fit
    assert needed_memory <= fit["allocatable"]["memory_mib"] * 0.9, fit
    assert fit["fits"] is True
    # Every chart of the platform the plan installs is counted (a pod the table misses would not be).
    counted = {p["release"] for p in fit["pods"]}
    releases = {r.name for r in plan_stack(PLATFORM_STACK_DIR, stack).of_type(RELEASE)}
    assert counted == releases


def test_the_charts_three_http_add_on_replicas_do_not_fit_aws_dev(plan_program) -> None:
    """What dev's `cluster.system_replicas: 1` is for: with the chart's 3 scalers and 3 interceptors (250m
    each) aws-dev's platform pods need more CPU than its one m6i.xlarge leaves them."""
    raw = shipped_spec("aws-dev")
    raw["cluster"]["system_replicas"] = 3
    graph = plan_program(lambda: build(PlatformSpec.from_dict(raw)), {"lepton:platform": raw})
    fit = _fit(graph)
    assert fit["fits"] is False
    http = {p["name"]: p["replicas"] for p in fit["pods"] if p["name"].startswith("http-")}
    assert http == {"http-operator": 1, "http-scaler": 3, "http-interceptor": 3}


@pytest.mark.parametrize("stack", ["aws-prod", "azure-prod", "gcp-prod", "azure-train"])
def test_every_release_of_a_queueing_platform_is_counted_and_fits(stack: str, plan_stack) -> None:
    """Kueue (and JobSet) are OCI charts: their releases record the chart's full `oci://` address, and the
    fit looked their rows up by it, so the two Kueue controllers (500m CPU, 512Mi each) were never counted."""
    from tests.journeys.conftest import variant_graph

    graph = variant_graph(stack) if "+" in stack else plan_stack(PLATFORM_STACK_DIR, stack)
    fit = _fit(graph)
    assert {p["release"] for p in fit["pods"]} == {r.name for r in graph.of_type(RELEASE)}
    assert {p["name"]: p["replicas"] for p in fit["pods"] if p["name"] == "kueue-controller"} == {
        "kueue-controller": 2
    }
    assert fit["fits"] is True


@pytest.mark.parametrize("stack", ["aws-train", "azure-train"])
def test_the_topology_aware_train_stacks_fit_two_system_nodes(stack: str, plan_stack) -> None:
    """Kueue's and JobSet's controllers (two of each, 500m each) do not fit one 4-vCPU system node with the
    cloud's own pods: the train stacks with a topology-aware pool run two."""
    fit = _fit(plan_stack(PLATFORM_STACK_DIR, stack))
    assert fit["min_nodes"] == 2
    replicas = {p["name"]: p["replicas"] for p in fit["pods"]}
    assert (replicas["kueue-controller"], replicas["jobset-controller"]) == (2, 2)
    assert fit["fits"] is True


@pytest.mark.parametrize("stack", ["aws-prod", "azure-prod", "gcp-prod"])
def test_prod_keeps_the_charts_http_add_on_replicas(stack: str, plan_stack) -> None:
    for release in plan_stack(PLATFORM_STACK_DIR, stack).of_type(RELEASE):
        if release.get("chart") == "keda-add-ons-http":
            values = release.get("values") or {}
            # the chart's replica counts: no `scaler.replicas`, no `interceptor.replicas` (other keys of
            # theirs, e.g. the platform priority class, are set)
            assert "replicas" not in values.get("scaler", {}) and "replicas" not in values["interceptor"]


def test_allocatable_follows_the_documented_formulas() -> None:
    """GKE n2-standard-4 (16 GiB): 16384 - (1024 + 819.2 + 819.2) - 100 MiB; CPU 4000 - (60 + 10 + 10).
    EKS m6i.xlarge (58 pods): 16384 - (11 x 58 + 255) - 100; AKS D4s_v5: 25% of 16384 reserved (less than
    20 x 250 + 50), - 100; CPU 4000 - 140."""
    gke = allocatable("gcp", _machine("gcp", "n2-standard-4"))
    eks = allocatable("aws", _machine("aws", "m6i.xlarge"))
    aks = allocatable("azure", _machine("azure", "Standard_D4s_v5"))
    assert (gke.cpu_m, gke.memory_mib) == (3920, 13621)
    assert (eks.cpu_m, eks.memory_mib, eks.max_pods) == (3920, 15391, 58)
    assert (aks.cpu_m, aks.memory_mib) == (3860, 12188)


def _machine(cloud, name):
    machine = catalog(cloud).machine(name)
    if machine is None:
        pytest.fail(f"{name} is not in the {cloud} catalog")
    return machine


def test_quantities() -> None:
    assert [cpu_millicores(v) for v in ("250m", "1", 0.5, "2")] == [250, 1000, 500, 2000]
    assert [memory_mib(v) for v in ("20Mi", "2Gi", "512Ki", "1000M")] == [20, 2048, 0, 954]


def test_gcp_dev_idles_under_150_with_the_free_tier_credit(plan_stack) -> None:
    cost = estimate_cost(plan_stack(PLATFORM_STACK_DIR, "gcp-dev")).to_json()
    credit = [i for i in cost["items"] if (i.get("note") or "").startswith("GKE free tier credit")]
    assert [round(i["monthly_usd_idle"], 2) for i in credit] == [-73.0]
    assert cost["monthly_usd_idle"] <= 150


def test_gcp_prod_pays_its_regional_cluster_fee(plan_stack) -> None:
    cost = estimate_cost(plan_stack(PLATFORM_STACK_DIR, "gcp-prod")).to_json()
    assert not [i for i in cost["items"] if (i.get("note") or "").startswith("GKE free tier credit")]


def test_the_free_tier_credit_is_refused_on_a_regional_prod_cluster() -> None:
    raw = shipped_spec("gcp-prod")
    raw["gcp"]["free_tier_credit"] = True
    assert "gcp.free_tier_credit" in spec_problems(raw)


@pytest.mark.parametrize(("stack", "replicas"), [("aws-dev", 1), ("aws-prod", 2)])
def test_metrics_server_runs_one_pod_in_dev_and_two_in_prod(stack: str, replicas: int, plan_stack) -> None:
    """With the EKS add-ons counted, aws-dev's second metrics-server (100m) is what its m6i.xlarge cannot
    hold: 2,735m + 885m > 3,528m usable; prod keeps two behind the PDB."""
    charts = [
        r
        for r in plan_stack(PLATFORM_STACK_DIR, stack).of_type(RELEASE)
        if r.get("chart") == "metrics-server"
    ]
    assert [(r.get("values") or {}).get("replicas") for r in charts] == [replicas]


def test_azure_dev_counts_the_aks_add_ons_the_platform_turns_on(plan_stack) -> None:
    """Managed Prometheus (ama-metrics 2 x 170m/530Mi, ama-metrics-node 70m/180Mi, ksm 5m/50Mi, operator
    targets 11m/60Mi), the workload identity webhook (2 x 100m/20Mi) and Image Cleaner's manager
    (100m/20Mi), on top of the 450m/500Mi per-node estimate for AKS's own kube-system."""
    fit = _fit(plan_stack(PLATFORM_STACK_DIR, "azure-dev"))
    names = sorted(p["name"] for p in fit.get("managed_pods", []))
    assert names == [
        "ama-metrics",
        "ama-metrics-ksm",
        "ama-metrics-node",
        "ama-metrics-operator-targets",
        "azure-wi-webhook-controller-manager",
        "eraser-controller-manager",
    ]
    assert fit["managed_allowance"] == {"cpu_m": 450 + 340 + 70 + 5 + 11 + 200 + 100, "memory_mib": 1910}


def test_without_trimmed_requests_azure_dev_needs_a_second_system_node(plan_program) -> None:
    """`cluster.trim_system_requests` off: the KEDA HTTP add-on's 3 x 250m bring azure-dev's system pod
    requests to 2,335m + 1,176m of AKS's, over the 3,474m its one Standard_D4s_v5 leaves at 10% headroom."""
    raw = shipped_spec("azure-dev")
    raw["cluster"]["trim_system_requests"] = False
    graph = plan_program(lambda: build(PlatformSpec.from_dict(raw)), {"lepton:platform": raw})
    fit = _fit(graph)
    assert (fit["requests"]["cpu_m"], fit["managed_allowance"]["cpu_m"]) == (2335, 1176)
    assert fit["fits"] is False


@pytest.mark.parametrize("stack", ["aws-dev", "azure-dev", "gcp-dev"])
def test_dev_trims_the_http_add_on_cpu_requests_and_keeps_its_limits(stack: str, plan_stack) -> None:
    for release in plan_stack(PLATFORM_STACK_DIR, stack).of_type(RELEASE):
        if release.get("chart") == "keda-add-ons-http":
            values = release.get("values") or {}
            for pod in ("operator", "scaler", "interceptor"):
                assert values[pod]["resources"] == {"requests": {"cpu": "100m", "memory": "20Mi"}}


def test_trimmed_requests_are_refused_in_prod_and_accepted_in_dev() -> None:
    raw = shipped_spec("aws-prod")
    raw["cluster"]["trim_system_requests"] = True
    assert spec_problems(raw).get("cluster.trim_system_requests", "").startswith("prod keeps the charts'")
    dev = shipped_spec("aws-dev")
    dev["cluster"]["trim_system_requests"] = True
    assert spec_problems(dev) == {}


# The clouds' own pods (cost/managed_pods.yaml): EKS's add-ons counted from each add-on's chart instead
# of a per-node guess that left out the CloudWatch agent, Fluent Bit, the CloudWatch operator, the node
# monitoring agent and the EBS CSI controller. Expected figures are the charts' requests, by hand.
ADDON = "aws:eks/addon:Addon"


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


def test_aws_train_counts_the_fsx_node_plugin_on_each_system_node(plan_stack) -> None:
    """The FSx CSI node DaemonSet tolerates every taint (chart 1.17.0), so each system node runs one: the
    fsx-plugin (10m, 40Mi) and its registrar and liveness probe (10m, 32Mi each)."""
    fit = _fit(plan_stack(PLATFORM_STACK_DIR, "aws-train"))
    fsx = [p for p in fit["pods"] if p["release"] == "acme-train-filesystem-csi"]
    assert [(p["name"], p["cpu_m"], p["memory_mib"], p["per_node"]) for p in fsx] == [
        ("fsx-csi-node", 30, 104, True)
    ]
