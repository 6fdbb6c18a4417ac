"""What a queued job passes besides quota: the capacity admission check wired to the cluster autoscaler
that really serves ProvisioningRequests (AWS, AKS from 1.33), none where nothing serves them (GKE without
queued provisioning pools), Kueue's requeueing of jobs whose pods never get ready, and the workload
priority classes; every new Kueue object valid against the v0.19.2 CRDs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from lepton_infra.core.cluster_handle import CapacityProvisioning
from lepton_infra.core.errors import ComponentArgsError
from lepton_infra.plan.record import PlannedGraph
from tests.conftest import PLATFORM_STACK_DIR
from tests.kubernetes.conftest import plan_addons
from tests.kubernetes.crd_schemas import python_patterns
from tests.kubernetes.manifests import HELM_RELEASE, chart_name, manifest

CRDS = python_patterns(json.loads((Path(__file__).parent / "crds" / "kueue-0.19.2.json").read_text()))
KUEUE = "kueue.x-k8s.io/v1beta2"
KINDS = (
    "ResourceFlavor",
    "ClusterQueue",
    "LocalQueue",
    "AdmissionCheck",
    "ProvisioningRequestConfig",
    "WorkloadPriorityClass",
)
PROD_STACKS = ["aws-prod", "gcp-prod", "azure-prod"]


def _docs(graph: PlannedGraph, kind: str) -> list[dict[str, Any]]:
    return [manifest(r) for r in graph.of_type(f"kubernetes:{KUEUE}:{kind}")]


def _release(graph: PlannedGraph, chart: str):
    (release,) = [r for r in graph.of_type(HELM_RELEASE) if chart_name(r) == chart]
    return release


def _gpu_flavors(graph: PlannedGraph) -> list[str]:
    return [d["metadata"]["name"] for d in _docs(graph, "ResourceFlavor") if d["metadata"]["name"] != "cpu"]


def test_aws_gpu_jobs_wait_for_an_atomic_scale_up_the_autoscaler_serves(plan_stack) -> None:
    """aws-prod: every queue runs the check on its GPU flavors (not CPU); the check's config names the
    class the autoscaler scales whole requests up for; that autoscaler has the flag, JSON towards the API
    server, the ProvisioningRequest CRD of its own image tag and RBAC for its service account; Kueue
    starts after it (else Kueue skips its provisioning controller and the check never turns Ready)."""
    graph = plan_stack(PLATFORM_STACK_DIR, "aws-prod")
    (check,) = _docs(graph, "AdmissionCheck")
    (config,) = _docs(graph, "ProvisioningRequestConfig")
    assert check["spec"]["controllerName"] == "kueue.x-k8s.io/provisioning-request"
    assert check["spec"]["parameters"] == {
        "apiGroup": "kueue.x-k8s.io",
        "kind": "ProvisioningRequestConfig",
        "name": config["metadata"]["name"],
    }
    # check-capacity only books nodes that already exist: GPU pools at zero would never pass it.
    assert config["spec"]["provisioningClassName"] == "best-effort-atomic-scale-up.autoscaling.x-k8s.io"
    assert config["spec"]["managedResources"] == ["nvidia.com/gpu"]
    for queue in _docs(graph, "ClusterQueue"):
        (rule,) = queue["spec"]["admissionChecksStrategy"]["admissionChecks"]
        assert rule["name"] == check["metadata"]["name"]
        assert sorted(rule["onFlavors"]) == sorted(_gpu_flavors(graph)) and "cpu" not in rule["onFlavors"]

    autoscaler = _release(graph, "cluster-autoscaler")
    values = autoscaler.get("values")
    assert values["extraArgs"]["enable-provisioning-requests"] == "true"
    assert values["extraArgs"]["kube-api-content-type"] == "application/json"
    (crd,) = graph.of_type("kubernetes:yaml/v2:ConfigFile")
    tag = values["image"]["tag"].removeprefix("v")
    assert crd.get("file") == (
        "https://raw.githubusercontent.com/kubernetes/autoscaler/cluster-autoscaler-"
        f"{tag}/cluster-autoscaler/apis/config/crd/autoscaling.x-k8s.io_provisioningrequests.yaml"
    )
    (binding,) = [
        manifest(r)
        for r in graph.of_type("kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")
        if manifest(r)["roleRef"]["name"] == "cluster-autoscaler-provisioning"
    ]
    assert binding["subjects"] == [
        {
            "kind": "ServiceAccount",
            "name": values["rbac"]["serviceAccount"]["name"],
            "namespace": autoscaler.get("namespace"),
        }
    ]
    (role,) = [
        manifest(r)
        for r in graph.of_type("kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")
        if manifest(r)["metadata"]["name"] == binding["roleRef"]["name"]
    ]
    granted = {
        (g, res): set(rule["verbs"])
        for rule in role["rules"]
        for g in rule["apiGroups"]
        for res in rule["resources"]
    }
    assert {"get", "list", "watch", "update", "patch"} <= granted[
        ("autoscaling.x-k8s.io", "provisioningrequests")
    ]
    assert {"update", "patch"} <= granted[("autoscaling.x-k8s.io", "provisioningrequests/status")]
    assert {"get", "list", "watch"} <= granted[("", "podtemplates")]
    assert {crd.urn, *(r.urn for r in graph.managed if r.name.endswith("provisioning-binding"))} <= set(
        autoscaler.dependencies
    )
    kueue = _release(graph, "kueue")
    assert autoscaler.urn in kueue.dependencies


def test_gke_checks_capacity_for_its_queued_provisioning_pool(plan_stack) -> None:
    """gcp-prod queues its H100 pool (gcp.queued_provisioning_pools): GKE's own class, that flavor only."""
    graph = plan_stack(PLATFORM_STACK_DIR, "gcp-prod")
    (config,) = _docs(graph, "ProvisioningRequestConfig")
    assert config["spec"]["provisioningClassName"] == "queued-provisioning.gke.io"
    queued = [
        p.get("name") for p in graph.of_type("gcp:container/nodePool:NodePool") if p.get("queuedProvisioning")
    ]
    for queue in _docs(graph, "ClusterQueue"):
        rules = queue["spec"]["admissionChecksStrategy"]["admissionChecks"]
        assert [r["onFlavors"] for r in rules] == [[f"gpu-{pool}" for pool in queued]] == [["gpu-h100"]]


def test_aks_gpu_jobs_wait_for_an_atomic_scale_up_the_managed_autoscaler_serves(plan_stack) -> None:
    """azure-prod (Kubernetes 1.35): AKS's managed cluster autoscaler serves ProvisioningRequests from 1.33
    (AKS "Provision capacity for Kueue batch jobs with the cluster autoscaler", 2026-07-17; Azure/AKS PR
    #5867), so every queue runs the check on every GPU flavor, with the upstream class AKS documents; no
    autoscaler of ours, no CRD of ours (AKS serves the API). Before, jobs were admitted on quota alone."""
    graph = plan_stack(PLATFORM_STACK_DIR, "azure-prod")
    (check,) = _docs(graph, "AdmissionCheck")
    (config,) = _docs(graph, "ProvisioningRequestConfig")
    assert check["spec"]["controllerName"] == "kueue.x-k8s.io/provisioning-request"
    assert config["spec"]["provisioningClassName"] == "best-effort-atomic-scale-up.autoscaling.x-k8s.io"
    gpu_flavors = sorted(_gpu_flavors(graph))
    assert {"gpu-h100", "gpu-t4spot"} <= set(gpu_flavors)
    for queue in _docs(graph, "ClusterQueue"):
        rules = queue["spec"]["admissionChecksStrategy"]["admissionChecks"]
        assert [(r["name"], sorted(r["onFlavors"])) for r in rules] == [("gpu-capacity", gpu_flavors)]
    assert not graph.of_type("kubernetes:yaml/v2:ConfigFile")


def test_the_check_covers_only_the_pools_the_autoscaler_provisions() -> None:
    """A handle whose autoscaler serves one GPU pool (GKE: the queued-provisioning pools) checks that
    pool's flavor only; the other GPU flavor is admitted on quota alone."""
    planned = plan_addons(
        handle_facts={
            "capacity_provisioning": CapacityProvisioning(
                "queued-provisioning.gke.io", pools=frozenset({"h100", "not-a-pool"})
            )
        }
    )
    (config,) = _docs(planned.graph, "ProvisioningRequestConfig")
    assert config["spec"]["provisioningClassName"] == "queued-provisioning.gke.io"
    for queue in _docs(planned.graph, "ClusterQueue"):
        assert queue["spec"]["admissionChecksStrategy"]["admissionChecks"][0]["onFlavors"] == ["gpu-h100"]
    none = plan_addons(
        handle_facts={
            "capacity_provisioning": CapacityProvisioning(
                "queued-provisioning.gke.io", pools=frozenset({"system"})
            )
        }
    )  # a CPU pool: no GPU flavor to check
    assert not _docs(none.graph, "AdmissionCheck")


def test_an_autoscaler_without_the_v1_api_is_refused_before_registering() -> None:
    """The 1.30 autoscaler serves only ProvisioningRequest v1beta1; Kueue 0.19 creates v1. No 1.30 image
    is pinned any more, so both problems are named, with the minors that do serve v1."""
    from lepton_infra.aws.autoscaler import Autoscaler, AutoscalerArgs

    args = AutoscalerArgs(
        cluster_name="c",
        kubernetes_version="1.30",
        region="us-east-1",
        oidc_provider_arn="arn",
        oidc_issuer="https://oidc",
        k8s_provider=None,  # type: ignore[arg-type]
        platform="p",
        provisioning_requests=True,
    )
    with pytest.raises(ComponentArgsError) as err:
        Autoscaler("a", args)
    assert "provisioning_requests" in str(err.value) and "use Kubernetes 1.33, 1.34" in str(err.value)
    assert "no cluster-autoscaler image is pinned" in str(err.value)


def test_jobs_whose_pods_never_get_ready_are_requeued(plan_stack) -> None:
    """A job admitted on a spot node that is reclaimed (or whose nodes never come) releases its quota and
    is requeued: Kueue's waitForPodsReady. Its timeout outlasts the autoscaler's node provision time,
    so a slow GPU boot is not mistaken for a lost node."""
    graph = plan_stack(PLATFORM_STACK_DIR, "aws-prod")
    config = yaml.safe_load(
        _release(graph, "kueue").get("values")["managerConfig"]["controllerManagerConfigYaml"]
    )
    ready = config["waitForPodsReady"]
    minutes = {k: int(ready[k].removesuffix("m")) for k in ("timeout", "recoveryTimeout")}
    provision = _release(graph, "cluster-autoscaler").get("values")["extraArgs"]["max-node-provision-time"]
    assert minutes["timeout"] > int(provision.removesuffix("m"))
    assert 0 < minutes["recoveryTimeout"] <= minutes["timeout"]
    assert ready["blockAdmission"] is False  # one slow job must not stop every other queue
    assert ready["requeuingStrategy"]["timestamp"] == "Eviction"
    assert "backoffLimitCount" not in ready["requeuingStrategy"]  # requeued until it runs


def test_workload_priority_classes_order_preemption(plan_stack) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, "aws-prod")
    values = {d["metadata"]["name"]: d["value"] for d in _docs(graph, "WorkloadPriorityClass")}
    assert values["training-low"] < values["batch"] < values["urgent"]
    assert values["batch"] == 0  # a job with no priority class gets 0: batch is the default, stated
    for queue in _docs(graph, "ClusterQueue"):
        assert queue["spec"]["preemption"]["withinClusterQueue"] == "LowerPriority"  # what the values order


def _validate(doc: dict[str, Any]) -> None:
    kind = CRDS["kinds"][doc["kind"]]
    assert ("namespace" in doc["metadata"]) == (kind["scope"] == "Namespaced"), doc["metadata"]
    jsonschema.validate({k: v for k, v in doc.items() if k != "metadata"}, kind["schema"])


@pytest.mark.parametrize("stack", PROD_STACKS)
def test_every_kueue_object_validates_against_the_pinned_crds(stack: str, plan_stack) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    docs = [d for kind in KINDS for d in _docs(graph, kind)]
    for doc in docs:
        assert doc["apiVersion"] == KUEUE
        _validate(doc)
    assert {d["kind"] for d in docs} >= {
        "ResourceFlavor",
        "ClusterQueue",
        "LocalQueue",
        "WorkloadPriorityClass",
    }
    flavors = {d["metadata"]["name"] for d in docs if d["kind"] == "ResourceFlavor"}
    checks = {d["metadata"]["name"] for d in docs if d["kind"] == "AdmissionCheck"}
    for queue in (d for d in docs if d["kind"] == "ClusterQueue"):
        for rule in queue["spec"].get("admissionChecksStrategy", {}).get("admissionChecks", []):
            assert rule["name"] in checks and set(rule["onFlavors"]) <= flavors


def test_the_new_crd_checks_can_fail() -> None:
    planned = plan_addons(handle_facts={"capacity_provisioning": CapacityProvisioning("x")})
    (config,) = _docs(planned.graph, "ProvisioningRequestConfig")
    config["spec"]["podSetMergePolicy"] = "Always"
    with pytest.raises(jsonschema.ValidationError):
        _validate(config)
    (priority, *_) = _docs(planned.graph, "WorkloadPriorityClass")
    del priority["value"]
    with pytest.raises(jsonschema.ValidationError):
        _validate(priority)


def test_the_documented_job_names_a_priority_class_the_platform_creates(plan_stack) -> None:
    from tests.kubernetes.test_k8s_kueue import _doc_job

    label = _doc_job()["metadata"]["labels"]["kueue.x-k8s.io/priority-class"]
    graph = plan_stack(PLATFORM_STACK_DIR, "aws-prod")
    assert label in {d["metadata"]["name"] for d in _docs(graph, "WorkloadPriorityClass")}
