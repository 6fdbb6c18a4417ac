"""Inference services: hardened pods on the right GPUs, probes, resources, and HPA vs KEDA."""

from __future__ import annotations

import pytest

from lepton_infra.kubernetes.autoscaling import autoscaler_for
from tests.kubernetes.conftest import plan_addons

S = "acme-ai-k8s-svc-sentiment"     # min 0 -> KEDA
E = "acme-ai-k8s-svc-embeddings"    # min 1 -> HPA
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject"


def pod(prod, svc: str = S) -> dict:
    return prod.graph.one(DEPLOYMENT, f"{svc}-deployment").get("spec.template.spec")


def test_deployment_in_the_tenant_namespace_with_the_image(prod) -> None:
    deployment = prod.graph.one(DEPLOYMENT, f"{S}-deployment")
    assert deployment.get("metadata.namespace") == "research"
    assert deployment.get("spec.template.spec.containers.0.image") == "ghcr.io/acme/sentiment:1.4"
    assert deployment.get("spec.template.spec.containers.0.ports.0.containerPort") == 5000


@pytest.mark.parametrize(("field", "value"), [
    ("allowPrivilegeEscalation", False), ("privileged", False), ("readOnlyRootFilesystem", True),
    ("runAsNonRoot", True), ("capabilities", {"drop": ["ALL"]}), ("seccompProfile", {"type": "RuntimeDefault"}),
])
def test_container_security_context(prod, field: str, value: object) -> None:
    for container in pod(prod)["containers"]:
        assert container["securityContext"][field] == value


def test_pod_security_context_is_non_root_with_runtime_default_seccomp(prod) -> None:
    ctx = pod(prod)["securityContext"]
    assert ctx["runAsNonRoot"] is True
    assert ctx["runAsUser"] != 0
    assert ctx["seccompProfile"] == {"type": "RuntimeDefault"}


def test_pod_runs_as_the_tenant_workload_identity_without_api_token(prod) -> None:
    spec = pod(prod)
    assert spec["serviceAccountName"] == "workload"
    assert spec["automountServiceAccountToken"] is False


def test_identity_pod_labels_reach_the_pod_template(prod) -> None:
    labels = prod.graph.one(DEPLOYMENT, f"{S}-deployment").get("spec.template.metadata.labels")
    assert labels["azure.workload.identity/use"] == "true"


def test_gpu_request_equals_limit(prod) -> None:
    resources = pod(prod)["containers"][0]["resources"]
    assert resources["requests"]["nvidia.com/gpu"] == "1"
    assert resources["limits"]["nvidia.com/gpu"] == "1"
    assert resources["requests"] == resources["limits"]


@pytest.mark.parametrize("svc", [S, E])
def test_every_container_has_cpu_and_memory_requests_and_limits(prod, svc: str) -> None:
    for container in pod(prod, svc)["containers"]:
        for kind in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(container["resources"][kind])


def test_tolerates_the_gpu_taint(prod) -> None:
    assert pod(prod)["tolerations"] == [
        {"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}]


def test_requires_a_node_with_the_gpu_type(prod) -> None:
    terms = pod(prod)["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    assert terms["nodeSelectorTerms"] == [{"matchExpressions": [
        {"key": "lepton.ai/gpu-type", "operator": "In", "values": ["l4"]}]}]


@pytest.mark.parametrize("probe", ["readinessProbe", "livenessProbe", "startupProbe"])
def test_probes_on_the_health_path(prod, probe: str) -> None:
    assert pod(prod)["containers"][0][probe]["httpGet"] == {"path": "/healthz", "port": "http"}


def test_cpu_service_has_no_gpu_scheduling() -> None:
    planned = plan_addons(services=[{"name": "tokenizer", "tenant": "research",
                                     "image": "ghcr.io/acme/tok:1.0", "replicas": {"min": 1, "max": 2}}])
    spec = planned.graph.one(DEPLOYMENT, "acme-ai-k8s-svc-tokenizer-deployment").get("spec.template.spec")
    assert "tolerations" not in spec and "affinity" not in spec
    assert "nvidia.com/gpu" not in spec["containers"][0]["resources"]["limits"]


def test_service_targets_the_named_port(prod) -> None:
    service = prod.graph.one("kubernetes:core/v1:Service", f"{S}-service")
    assert service.get("spec.type") == "ClusterIP"
    assert service.get("spec.ports.0.targetPort") == "http"
    assert service.get("spec.selector") == prod.graph.one(DEPLOYMENT, f"{S}-deployment").get(
        "spec.selector.matchLabels")


def test_disruption_budget_lets_one_replica_go(prod) -> None:
    pdb = prod.graph.one("kubernetes:policy/v1:PodDisruptionBudget", f"{S}-pdb")
    assert pdb.get("spec.maxUnavailable") == 1


@pytest.mark.parametrize(("min_replicas", "kind"), [(0, "keda"), (1, "hpa"), (3, "hpa")])
def test_autoscaler_choice(min_replicas: int, kind: str) -> None:
    assert autoscaler_for(min_replicas) == kind


def test_scale_to_zero_service_gets_a_scaled_object_and_no_hpa(prod) -> None:
    assert [r.name for r in prod.graph.of_type(SCALED_OBJECT)] == [f"{S}-scaler"]
    assert [r.name for r in prod.graph.of_type(HPA)] == [f"{E}-hpa"]


def test_scaled_object_scales_from_zero_on_request_rate(prod) -> None:
    spec = prod.graph.one(SCALED_OBJECT, f"{S}-scaler").get("spec")
    assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "sentiment"}
    assert spec["minReplicaCount"] == 0
    assert spec["maxReplicaCount"] == 10
    trigger = spec["triggers"][0]
    assert trigger["type"] == "prometheus"
    assert trigger["metadata"]["serverAddress"] == "http://kps-prometheus.monitoring.svc:9090"
    assert trigger["metadata"]["query"] == \
        'sum(rate(http_requests_total{namespace="research",service="sentiment"}[2m]))'
    assert trigger["metadata"]["threshold"] == "10"


def test_queue_length_scaling() -> None:
    raw_services = [{"name": "batcher", "tenant": "research", "image": "ghcr.io/acme/batch:3",
                     "gpu": {"type": "l4", "count": 1}, "replicas": {"min": 0, "max": 3},
                     "scaling": {"metric": "queue_length", "target": 5}}]
    planned = plan_addons(services=raw_services)
    trigger = planned.graph.one(SCALED_OBJECT, "acme-ai-k8s-svc-batcher-scaler").get("spec.triggers.0")
    assert trigger["metadata"]["query"] == 'sum(lepton_queue_length{namespace="research",service="batcher"})'
    assert trigger["metadata"]["threshold"] == "5"


def test_hpa_scales_on_cpu_between_min_and_max(prod) -> None:
    spec = prod.graph.one(HPA, f"{E}-hpa").get("spec")
    assert spec["scaleTargetRef"]["name"] == "embeddings"
    assert (spec["minReplicas"], spec["maxReplicas"]) == (1, 6)
    assert spec["metrics"][0]["resource"] == {"name": "cpu", "target": {"type": "Utilization",
                                                                        "averageUtilization": 70}}


def test_autoscaler_owns_replicas(prod) -> None:
    for svc, replicas in ((S, 0), (E, 1)):
        deployment = prod.graph.one(DEPLOYMENT, f"{svc}-deployment")
        assert deployment.ignore_changes == ["spec.replicas"]
        assert deployment.get("spec.replicas") == replicas
