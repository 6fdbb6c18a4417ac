"""The GPU stack installs only what the handle's GPU facts say is missing; DCGM is always scraped."""

from __future__ import annotations

import pytest

from lepton_infra.core.cluster_handle import ExporterPods, GpuFacts
from lepton_infra.kubernetes.gpu_stack import GpuOperatorToggles, gpu_operator_toggles
from lepton_infra.kubernetes.observability.alerts import gpu_alert_rules
from tests.kubernetes.conftest import plan_addons
from tests.kubernetes.manifests import chart_name

# The aws-prod spec these plans start from refuses tag-only images (services[].image).
DIGEST = "sha256:" + "0" * 64

RELEASE = "kubernetes:helm.sh/v3:Release"
SERVICE_MONITOR = "kubernetes:monitoring.coreos.com/v1:ServiceMonitor"
G = "acme-ai-k8s-gpu"


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        # EKS NVIDIA AMI: driver and toolkit in the image, no device plugin, no exporter.
        (
            GpuFacts(driver_installed=True, device_plugin_installed=False),
            GpuOperatorToggles(False, False, True, True),
        ),
        # GKE with managed drivers and device plugin, managed DCGM.
        (GpuFacts(True, True, True), GpuOperatorToggles(False, False, False, False)),
        # A plain image: the operator installs everything.
        (GpuFacts(False, False, False), GpuOperatorToggles(True, True, True, True)),
    ],
)
def test_toggles_follow_the_facts(facts: GpuFacts, expected: GpuOperatorToggles) -> None:
    assert gpu_operator_toggles(facts) == expected


def test_operator_release_pinned_with_toggles_in_values(prod) -> None:
    release = prod.graph.one(RELEASE, f"{G}-operator")
    assert release.get("chart") == "gpu-operator"
    assert release.get("version") == "v26.7.0"
    assert release.get("repositoryOpts.repo") == "https://helm.ngc.nvidia.com/nvidia"
    assert release.get("namespace") == "gpu-operator"
    assert release.get("values.driver.enabled") is False
    assert release.get("values.toolkit.enabled") is False
    assert release.get("values.devicePlugin.enabled") is True
    assert release.get("values.dcgmExporter.enabled") is True


def test_operands_tolerate_the_gpu_taint(prod) -> None:
    tolerations = prod.graph.one(RELEASE, f"{G}-operator").get("values.daemonsets.tolerations")
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in tolerations


def test_gpu_operator_namespace_is_privileged(prod) -> None:
    labels = prod.graph.one("kubernetes:core/v1:Namespace", f"{G}-namespace").get("metadata.labels")
    assert labels["pod-security.kubernetes.io/enforce"] == "privileged"


def test_dcgm_service_monitor_scrapes_the_operator_exporter(prod) -> None:
    monitor = prod.graph.one(SERVICE_MONITOR, f"{G}-dcgm-monitor")
    assert monitor.get("metadata.namespace") == "gpu-operator"
    assert monitor.get("spec.selector.matchLabels") == {"app": "nvidia-dcgm-exporter"}
    assert monitor.get("spec.namespaceSelector") == {"matchNames": ["gpu-operator"]}
    assert monitor.get("spec.endpoints.0.port") == "gpu-metrics"


def test_dcgm_service_monitor_waits_for_its_crd_and_the_operator(prod) -> None:
    monitor = prod.graph.one(SERVICE_MONITOR, f"{G}-dcgm-monitor")
    kps = prod.graph.one(RELEASE, "acme-ai-k8s-observability-kube-prometheus-stack")
    operator = prod.graph.one(RELEASE, f"{G}-operator")
    assert kps.urn in monitor.dependencies
    assert operator.urn in monitor.dependencies


def test_cloud_exporter_is_not_duplicated() -> None:
    planned = plan_addons(
        facts=GpuFacts(driver_installed=True, device_plugin_installed=False, dcgm_exporter_installed=True)
    )
    release = planned.graph.one(RELEASE, f"{G}-operator")
    assert release.get("values.devicePlugin.enabled") is True
    assert release.get("values.dcgmExporter.enabled") is False


def test_everything_cloud_managed_no_operator_but_still_scraped() -> None:
    planned = plan_addons(
        facts=GpuFacts(driver_installed=True, device_plugin_installed=True, dcgm_exporter_installed=True)
    )
    assert "gpu-operator" not in {r.get("chart") for r in planned.graph.of_type(RELEASE)}
    monitor = planned.graph.one(SERVICE_MONITOR, f"{G}-dcgm-monitor")
    assert monitor.get("spec.namespaceSelector") == {"any": True}
    kps = planned.graph.one(RELEASE, "acme-ai-k8s-observability-kube-prometheus-stack")
    assert kps.urn in monitor.dependencies
    deployment = planned.graph.one("kubernetes:apps/v1:Deployment", "acme-ai-k8s-svc-sentiment-deployment")
    pools = {r.urn for r in planned.graph.of_type("test:nodes:Pool") if r.name != "storage-class"}
    assert pools <= set(deployment.dependencies)


def test_no_gpu_pools_no_gpu_stack() -> None:
    planned = plan_addons(
        node_pools=[{"name": "system", "cpu": "standard-4", "min": 2, "max": 4}],
        tenants=[{"name": "research", "admins": ["research-admins"]}],
        services=[
            {
                "name": "tokenizer",
                "tenant": "research",
                "image": f"ghcr.io/acme/tok:1.0@{DIGEST}",
                "replicas": {"min": 2, "max": 2},
            }
        ],
        jobs={"enabled": False},
    )
    assert not planned.graph.of_type("lepton:k8s:GpuStack")
    assert sorted(chart_name(r) for r in planned.graph.of_type(RELEASE)) == [
        "keda",
        "kube-prometheus-stack",
        "metrics-server",
    ]


def test_cloud_exporter_pods_are_scraped_where_the_cloud_runs_them() -> None:
    """A cloud exporter without a Service (GKE's managed DCGM exporter) is scraped by a PodMonitor on its
    namespace, pod labels and named port; with every piece cloud-run, no privileged namespace is made."""
    pods = ExporterPods(
        namespace="gke-managed-system",
        pod_labels={"app.kubernetes.io/name": "gke-managed-dcgm-exporter"},
        port="metrics",
        metrics=frozenset({"DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_FB_FREE"}),
    )
    planned = plan_addons(facts=GpuFacts(True, True, True, dcgm_exporter=pods))
    monitor = planned.graph.one("kubernetes:monitoring.coreos.com/v1:PodMonitor", f"{G}-cloud-dcgm-monitor")
    assert monitor.get("metadata.namespace") == "monitoring"
    assert monitor.get("spec.namespaceSelector") == {"matchNames": ["gke-managed-system"]}
    assert monitor.get("spec.selector") == {
        "matchLabels": {"app.kubernetes.io/name": "gke-managed-dcgm-exporter"}
    }
    endpoint = monitor.get("spec.podMetricsEndpoints.0")
    assert (endpoint["port"], endpoint["path"]) == ("metrics", "/metrics")
    assert endpoint["relabelings"][0]["targetLabel"] == "node"
    kps = planned.graph.one(RELEASE, "acme-ai-k8s-observability-kube-prometheus-stack")
    assert kps.urn in monitor.dependencies
    assert f"{G}-dcgm-monitor" not in {m.name for m in planned.graph.of_type(SERVICE_MONITOR)}
    namespaces = {n.get("metadata.name") for n in planned.graph.of_type("kubernetes:core/v1:Namespace")}
    assert "gpu-operator" not in namespaces
    rule = planned.graph.one(
        "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "acme-ai-k8s-observability-gpu-rules"
    )
    alerts = {r["alert"] for g in rule.get("spec.groups") for r in g["rules"]}
    assert "GpuXidError" not in alerts and {"GpuIdle", "GpuMemoryNearFull"} <= alerts


def test_alert_rules_keep_only_fields_the_exporter_serves() -> None:
    every = {r.name for r in gpu_alert_rules(10)}
    assert "GpuXidError" in every
    served = {r.name for r in gpu_alert_rules(10, exported={"DCGM_FI_DEV_GPU_UTIL"})}
    # kube-state-metrics rules read no DCGM field and always stay.
    assert served == {"GpuIdle", "GpuPodPending", "GpuMetricsMissing"}
