"""Every system workload the shipped stacks install through a chart is hardened where its chart allows:
non-root, read-only root filesystem, no privilege escalation, all capabilities dropped, RuntimeDefault
seccomp, CPU and memory requests and a memory limit (issue 13; checkov CKV_K8S_8-13, 20, 22, 23, 28, 31,
37, 40). What a chart cannot set, or sets otherwise by design, is an exception named below and in
docs/security.md.

The effective values are the chart's own defaults at the pinned tag (chart_values/*.security.yaml,
generated from values.yaml) with the release values each stack's plan records merged over them, as Helm
merges; each key path below must exist in the chart's values.yaml (chart_values/*.keys)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from lepton_infra.kubernetes.charts import pinned as charts
from lepton_infra.kubernetes.charts.pinned import HelmChart
from lepton_infra.plan.record import PlannedGraph
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS
from tests.kubernetes.manifests import HELM_RELEASE, chart_name
from tests.kubernetes.pins import pinned_name, subchart_names
from tests.kubernetes.test_k8s_chart_values import KEYS_DIR, chart_keys

REQUIREMENTS = ("non_root", "read_only_root", "no_escalation", "drop_all", "seccomp", "resources")
DOCS = Path(__file__).resolve().parents[2] / "docs" / "security.md"


@dataclass(frozen=True)
class Workload:
    name: str
    defaults: str  # the chart (or subchart) whose values.yaml holds these keys, `<chart>-<version>`
    pod: str | None  # key path of the pod securityContext
    containers: tuple[str, ...]  # key paths of the container securityContexts
    resources: tuple[str, ...]
    prefix: str = ""  # where the subchart's values sit in the parent release's values
    # requirement -> why the chart's key cannot (or should not) meet it; each named in docs/security.md
    exceptions: Mapping[str, str] = field(default_factory=dict)


BY_OPERATOR = "the container securityContext is written by prometheus-operator, not a chart value"
KPS = pinned_name("kube-prometheus-stack")
GRAFANA, KSM, NODE_EXPORTER = (
    subchart_names("kube-prometheus-stack")[s]
    for s in ("grafana", "kube-state-metrics", "prometheus-node-exporter")
)
FSX_CSI = pinned_name("aws-fsx-csi-driver")
KEDA, KEDA_HTTP, KUEUE, METRICS_SERVER, LBC, CERT_MANAGER, AUTOSCALER, GPU_OPERATOR = (
    pinned_name(c)
    for c in (
        "keda",
        "keda-add-ons-http",
        "kueue",
        "metrics-server",
        "aws-load-balancer-controller",
        "cert-manager",
        "cluster-autoscaler",
        "gpu-operator",
    )
)
EFA_PLUGIN = pinned_name("aws-efa-k8s-device-plugin")
WORKLOADS: dict[str, tuple[Workload, ...]] = {
    KPS: (
        Workload(
            "prometheus-operator",
            KPS,
            "prometheusOperator.securityContext",
            ("prometheusOperator.containerSecurityContext",),
            ("prometheusOperator.resources",),
        ),
        Workload(
            # The Helm-hook Job that applies the chart's CRDs before the operator is upgraded.
            "crds-upgrade-job",
            KPS,
            "crds.upgradeJob.podSecurityContext",
            ("crds.upgradeJob.containerSecurityContext",),
            ("crds.upgradeJob.resources",),
        ),
        Workload(
            "admission-webhook-jobs",
            KPS,
            "prometheusOperator.admissionWebhooks.patch.securityContext",
            (
                "prometheusOperator.admissionWebhooks.createSecretJob.securityContext",
                "prometheusOperator.admissionWebhooks.patchWebhookJob.securityContext",
            ),
            ("prometheusOperator.admissionWebhooks.patch.resources",),
        ),
        Workload(
            "prometheus",
            KPS,
            "prometheus.prometheusSpec.securityContext",
            (),
            ("prometheus.prometheusSpec.resources", "prometheusOperator.prometheusConfigReloader.resources"),
            exceptions={r: BY_OPERATOR for r in ("read_only_root", "no_escalation", "drop_all")},
        ),
        Workload(
            "alertmanager",
            KPS,
            "alertmanager.alertmanagerSpec.securityContext",
            (),
            (
                "alertmanager.alertmanagerSpec.resources",
                "prometheusOperator.prometheusConfigReloader.resources",
            ),
            exceptions={r: BY_OPERATOR for r in ("read_only_root", "no_escalation", "drop_all")},
        ),
        Workload(
            "grafana",
            GRAFANA,
            "securityContext",
            ("containerSecurityContext", "sidecar.securityContext"),
            ("resources", "sidecar.resources"),
            prefix="grafana",
            exceptions={
                "read_only_root": "Grafana and its dashboard sidecar write outside the volumes "
                "the chart mounts; not verified read-only"
            },
        ),
        Workload(
            "kube-state-metrics",
            KSM,
            "securityContext",
            ("containerSecurityContext",),
            ("resources",),
            prefix="kube-state-metrics",
        ),
        Workload(
            "node-exporter",
            NODE_EXPORTER,
            "securityContext",
            ("containerSecurityContext",),
            ("resources",),
            prefix="prometheus-node-exporter",
        ),
    ),
    KEDA: tuple(
        Workload(
            f"keda-{c}",
            KEDA,
            f"podSecurityContext.{c}",
            (f"securityContext.{c}",),
            (f"resources.{c}",),
        )
        for c in ("operator", "metricServer", "webhooks")
    ),
    KEDA_HTTP: tuple(
        Workload(
            f"keda-http-{c}",
            KEDA_HTTP,
            "podSecurityContext",
            ("securityContext",),
            (f"{c}.resources",),
        )
        for c in ("operator", "scaler", "interceptor")
    ),
    KUEUE: (
        Workload(
            "kueue-controller",
            KUEUE,
            "controllerManager.manager.podSecurityContext",
            ("controllerManager.manager.containerSecurityContext",),
            ("controllerManager.manager.resources",),
        ),
    ),
    # charts/jobset/templates/controller/deployment.yaml at v0.12.0: one container.
    pinned_name("jobset"): (
        Workload(
            "jobset-controller",
            pinned_name("jobset"),
            "controller.podSecurityContext",
            ("controller.securityContext",),
            ("controller.resources",),
        ),
    ),
    METRICS_SERVER: (
        Workload(
            "metrics-server",
            METRICS_SERVER,
            "podSecurityContext",
            ("securityContext",),
            ("resources",),
        ),
    ),
    LBC: (
        Workload(
            "aws-load-balancer-controller",
            LBC,
            "podSecurityContext",
            ("securityContext",),
            ("resources",),
        ),
    ),
    CERT_MANAGER: tuple(
        Workload(
            f"cert-manager-{c or 'controller'}",
            CERT_MANAGER,
            f"{c}.securityContext".lstrip("."),
            (f"{c}.containerSecurityContext".lstrip("."),),
            (f"{c}.resources".lstrip("."),),
        )
        for c in ("", "webhook", "cainjector", "startupapicheck")
    ),
    AUTOSCALER: (
        Workload(
            "cluster-autoscaler",
            AUTOSCALER,
            "securityContext",
            ("containerSecurityContext",),
            ("resources",),
        ),
    ),
    FSX_CSI: (
        # Node plugin only (`nodeComponentOnly`): the controller Deployment is not rendered.
        Workload(
            "fsx-csi-node",
            FSX_CSI,
            "node.securityContext",
            (),
            ("node.resources",),
            exceptions={
                r: "a CSI node plugin mounts Lustre on the host: templates/node-daemonset.yaml runs the "
                "plugin privileged and as root, and gives its sidecars no securityContext key"
                for r in ("non_root", "read_only_root", "no_escalation", "drop_all", "seccomp")
            },
        ),
    ),
    EFA_PLUGIN: (
        Workload(
            "aws-efa-k8s-device-plugin",
            EFA_PLUGIN,
            None,
            ("securityContext",),
            ("resources",),
            exceptions={
                r: "the EFA device plugin runs privileged as root by design (host device-plugin socket, "
                "/dev/infiniband): the chart's securityContext default"
                for r in ("non_root", "read_only_root", "no_escalation", "drop_all", "seccomp")
            },
        ),
    ),
    GPU_OPERATOR: (
        Workload(
            "gpu-operator",
            GPU_OPERATOR,
            None,
            (),
            ("operator.resources",),
            exceptions={
                r: "the chart has no securityContext key for the operator"
                for r in ("non_root", "read_only_root", "no_escalation", "drop_all", "seccomp")
            },
        ),
    ),
}


@cache
def chart_defaults(name: str) -> dict[str, Any]:
    return yaml.safe_load((KEYS_DIR / f"{name}.security.yaml").read_text()) or {}


def _dig(node: Any, parts: list[str]) -> Any:
    for part in parts:
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def default_at(name: str, path: str) -> Any:
    """The chart's default at `path`; the recorded file keys a subtree by its first hardening key."""
    defaults = chart_defaults(name)
    parts = path.split(".")
    for i in range(len(parts), 0, -1):
        head = ".".join(parts[:i])
        if head in defaults:
            return _dig(defaults[head], parts[i:])
    return None


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, Mapping) and isinstance(extra, Mapping):
        return {**base, **{k: _merge(base.get(k), v) for k, v in extra.items()}}
    return extra if extra is not None else base


def effective(w: Workload, values: Mapping[str, Any], path: str) -> dict[str, Any]:
    ours = _dig(values, [*(w.prefix.split(".") if w.prefix else []), *path.split(".")])
    return _merge(default_at(w.defaults, path) or {}, ours or {}) or {}


def unmet(w: Workload, values: Mapping[str, Any]) -> set[str]:
    pod = effective(w, values, w.pod) if w.pod else {}
    containers = [effective(w, values, c) for c in w.containers] or [{}]
    failed: set[str] = set()
    for ctx in containers:
        if not (
            ctx.get("runAsNonRoot") is True
            or (pod.get("runAsNonRoot") is True and ctx.get("runAsNonRoot") is not False)
        ):
            failed.add("non_root")
        if ctx.get("readOnlyRootFilesystem") is not True:
            failed.add("read_only_root")
        if ctx.get("allowPrivilegeEscalation") is not False:
            failed.add("no_escalation")
        if "ALL" not in ((ctx.get("capabilities") or {}).get("drop") or []):
            failed.add("drop_all")
        seccomp = (ctx.get("seccompProfile") or pod.get("seccompProfile") or {}).get("type")
        if seccomp != "RuntimeDefault":
            failed.add("seccomp")
    for path in w.resources:
        res = effective(w, values, path)
        requests, limits = res.get("requests") or {}, res.get("limits") or {}
        if not (requests.get("cpu") and requests.get("memory") and limits.get("memory")):
            failed.add("resources")
    return failed


def _pinned() -> list[HelmChart]:
    return [c for c in vars(charts).values() if isinstance(c, HelmChart)]


def test_every_pinned_chart_has_its_workloads_listed() -> None:
    assert {f"{c.chart}-{c.version}" for c in _pinned()} == set(WORKLOADS)


def test_every_key_path_relied_on_exists_in_its_chart() -> None:
    missing = [
        (w.name, path)
        for ws in WORKLOADS.values()
        for w in ws
        for path in (*([w.pod] if w.pod else []), *w.containers, *w.resources)
        if path not in chart_keys(w.defaults)
    ]
    assert missing == []


def test_every_exception_is_named_in_the_security_docs() -> None:
    text = DOCS.read_text()
    assert [
        w.name for ws in WORKLOADS.values() for w in ws if w.exceptions and f"`{w.name}`" not in text
    ] == []


def test_the_check_fails_on_the_charts_bare_defaults() -> None:
    """Without the platform's values, the charts' defaults leave resources (and node-exporter's and the HTTP
    add-on's contexts) unset: the check must see it."""
    node_exporter = next(w for w in WORKLOADS[KPS] if w.name == "node-exporter")
    assert unmet(node_exporter, {}) == {"no_escalation", "drop_all", "seccomp", "resources"}
    interceptor = next(w for w in WORKLOADS[KEDA_HTTP] if w.name == "keda-http-interceptor")
    assert unmet(interceptor, {}) == {"non_root", "seccomp"}


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_system_workload_is_hardened_where_its_chart_allows(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    releases = graph.of_type(HELM_RELEASE)
    assert releases
    failures = []
    for release in releases:
        values = dict(release.get("values") or {})
        for w in WORKLOADS[f"{chart_name(release)}-{release.get('version')}"]:
            failures += [
                f"{release.name}: {w.name}: {r}" for r in sorted(unmet(w, values) - set(w.exceptions))
            ]
    assert failures == []


WORKLOAD_KINDS = ("apps/v1:Deployment", "apps/v1:StatefulSet", "apps/v1:DaemonSet", "batch/v1:Job")


def direct_workload_problems(graph: PlannedGraph) -> list[str]:
    """Every pod template the platform renders itself (not through a chart): the same hardening, plus
    readiness and liveness probes on long-running containers."""
    problems = []
    workloads = [r for kind in WORKLOAD_KINDS for r in graph.of_type(f"kubernetes:{kind}")]
    for w in workloads:
        pod = w.get("spec.template.spec") or {}
        pod_ctx = pod.get("securityContext") or {}
        init = [c.get("name") for c in pod.get("initContainers") or []]
        for c in [*(pod.get("initContainers") or []), *(pod.get("containers") or [])]:
            ctx = c.get("securityContext") or {}
            where = f"{w.name}/{c.get('name')}"
            if not (ctx.get("runAsNonRoot") or pod_ctx.get("runAsNonRoot")):
                problems.append(f"{where}: runAsNonRoot")
            if ctx.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: readOnlyRootFilesystem")
            if ctx.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation")
            if "ALL" not in ((ctx.get("capabilities") or {}).get("drop") or []):
                problems.append(f"{where}: capabilities.drop ALL")
            if (
                (ctx.get("seccompProfile") or pod_ctx.get("seccompProfile") or {}).get("type")
            ) != "RuntimeDefault":
                problems.append(f"{where}: seccompProfile RuntimeDefault")
            res = c.get("resources") or {}
            if not (
                (res.get("requests") or {}).get("cpu")
                and (res.get("requests") or {}).get("memory")
                and (res.get("limits") or {}).get("memory")
            ):
                problems.append(f"{where}: requests and memory limit")
            # An init container runs to completion before the others start (the API refuses probes on it).
            long_running = not w.type.endswith(":Job") and c.get("name") not in init
            if long_running and not (c.get("readinessProbe") and c.get("livenessProbe")):
                problems.append(f"{where}: readiness and liveness probes")
    return problems


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_workload_the_platform_renders_itself_is_hardened(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    assert graph.of_type("kubernetes:apps/v1:Deployment"), "the stack renders no workload of its own"
    assert direct_workload_problems(graph) == []
