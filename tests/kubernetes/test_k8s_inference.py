"""Inference services: hardened pods on the right GPUs, probes, resources, and HPA vs KEDA."""

from __future__ import annotations

import pytest

from lepton_infra.kubernetes.serving.autoscaling import autoscaler_for, http_scaled_object_spec
from tests.kubernetes.conftest import plan_addons

# The aws-prod spec these plans start from refuses tag-only images (services[].image).
DIGEST = "sha256:" + "0" * 64

S = "acme-ai-k8s-svc-sentiment"  # min 0 on request rate -> KEDA HTTP add-on
E = "acme-ai-k8s-svc-embeddings"  # min 1 -> HPA
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject"
HTTP_SCALED_OBJECT = "kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"


def pod(prod, svc: str = S) -> dict:
    return prod.graph.one(DEPLOYMENT, f"{svc}-deployment").get("spec.template.spec")


def test_deployment_in_the_tenant_namespace_with_the_image(prod) -> None:
    deployment = prod.graph.one(DEPLOYMENT, f"{S}-deployment")
    assert deployment.get("metadata.namespace") == "research"
    image = deployment.get("spec.template.spec.containers.0.image")
    assert image.startswith("ghcr.io/acme/sentiment:1.4@sha256:") and len(image.rsplit(":", 1)[1]) == 64
    assert deployment.get("spec.template.spec.containers.0.ports.0.containerPort") == 5000


def test_digest_images_pull_if_not_present_and_tags_always(prod) -> None:
    """A digest is fixed content (a cached copy is the image); a tag may have moved since the node
    pulled it, so dev's tag-only images are pulled again on every pod start."""
    assert pod(prod)["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    dev = plan_addons("aws-dev")
    container = pod(dev)["containers"][0]
    assert "@sha256:" not in container["image"]
    assert container["imagePullPolicy"] == "Always"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("allowPrivilegeEscalation", False),
        ("privileged", False),
        ("readOnlyRootFilesystem", True),
        ("runAsNonRoot", True),
        ("capabilities", {"drop": ["ALL"]}),
        ("seccompProfile", {"type": "RuntimeDefault"}),
    ],
)
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
        {"key": "nvidia.com/gpu", "operator": "Equal", "value": "present", "effect": "NoSchedule"}
    ]


def test_requires_a_node_with_the_gpu_type(prod) -> None:
    terms = pod(prod)["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
    # aws-prod's sentiment scales to zero: off the on-demand l4 pool, which holds embeddings (kept running)
    assert terms["nodeSelectorTerms"] == [
        {
            "matchExpressions": [
                {"key": "lepton.ai/gpu-type", "operator": "In", "values": ["l4"]},
                {"key": "lepton.ai/pool", "operator": "In", "values": ["l4-spot"]},
            ]
        }
    ]


@pytest.mark.parametrize("probe", ["readinessProbe", "livenessProbe", "startupProbe"])
def test_probes_on_the_health_path(prod, probe: str) -> None:
    assert pod(prod)["containers"][0][probe]["httpGet"] == {"path": "/healthz", "port": "http"}


def test_cpu_service_has_no_gpu_scheduling() -> None:
    planned = plan_addons(
        services=[
            {
                "name": "tokenizer",
                "tenant": "research",
                "image": f"ghcr.io/acme/tok:1.0@{DIGEST}",
                "replicas": {"min": 2, "max": 2},
            }
        ]
    )
    spec = planned.graph.one(DEPLOYMENT, "acme-ai-k8s-svc-tokenizer-deployment").get("spec.template.spec")
    assert "tolerations" not in spec
    # Kept running in prod (aws-prod): only the on-demand CPU pools, required; no GPU requirement.
    assert spec["affinity"] == {
        "nodeAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 100,
                    "preference": {
                        "matchExpressions": [
                            {"key": "lepton.ai/pool", "operator": "In", "values": ["system"]}
                        ]
                    },
                }
            ],
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "lepton.ai/pool", "operator": "In", "values": ["system"]}]}
                ]
            },
        }
    }
    assert "nvidia.com/gpu" not in spec["containers"][0]["resources"]["limits"]


def test_service_targets_the_named_port(prod) -> None:
    service = prod.graph.one("kubernetes:core/v1:Service", f"{S}-service")
    assert service.get("spec.type") == "ClusterIP"
    assert service.get("spec.ports.0.targetPort") == "http"
    assert service.get("spec.selector") == prod.graph.one(DEPLOYMENT, f"{S}-deployment").get(
        "spec.selector.matchLabels"
    )


def test_disruption_budget_lets_one_replica_go(prod) -> None:
    pdb = prod.graph.one("kubernetes:policy/v1:PodDisruptionBudget", f"{S}-pdb")
    assert pdb.get("spec.maxUnavailable") == 1


@pytest.mark.parametrize(
    ("min_replicas", "metric", "kind"),
    [
        (0, "requests_per_second", "keda-http"),
        (0, "queue_length", "keda"),
        (1, "requests_per_second", "keda"),
        (3, "queue_length", "keda"),
    ],
)
def test_autoscaler_choice(min_replicas: int, metric: str, kind: str) -> None:
    assert autoscaler_for(min_replicas, metric) == kind


def test_scale_to_zero_on_request_rate_gets_an_http_scaled_object_only(prod) -> None:
    # sentiment, and chat (the LLM service, scaling to zero too)
    assert [r.name for r in prod.graph.of_type(HTTP_SCALED_OBJECT)] == [
        "acme-ai-k8s-svc-chat-http-scaler",
        f"{S}-http-scaler",
    ]
    # No Prometheus-triggered ScaledObject for it: at zero replicas nothing would count the requests.
    assert [r.name for r in prod.graph.of_type(SCALED_OBJECT)] == [f"{E}-scaler"]
    assert not prod.graph.of_type(HPA)


def test_http_scaled_object_routes_and_scales_the_service(prod) -> None:
    obj = prod.graph.one(HTTP_SCALED_OBJECT, f"{S}-http-scaler")
    spec = obj.get("spec")
    assert obj.get("metadata.namespace") == "research"
    assert spec["hosts"] == ["sentiment.research"]
    assert spec["pathPrefixes"] == ["/predict"]
    assert spec["scaleTargetRef"] == {
        "name": "sentiment",
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "service": "sentiment",
        "port": 80,
    }
    assert spec["scaledownPeriod"] == 300


def test_http_scaled_object_scales_from_zero_to_max(prod) -> None:
    spec = prod.graph.one(HTTP_SCALED_OBJECT, f"{S}-http-scaler").get("spec")
    assert spec["replicas"] == {"min": 0, "max": 10}


def test_http_scaled_object_targets_the_request_rate_per_replica(prod) -> None:
    rate = prod.graph.one(HTTP_SCALED_OBJECT, f"{S}-http-scaler").get("spec.scalingMetric.requestRate")
    assert rate == {"targetValue": 10, "granularity": "1s", "window": "1m"}


@pytest.mark.parametrize(("target", "expected"), [(10.0, 10), (2.5, 3), (0.2, 1)])
def test_request_rate_target_is_a_whole_number(target: float, expected: int) -> None:
    spec = http_scaled_object_spec("d", "s", 80, ["h"], "/", 4, target)
    assert spec["scalingMetric"]["requestRate"]["targetValue"] == expected


def test_interceptor_may_reach_the_service_pods_on_their_port_only(prod) -> None:
    policy = prod.graph.one(NETPOL, f"{S}-from-interceptor")
    assert policy.get("metadata.namespace") == "research"
    assert policy.get("metadata.name") == "sentiment-from-interceptor"
    spec = policy.get("spec")
    assert spec["podSelector"] == {
        "matchLabels": prod.graph.one(DEPLOYMENT, f"{S}-deployment").get("spec.selector.matchLabels")
    }
    assert spec["policyTypes"] == ["Ingress"]
    assert spec["ingress"] == [
        {
            "from": [
                {
                    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "keda"}},
                    "podSelector": {"matchLabels": {"app.kubernetes.io/component": "interceptor"}},
                }
            ],
            "ports": [{"protocol": "TCP", "port": 5000}],
        }
    ]


def test_no_interceptor_policy_for_services_not_behind_it(prod) -> None:
    assert [r.name for r in prod.graph.of_type(NETPOL) if r.name.startswith(f"{E}-")] == [f"{E}-from-callers"]


def test_endpoint_output_names_the_interceptor_and_host(prod) -> None:
    outputs = prod.graph.one("lepton:k8s:InferenceService", S).outputs
    assert outputs["endpoint"] == {
        "url": "http://keda-add-ons-http-interceptor-proxy.keda.svc:8080/predict",
        "host": "sentiment.research",
    }
    assert outputs["autoscaler"] == "keda-http"


@pytest.fixture(scope="module")
def queue():
    """A scale-to-zero service on queue length: the queue's exporter publishes the length even at zero
    replicas, so a Prometheus-triggered ScaledObject does work here."""
    raw_services = [
        {
            "name": "batcher",
            "tenant": "research",
            "image": f"ghcr.io/acme/batch:3@{DIGEST}",
            "gpu": {"type": "l4", "count": 1},
            "replicas": {"min": 0, "max": 3},
            "scaling": {"metric": "queue_length", "target": 5},
        }
    ]
    return plan_addons(services=raw_services)


def test_queue_length_scales_from_zero_with_a_scaled_object(queue) -> None:
    spec = queue.graph.one(SCALED_OBJECT, "acme-ai-k8s-svc-batcher-scaler").get("spec")
    assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "batcher"}
    assert spec["minReplicaCount"] == 0
    assert spec["maxReplicaCount"] == 3
    assert not queue.graph.of_type(HTTP_SCALED_OBJECT)


def test_queue_length_trigger(queue) -> None:
    trigger = queue.graph.one(SCALED_OBJECT, "acme-ai-k8s-svc-batcher-scaler").get("spec.triggers.0")
    assert trigger["type"] == "prometheus"
    assert trigger["metadata"]["serverAddress"] == "http://kps-prometheus.monitoring.svc:9090"
    assert trigger["metadata"]["query"] == 'sum(lepton_queue_length{namespace="research",service="batcher"})'
    assert trigger["metadata"]["threshold"] == "5"


def test_queue_length_service_is_called_directly(queue) -> None:
    outputs = queue.graph.one("lepton:k8s:InferenceService", "acme-ai-k8s-svc-batcher").outputs
    assert outputs["endpoint"] == {
        "url": "http://batcher.research.svc:80/predict",
        "host": "batcher.research.svc",
    }
    assert not [r for r in queue.graph.of_type(NETPOL) if r.name.endswith("-from-interceptor")]


def test_queue_exporter_is_scraped_under_the_service_name(queue) -> None:
    monitor = queue.graph.one(
        "kubernetes:monitoring.coreos.com/v1:ServiceMonitor", "acme-ai-k8s-svc-batcher-queue-monitor"
    )
    assert monitor.get("metadata.name") == "batcher-queue"
    assert monitor.get("spec.selector") == {"matchLabels": {"lepton.ai/queue-of": "batcher"}}
    assert monitor.get("spec.endpoints.0.relabelings") == [
        {"action": "replace", "targetLabel": "service", "replacement": "batcher"}
    ]


def test_a_running_service_scales_on_its_metric_and_cpu(prod) -> None:
    so = prod.graph.one(SCALED_OBJECT, f"{E}-scaler")
    spec = so.get("spec")
    assert spec["scaleTargetRef"]["name"] == "embeddings"
    assert (spec["minReplicaCount"], spec["maxReplicaCount"]) == (2, 4)  # max 4: its on-demand pool
    assert spec["triggers"][0]["metadata"]["query"] == (
        'sum(rate(http_requests_total{namespace="serving",service="embeddings"}[2m]))'
    )
    assert spec["triggers"][1] == {"type": "cpu", "metricType": "Utilization", "metadata": {"value": "70"}}
    # KEDA's HPA takes over the plain HPA of the same name earlier versions created.
    assert spec["advanced"]["horizontalPodAutoscalerConfig"]["name"] == "embeddings"
    assert so.get("metadata.annotations") == {"scaledobject.keda.sh/transfer-hpa-ownership": "true"}


def test_autoscaler_owns_replicas(prod) -> None:
    for svc, replicas in ((S, 0), (E, 2)):
        deployment = prod.graph.one(DEPLOYMENT, f"{svc}-deployment")
        assert deployment.ignore_changes == ["spec.replicas"]
        assert deployment.get("spec.replicas") == replicas
