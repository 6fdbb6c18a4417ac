"""PlatformAddons: the handle's provider everywhere, explicit and minimal ordering, object counts."""

from __future__ import annotations

from collections import Counter

import pulumi
import pulumi_kubernetes as k8s
import pytest

from lepton_infra.kubernetes import build_addons
from lepton_infra.plan.engine import plan_program
from tests.kubernetes.conftest import ADDONS, plan_addons
from tests.kubernetes.harness import STRICT_PROVIDERS, RecordingBinder, load_spec, make_handle
from tests.kubernetes.manifests import chart_name

# The aws-prod spec these plans start from refuses tag-only images (services[].image).
DIGEST = "sha256:" + "0" * 64

RELEASE = "kubernetes:helm.sh/v3:Release"
NODE_POOL = "test:nodes:Pool"
NOT_POOLS = {"cluster-autoscaler", "storage-class"}  # the harness's stand-ins for other dependencies


def kind_counts(planned, component_urn: str) -> Counter:
    return Counter(
        r.type.rsplit(":", 1)[1]
        for r in planned.graph.descendants(component_urn)
        if r.type.startswith("kubernetes:")
    )


def test_every_kubernetes_object_uses_the_handles_provider(prod) -> None:
    provider = prod.graph.one("pulumi:providers:kubernetes", "cluster-k8s")
    objects = [r for r in prod.graph.managed if r.type.startswith("kubernetes:")]
    assert objects
    assert {r.provider for r in objects} == {provider.urn}


def test_tenant_objects_per_tenant(prod) -> None:
    tenant = prod.graph.one("lepton:k8s:Tenant", f"{ADDONS}-tenant-research")
    assert kind_counts(prod, tenant.urn) == Counter(
        {
            "NetworkPolicy": 6,
            "Namespace": 1,
            "ResourceQuota": 2,
            "LimitRange": 1,
            "Role": 1,
            "RoleBinding": 1,
            "ServiceAccount": 1,
        }
    )


@pytest.mark.parametrize(
    ("svc", "scaling"),
    [
        ("sentiment", {"HTTPScaledObject": 1, "NetworkPolicy": 1}),
        ("embeddings", {"ScaledObject": 1, "NetworkPolicy": 1}),
    ],
)
def test_objects_per_service(prod, svc: str, scaling: dict[str, int]) -> None:
    service = prod.graph.one("lepton:k8s:InferenceService", f"{ADDONS}-svc-{svc}")
    assert kind_counts(prod, service.urn) == Counter(
        {"Deployment": 1, "Service": 1, "PodDisruptionBudget": 1, "ServiceMonitor": 1, **scaling}
    )


def test_keda_objects(prod) -> None:
    keda = prod.graph.one("lepton:k8s:Keda", f"{ADDONS}-keda")
    assert kind_counts(prod, keda.urn) == Counter({"Namespace": 1, "Release": 2})


def test_releases_wait_for_the_node_pools(prod) -> None:
    pools = {r.urn for r in prod.graph.of_type(NODE_POOL) if r.name not in NOT_POOLS}
    releases = prod.graph.of_type(RELEASE)
    assert sorted(chart_name(r) for r in releases) == [
        "gpu-operator",
        "keda",
        "keda-add-ons-http",
        "kube-prometheus-stack",
        "kueue",
        "metrics-server",
    ]
    for release in releases:
        assert pools <= set(release.dependencies), release.name


def test_only_workloads_wait_for_the_autoscaler(prod) -> None:
    autoscaler = prod.graph.one(NODE_POOL, "cluster-autoscaler").urn
    for release in prod.graph.of_type(RELEASE):
        assert autoscaler not in release.dependencies, release.name
    for name in ("sentiment", "embeddings"):
        deployment = prod.graph.one("kubernetes:apps/v1:Deployment", f"{ADDONS}-svc-{name}-deployment")
        assert autoscaler in deployment.dependencies


def test_only_volume_owners_wait_for_storage(prod) -> None:
    storage = prod.graph.one(NODE_POOL, "storage-class").urn
    waiting = {r.name for r in prod.graph.managed if storage in r.dependencies}
    assert waiting == {f"{ADDONS}-observability-kube-prometheus-stack"}


def test_releases_install_in_parallel(prod) -> None:
    """Except the HTTP add-on, which needs KEDA's CRDs, and Kueue, whose chart renders a ServiceMonitor:
    exactly those edges between releases."""
    releases = {r.urn: r for r in prod.graph.of_type(RELEASE)}
    edges = {(r.name, releases[d].name) for r in releases.values() for d in r.dependencies if d in releases}
    assert edges == {
        (f"{ADDONS}-keda-http-add-on", f"{ADDONS}-keda-operator"),
        (f"{ADDONS}-kueue-controller", f"{ADDONS}-observability-kube-prometheus-stack"),
    }


def test_tenants_wait_for_nothing_but_their_own_objects(prod) -> None:
    for tenant in prod.graph.of_type("lepton:k8s:Tenant"):
        inside = {r.urn for r in prod.graph.descendants(tenant.urn)}
        for resource in prod.graph.descendants(tenant.urn):
            assert set(resource.dependencies) <= inside, resource.name


def test_gpu_workloads_wait_for_the_gpu_stack_and_nodes(prod) -> None:
    operator = prod.graph.one(RELEASE, f"{ADDONS}-gpu-operator")
    pools = {r.urn for r in prod.graph.of_type(NODE_POOL) if r.name not in NOT_POOLS}
    for name in ("sentiment", "embeddings"):
        deployment = prod.graph.one("kubernetes:apps/v1:Deployment", f"{ADDONS}-svc-{name}-deployment")
        assert operator.urn in deployment.dependencies
        assert pools <= set(deployment.dependencies)


def test_workloads_do_not_wait_for_unrelated_releases(prod) -> None:
    kps = prod.graph.one(RELEASE, f"{ADDONS}-observability-kube-prometheus-stack")
    keda = prod.graph.one(RELEASE, f"{ADDONS}-keda-operator")
    http = prod.graph.one(RELEASE, f"{ADDONS}-keda-http-add-on")
    deployment = prod.graph.one("kubernetes:apps/v1:Deployment", f"{ADDONS}-svc-sentiment-deployment")
    assert kps.urn not in deployment.dependencies
    assert keda.urn not in deployment.dependencies
    assert http.urn not in deployment.dependencies


def test_custom_resources_wait_for_their_crd_owner(prod) -> None:
    kps = prod.graph.one(RELEASE, f"{ADDONS}-observability-kube-prometheus-stack")
    for monitor in prod.graph.of_type("kubernetes:monitoring.coreos.com/v1:ServiceMonitor"):
        assert kps.urn in monitor.dependencies
    http = prod.graph.one(RELEASE, f"{ADDONS}-keda-http-add-on")
    scaler = prod.graph.one(
        "kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject", f"{ADDONS}-svc-sentiment-http-scaler"
    )
    assert http.urn in scaler.dependencies
    # The object also waits for what it points at (the Deployment it scales, the Service it routes to).
    for kind, role in (("apps/v1:Deployment", "deployment"), ("core/v1:Service", "service")):
        assert (
            prod.graph.one(f"kubernetes:{kind}", f"{ADDONS}-svc-sentiment-{role}").urn in scaler.dependencies
        )


def test_http_add_on_waits_for_keda(prod) -> None:
    keda = prod.graph.one(RELEASE, f"{ADDONS}-keda-operator")
    http = prod.graph.one(RELEASE, f"{ADDONS}-keda-http-add-on")
    assert keda.urn in http.dependencies
    assert (http.get("chart"), http.get("namespace")) == ("keda-add-ons-http", "keda")
    assert http.get("repositoryOpts.repo") == "https://kedacore.github.io/charts"
    assert http.get("version") == "0.15.0"
    assert http.get("values.crds.install") is True
    assert http.get("values.interceptor.proxy") == {"service": "interceptor-proxy", "port": 8080}
    # Where 0.15's interceptor serves its readiness (/readyz), which the load balancers check.
    assert http.get("values.interceptor.admin") == {"port": 9090}


def test_interceptor_waits_for_a_gpu_cold_start_and_slow_answers(prod) -> None:
    http = prod.graph.one(RELEASE, f"{ADDONS}-keda-http-add-on")
    # 0.15 reads `readinessTimeout` (`replicas.waitTimeout` is only its deprecated fallback).
    assert http.get("values.interceptor.readinessTimeout") == "20m"
    assert http.get("values.interceptor.replicas") is None
    assert http.get("values.interceptor.responseHeaderTimeout") == "120s"


def test_queue_length_scale_to_zero_gets_keda_without_the_http_add_on() -> None:
    planned = plan_addons(
        services=[
            {
                "name": "batcher",
                "tenant": "research",
                "image": f"ghcr.io/acme/batch:3@{DIGEST}",
                "gpu": {"type": "l4"},
                "replicas": {"min": 0, "max": 3},
                "scaling": {"metric": "queue_length", "target": 5},
            }
        ]
    )
    assert {r.get("chart") for r in planned.graph.of_type(RELEASE)} >= {"keda"}
    assert "keda-add-ons-http" not in {r.get("chart") for r in planned.graph.of_type(RELEASE)}
    keda = planned.graph.one(RELEASE, f"{ADDONS}-keda-operator")
    scaler = planned.graph.one("kubernetes:keda.sh/v1alpha1:ScaledObject", f"{ADDONS}-svc-batcher-scaler")
    assert keda.urn in scaler.dependencies
    assert not planned.graph.of_type("kubernetes:http.keda.sh/v1alpha1:HTTPScaledObject")


def test_running_services_get_keda_but_not_its_http_add_on() -> None:
    """Every service scales through KEDA; only scale-to-zero on request rate needs the HTTP add-on."""
    planned = plan_addons(
        services=[
            {
                "name": "embeddings",
                "tenant": "serving",
                "image": f"ghcr.io/acme/embeddings:2.0@{DIGEST}",
                "gpu": {"type": "l4"},
                "replicas": {"min": 2, "max": 4},
            }
        ]
    )
    charts = {r.get("chart") for r in planned.graph.of_type(RELEASE)}
    assert "keda" in charts and "keda-add-ons-http" not in charts


def test_caller_parent_is_kept_and_handle_provider_wins() -> None:
    spec = load_spec()

    def program() -> None:
        parent = pulumi.ComponentResource("test:index:Platform", "platform")
        stray = k8s.Provider("stray-k8s", kubeconfig=pulumi.Output.secret("{}"))
        handle = make_handle(RecordingBinder())
        build_addons(spec, handle, pulumi.ResourceOptions(parent=parent, providers=[stray]))

    graph = plan_program(program, STRICT_PROVIDERS)
    addons = graph.one("lepton:k8s:PlatformAddons")
    assert addons.parent == graph.one("test:index:Platform").urn
    provider = graph.one("pulumi:providers:kubernetes", "cluster-k8s").urn
    assert {r.provider for r in graph.managed if r.type.startswith("kubernetes:")} == {provider}


def test_child_names_are_stable(prod) -> None:
    names = sorted(r.name for r in prod.graph.managed if r.type.startswith("lepton:k8s:"))
    assert names == [
        "acme-ai-k8s",
        "acme-ai-k8s-gpu",
        "acme-ai-k8s-keda",
        "acme-ai-k8s-kueue",
        "acme-ai-k8s-metrics-server",
        "acme-ai-k8s-model-serving-qwen2-5-7b-instruct",
        "acme-ai-k8s-observability",
        "acme-ai-k8s-svc-chat",
        "acme-ai-k8s-svc-embeddings",
        "acme-ai-k8s-svc-sentiment",
        "acme-ai-k8s-tenant-research",
        "acme-ai-k8s-tenant-serving",
    ]


def test_outputs_name_namespaces_and_autoscalers(prod) -> None:
    outputs = prod.graph.one("lepton:k8s:PlatformAddons").outputs
    assert outputs["monitoring_namespace"] == "monitoring"
    assert outputs["tenant_namespaces"] == {"research": "research", "serving": "serving"}
    assert outputs["service_autoscalers"] == {
        "sentiment": "keda-http",
        "embeddings": "keda",
        "chat": "keda-http",
    }


def test_outputs_name_service_endpoints(prod) -> None:
    endpoints = prod.graph.one("lepton:k8s:PlatformAddons").outputs["service_endpoints"]
    # Scale to zero on request rate: through the interceptor, routed by the Host header.
    assert endpoints["sentiment"] == {
        "url": "http://keda-add-ons-http-interceptor-proxy.keda.svc:8080/predict",
        "host": "sentiment.research",
    }
    assert endpoints["embeddings"] == {
        "url": "http://embeddings.serving.svc:80/predict",
        "host": "embeddings.serving.svc",
    }


def test_metrics_server_only_where_the_cloud_lacks_one(prod) -> None:
    release = prod.graph.one(RELEASE, f"{ADDONS}-metrics-server-release")
    assert (release.get("chart"), release.get("namespace")) == ("metrics-server", "kube-system")
    planned = plan_addons(metrics_server_installed=True)
    assert not planned.graph.of_type("lepton:k8s:MetricsServer")
