"""The platform's pods outrank tenant pods, and no tenant may name the platform's class (GCP review #2).

Tenant CPU work lands on the system pool (the only untainted one), at the priority of the platform's own
pods unless those name a class: then a full system pool stops the KEDA interceptor scaling out and an
atomic Helm upgrade surging. So every pod template of every platform release (the chart's default merged
with the values the plan records, as Helm merges them) and of every workload the platform renders outside
tenant namespaces runs at `lepton-platform` or at a built-in critical class, the release waits for the
PriorityClass, and every tenant namespace holds a zero-pod quota scoped to that class and the critical ones.

The pod templates are listed per pinned chart from its templates at the pinned tag (read 2026-12-07 from
the repositories named in core/data/chart_support.yaml): the key each template reads its
`priorityClassName` from, or none (a Helm hook Job whose template has no such key: named in
docs/kubernetes.md, "Platform priority").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from lepton_infra.core.chart_support import chart_support
from lepton_infra.kubernetes.charts import pinned as charts
from lepton_infra.kubernetes.charts.pinned import HelmChart
from lepton_infra.plan.record import PlannedGraph
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS
from tests.invariants.test_k8s_invariants import (
    HELM_RELEASE,
    POD_TEMPLATES,
    PRIORITY_CLASS,
    RESOURCE_QUOTA,
    release_priority_classes,
    tenant_namespaces,
)
from tests.kubernetes.manifests import chart_name
from tests.kubernetes.pins import pinned_name, subchart_names
from tests.kubernetes.test_k8s_chart_values import chart_keys

PLATFORM = "lepton-platform"
CRITICAL = {"system-node-critical", "system-cluster-critical"}
ALLOWED = {PLATFORM, *CRITICAL}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "kubernetes.md"


@dataclass(frozen=True)
class PodTemplate:
    name: str
    key: str | None  # where the template reads priorityClassName from, in its chart's values; None: nowhere
    subchart: str = ""  # the parent's key holding the subchart's values (the key is the subchart's)

    @property
    def path(self) -> str:
        return f"{self.subchart}.{self.key}" if self.subchart else str(self.key)


KPS = pinned_name("kube-prometheus-stack")
GPU_OPERATOR = pinned_name("gpu-operator")
TEMPLATES: dict[str, tuple[PodTemplate, ...]] = {
    # templates/prometheus-operator/deployment.yaml, admission-webhooks/{deployment,job-patch}/*.yaml,
    # prometheus/prometheus.yaml, alertmanager/alertmanager.yaml, thanos-ruler/ruler.yaml (the operator
    # writes the CR's class into the StatefulSet); grafana 12.11.1 templates/_pod.tpl and
    # image-renderer-deployment.yaml; kube-state-metrics 8.4.0 and prometheus-node-exporter 4.56.1
    # templates/deployment.yaml, daemonset.yaml; charts/crds/templates/upgrade/job.yaml has no key.
    KPS: (
        PodTemplate("prometheus-operator", "prometheusOperator.priorityClassName"),
        PodTemplate("admission-webhook", "prometheusOperator.admissionWebhooks.deployment.priorityClassName"),
        PodTemplate("admission-webhook-jobs", "prometheusOperator.admissionWebhooks.patch.priorityClassName"),
        PodTemplate("prometheus", "prometheus.prometheusSpec.priorityClassName"),
        PodTemplate("alertmanager", "alertmanager.alertmanagerSpec.priorityClassName"),
        PodTemplate("thanos-ruler", "thanosRuler.thanosRulerSpec.priorityClassName"),
        PodTemplate("grafana", "priorityClassName", "grafana"),
        PodTemplate("grafana-image-renderer", "imageRenderer.priorityClassName", "grafana"),
        PodTemplate("kube-state-metrics", "priorityClassName", "kube-state-metrics"),
        PodTemplate("node-exporter", "priorityClassName", "prometheus-node-exporter"),
        PodTemplate("kube-prometheus-stack-crds-upgrade-job", None),
    ),
    # keda/templates/{manager,metrics-server,webhooks}/deployment.yaml: one key for the three.
    pinned_name("keda"): (PodTemplate("keda-operator-metrics-server-webhooks", "priorityClassName"),),
    # http-add-on/templates/{interceptor,operator,scaler}/deployment.yaml.
    pinned_name("keda-add-ons-http"): tuple(
        PodTemplate(f"keda-http-{c}", f"{c}.priorityClassName") for c in ("interceptor", "operator", "scaler")
    ),
    # charts/kueue/templates/manager/manager.yaml, kueueviz/{backend,frontend}-deployment.yaml.
    pinned_name("kueue"): (
        PodTemplate("kueue-controller", "controllerManager.manager.priorityClassName"),
        PodTemplate("kueueviz-backend", "kueueViz.backend.priorityClassName"),
        PodTemplate("kueueviz-frontend", "kueueViz.frontend.priorityClassName"),
    ),
    # charts/jobset/templates/controller/deployment.yaml (v0.12.0) reads no priorityClassName: the platform
    # patches the Deployment's (kubernetes/jobs/jobset.py; tests/kubernetes/test_k8s_jobset.py).
    pinned_name("jobset"): (PodTemplate("jobset-controller", None),),
    # templates/{deployment,webhook-deployment,cainjector-deployment,startupapicheck-job}.yaml.
    pinned_name("cert-manager"): (PodTemplate("cert-manager", "global.priorityClassName"),),
    pinned_name("metrics-server"): (PodTemplate("metrics-server", "priorityClassName"),),
    pinned_name("aws-load-balancer-controller"): (
        PodTemplate("aws-load-balancer-controller", "priorityClassName"),
    ),
    pinned_name("cluster-autoscaler"): (PodTemplate("cluster-autoscaler", "priorityClassName"),),
    # templates/node-daemonset.yaml writes system-node-critical (controller-deployment.yaml, not rendered
    # with nodeComponentOnly, system-cluster-critical): no values key.
    pinned_name("aws-fsx-csi-driver"): (PodTemplate("fsx-csi-node", None),),
    # templates/daemonset.yaml writes `priorityClassName: "system-node-critical"` with no values key.
    pinned_name("aws-efa-k8s-device-plugin"): (PodTemplate("aws-efa-k8s-device-plugin", None),),
    # templates/operator.yaml, clusterpolicy.yaml (every operand), NFD 0.19.0 master/worker/gc/
    # topologyupdater; upgrade_crd.yaml, cleanup_crd.yaml, cleanup_gpucluster.yaml and NFD's
    # post-delete-job.yaml have no key.
    GPU_OPERATOR: (
        PodTemplate("gpu-operator", "operator.priorityClassName"),
        PodTemplate("gpu-operator-operands", "daemonsets.priorityClassName"),
        PodTemplate("node-feature-discovery", "priorityClassName", "node-feature-discovery"),
        PodTemplate("gpu-operator-hook-jobs", None),
    ),
}


def _pinned() -> list[HelmChart]:
    return [c for c in vars(charts).values() if isinstance(c, HelmChart)]


def _key_chart(chart: str, t: PodTemplate) -> str:
    """`<chart>-<version>` whose values.yaml holds the template's key (a subchart's own, under its name)."""
    if not t.subchart:
        return chart
    by_pinned_name = {pinned_name(c): c for c in chart_support()}
    return subchart_names(by_pinned_name[chart])[t.subchart]


def test_every_pinned_chart_has_its_pod_templates_listed() -> None:
    assert {f"{c.chart}-{c.version}" for c in _pinned()} == set(TEMPLATES)


def test_every_priority_key_relied_on_is_read_by_its_chart() -> None:
    missing = [
        (chart, t.name, t.key)
        for chart, templates in TEMPLATES.items()
        for t in templates
        if t.key is not None and t.key not in chart_keys(_key_chart(chart, t))
    ]
    assert missing == []


def test_every_template_without_a_key_is_named_in_the_docs() -> None:
    text = DOCS.read_text()
    keyless = [t.name for ts in TEMPLATES.values() for t in ts if t.key is None]
    assert keyless, "the walk lists no hook Job: the exceptions below check nothing"
    assert [n for n in keyless if f"`{n}`" not in text] == []


def release_pod_classes(graph: PlannedGraph) -> list[tuple[str, str, str]]:
    """(release, pod template, class it runs at; "" for none) for every platform release's pod templates."""
    found = []
    for release in graph.of_type(HELM_RELEASE):
        chart = f"{chart_name(release)}-{release.get('version')}"
        classes = release_priority_classes(release)
        for t in TEMPLATES[chart]:
            if t.key is not None:
                found.append((release.name, t.name, classes.get(t.path, "")))
    return found


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_platform_release_pod_runs_at_the_platform_or_a_critical_class(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    found = release_pod_classes(graph)
    assert any(t == "prometheus" for _, t, _ in found), "kube-prometheus-stack not walked: nothing checked"
    assert [f"{r}: {t} runs at {c or 'priority 0'}" for r, t, c in found if c not in ALLOWED] == []


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_the_platform_class_exists_above_every_tenant_class_and_releases_wait_for_it(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    classes = {str(pc.get("metadata.name")): pc for pc in graph.of_type(PRIORITY_CLASS)}
    assert PLATFORM in classes, f"no PriorityClass {PLATFORM}"
    platform = classes[PLATFORM]
    assert platform.get("value") == 1_000_000
    assert platform.get("preemptionPolicy") == "PreemptLowerPriority"
    assert platform.get("globalDefault") is False
    # Below the built-in critical classes (2000000000 and up) and the highest a user class may take.
    assert all(pc.get("value") < 1_000_000 for n, pc in classes.items() if n != PLATFORM)
    late = [
        r.name
        for r in graph.of_type(HELM_RELEASE)
        if PLATFORM in release_priority_classes(r).values() and platform.urn not in r.dependencies
    ]
    assert late == [], "these releases may create pods before their PriorityClass exists"


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_workloads_rendered_directly_keep_to_their_side(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    """Outside tenant namespaces a workload the platform renders itself is the platform's; inside, a
    tenant's, which never names the platform's or a critical class."""
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    tenants = set(tenant_namespaces(graph))
    wrong = []
    for kind in POD_TEMPLATES:
        for w in graph.of_type(kind):
            cls = w.get("spec.template.spec.priorityClassName") or ""
            in_tenant = w.get("metadata.namespace") in tenants
            if in_tenant == (cls in ALLOWED):
                wrong.append(f"{w.name} ({'tenant' if in_tenant else 'platform'}): {cls or 'priority 0'}")
    assert wrong == []


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_no_tenant_namespace_admits_a_pod_at_the_platform_or_a_critical_class(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    tenants = tenant_namespaces(graph)
    assert tenants, "the shipped stacks all have tenants"
    forbidden: dict[str, set[str]] = {}
    for quota in graph.of_type(RESOURCE_QUOTA):
        if quota.get("spec.hard.pods") != "0":
            continue
        for e in (quota.get("spec.scopeSelector") or {}).get("matchExpressions") or []:
            if e.get("scopeName") == "PriorityClass" and e.get("operator") == "In":
                namespace = str(quota.get("metadata.namespace"))
                forbidden.setdefault(namespace, set()).update(e.get("values") or [])
    assert {ns: sorted(ALLOWED - forbidden.get(ns, set())) for ns in tenants} == {ns: [] for ns in tenants}
