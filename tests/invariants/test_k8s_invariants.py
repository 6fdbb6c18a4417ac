"""Cross-resource invariants of the in-cluster layer over every shipped stack's recorded plan.

Each check joins what the layer renders with what the cloud side of the same plan provides: a pod's
priority class with the quota that admits it, NetworkPolicies with the dataplane that enforces them, the
tenants' default-deny egress with the egress the cloud's workload identity needs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.core.cluster_handle import ClusterHandle
from lepton_infra.core.errors import SpecError
from lepton_infra.kubernetes.charts import pinned as charts
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS
from tests.kubernetes.manifests import chart_name
from tests.kubernetes.pins import subcharts_by_pinned_name

HELM_RELEASE = "kubernetes:helm.sh/v3:Release"
NAMESPACE = "kubernetes:core/v1:Namespace"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota"
PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass"
POD_TEMPLATES = (
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:batch/v1:Job",
)
GKE_CLUSTER = "gcp:container/cluster:Cluster"
AKS_CLUSTER = "azure-native:containerservice:ManagedCluster"
EKS_CLUSTER = "aws:eks/cluster:Cluster"
EKS_ADDON = "aws:eks/addon:Addon"
TENANT_LABEL = "lepton.ai/tenant"
CRITICAL = {"system-node-critical", "system-cluster-critical"}
# Built in on every cluster; any other class must be created by the plan itself.
BUILTIN_CLASSES = CRITICAL
CHART_VALUES = Path(__file__).resolve().parents[1] / "kubernetes" / "chart_values"
# The pinned charts' Chart.yaml dependencies: values under these keys go to the subchart.
SUBCHARTS = subcharts_by_pinned_name()


def _plan(stack: str, plan_stack: Callable[[Path, str], PlannedGraph]) -> PlannedGraph:
    try:
        return plan_stack(PLATFORM_STACK_DIR, stack)
    except SpecError as err:
        pytest.fail(f"{stack} does not plan, so none of its invariants hold: {err}")


# --- priority classes ---------------------------------------------------------------------------------


def _priority_defaults(chart: str) -> dict[str, str]:
    """`...priorityClassName` path -> the chart's default, from values.yaml at the pinned tag."""
    path = CHART_VALUES / f"{chart}.priority"
    assert path.exists(), f"no priority-class defaults recorded for {chart} (chart_values/README.md)"
    rows = [line.split("\t") for line in path.read_text().splitlines() if line and not line.startswith("#")]
    return {row[0]: row[1] if len(row) > 1 else "" for row in rows}


def _lookup(values: Mapping[str, Any], path: str) -> Any:
    node: Any = values
    for part in re.split(r"(?<!\\)\.", path):
        if not isinstance(node, Mapping) or part.replace("\\.", ".") not in node:
            return None
        node = node[part.replace("\\.", ".")]
    return node


def _set_priority_paths(values: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in values.items():
        path = f"{prefix}.{key.replace('.', chr(92) + '.')}" if prefix else key.replace(".", "\\.")
        if key == "priorityClassName":
            yield path, value
        elif isinstance(value, Mapping):
            yield from _set_priority_paths(value, path)


def release_priority_classes(release: RecordedResource) -> dict[str, str]:
    """value path -> priority class the release's pods get: ours where we set one, else the chart's."""
    chart = f"{chart_name(release)}-{release.get('version')}"
    values = dict(release.get("values") or {})
    defaults: dict[str, str] = {}
    for key, sub in SUBCHARTS.get(chart, {}).items():
        defaults.update({f"{key}.{p}": v for p, v in _priority_defaults(sub).items()})
    # The parent's values.yaml overrides its subcharts' defaults, as Helm merges them.
    defaults.update(_priority_defaults(chart))
    classes = {path: str(_lookup(values, path) or default) for path, default in defaults.items()}
    classes.update({path: str(value) for path, value in _set_priority_paths(values) if value})
    return {path: cls for path, cls in classes.items() if cls}


def pods_with_priority(graph: PlannedGraph) -> Iterator[tuple[str, str, str]]:
    """(what, namespace, priority class) for every pod template the plan renders or installs."""
    for kind in POD_TEMPLATES:
        for workload in graph.of_type(kind):
            cls = workload.get("spec.template.spec.priorityClassName")
            if cls:
                yield workload.name, str(workload.get("metadata.namespace")), str(cls)
    for release in graph.of_type(HELM_RELEASE):
        for path, cls in release_priority_classes(release).items():
            yield f"{release.name} ({path})", str(release.get("namespace")), cls


def critical_quota_namespaces(graph: PlannedGraph) -> dict[str, set[str]]:
    """namespace -> the priority classes a ResourceQuota there is scoped to."""
    scoped: dict[str, set[str]] = {}
    for quota in graph.of_type(RESOURCE_QUOTA):
        for expression in (quota.get("spec.scopeSelector") or {}).get("matchExpressions") or []:
            if expression.get("scopeName") == "PriorityClass" and expression.get("operator") == "In":
                scoped.setdefault(str(quota.get("metadata.namespace")), set()).update(
                    expression.get("values") or []
                )
    return scoped


def critical_priority_needs_quota(graph: PlannedGraph) -> bool:
    """GKE admits the critical classes only in namespaces with a quota scoped to them."""
    return bool(graph.of_type(GKE_CLUSTER))


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_pod_priority_class_is_admissible_in_its_namespace(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = _plan(stack, plan_stack)
    pods = list(pods_with_priority(graph))
    if any(r.get("chart") == "gpu-operator" for r in graph.of_type(HELM_RELEASE)):
        # The operator's pods run at system-node-critical: a walk that misses them checks nothing.
        assert pods, "no pod with a priority class: the walk found nothing to check"
    defined = {str(pc.get("metadata.name")) for pc in graph.of_type(PRIORITY_CLASS)} | BUILTIN_CLASSES
    quotas = critical_quota_namespaces(graph)
    needs_quota = critical_priority_needs_quota(graph)
    refused = []
    for what, namespace, cls in pods:
        if cls not in defined:
            refused.append(f"{what}: priority class {cls} does not exist")
        elif cls in CRITICAL and needs_quota and cls not in quotas.get(namespace, set()):
            refused.append(f"{what}: {cls} in namespace {namespace} without a ResourceQuota scoped to it")
    assert refused == []


# --- NetworkPolicy enforcement ------------------------------------------------------------------------


def enforcement(graph: PlannedGraph) -> tuple[bool, str]:
    """Does the cluster of this plan enforce NetworkPolicy, read from the cloud resource that decides it."""
    for cluster in graph.of_type(GKE_CLUSTER):
        datapath = cluster.get("datapathProvider")
        if datapath == "ADVANCED_DATAPATH" or cluster.get("networkPolicy.enabled") is True:
            return True, "GKE Dataplane V2"
        return False, f"GKE cluster {cluster.name} has datapathProvider {datapath!r}, not ADVANCED_DATAPATH"
    if graph.of_type(EKS_CLUSTER):
        cni = [a for a in graph.of_type(EKS_ADDON) if a.get("addonName") == "vpc-cni"]
        if not cni:
            return False, "no managed vpc-cni EKS addon (its configurationValues decide enforcement)"
        config = json.loads(cni[0].get("configurationValues") or "{}")
        if str(config.get("enableNetworkPolicy")).lower() == "true":
            return True, "vpc-cni enableNetworkPolicy"
        return False, (
            f"EKS addon {cni[0].name} (vpc-cni) configurationValues lack enableNetworkPolicy: "
            f"'true' (got {cni[0].get('configurationValues')!r})"
        )
    for cluster in graph.of_type(AKS_CLUSTER):
        network = cluster.get("networkProfile") or {}
        if network.get("networkDataplane") == "cilium" or network.get("networkPolicy") in (
            "cilium",
            "azure",
            "calico",
        ):
            return True, f"AKS network policy engine {network.get('networkPolicy')!r}"
        return False, (
            f"AKS cluster {cluster.name} has networkPolicy {network.get('networkPolicy')!r} and "
            f"dataplane {network.get('networkDataplane')!r}: nothing enforces NetworkPolicy"
        )
    return False, "no cluster resource in the plan proves NetworkPolicy enforcement"


def tenant_namespaces(graph: PlannedGraph) -> list[str]:
    return [
        str(ns.get("metadata.name"))
        for ns in graph.of_type(NAMESPACE)
        if TENANT_LABEL in (ns.get("metadata.labels") or {})
    ]


def _policies_in(graph: PlannedGraph, namespace: str) -> list[RecordedResource]:
    return [p for p in graph.of_type(NETWORK_POLICY) if p.get("metadata.namespace") == namespace]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_network_policies_exist_only_where_the_dataplane_enforces_them(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = _plan(stack, plan_stack)
    enforced, why = enforcement(graph)
    policies = graph.of_type(NETWORK_POLICY)
    if policies and not enforced:
        pytest.fail(f"{len(policies)} NetworkPolicies that nothing enforces: {why}")
    tenants = tenant_namespaces(graph)
    assert tenants, "the shipped stacks all have tenants"
    if not enforced:
        pytest.fail(f"tenants {tenants} are not isolated: {why}")
    for namespace in tenants:
        denies = [
            p
            for p in _policies_in(graph, namespace)
            if p.get("spec.podSelector") == {}
            and set(p.get("spec.policyTypes") or []) == {"Ingress", "Egress"}
            and not p.get("spec.ingress")
            and not p.get("spec.egress")
        ]
        assert denies, f"tenant namespace {namespace} has no default-deny NetworkPolicy"


# --- identity egress ----------------------------------------------------------------------------------


def _handle_of(graph: PlannedGraph) -> ClusterHandle:
    """The ClusterHandle the stack's own program hands the in-cluster layer (same config, replanned)."""
    from lepton_infra.platform import build
    from lepton_infra.spec import PlatformSpec

    handles: list[ClusterHandle] = []
    plan_program(lambda: handles.append(build(PlatformSpec.from_config()).cloud.cluster_handle), graph.config)
    return handles[0]


def _opens(policies: list[RecordedResource], cidr: str, port: int, protocol: str) -> bool:
    for policy in policies:
        if policy.get("spec.podSelector") != {} or "Egress" not in (policy.get("spec.policyTypes") or []):
            continue
        for rule in policy.get("spec.egress") or []:
            to_cidr = any((peer.get("ipBlock") or {}).get("cidr") == cidr for peer in rule.get("to") or [])
            on_port = any(
                p.get("port") == port and p.get("protocol", "TCP") == protocol
                for p in rule.get("ports") or []
            )
            if to_cidr and on_port:
                return True
    return False


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_tenant_egress_opens_the_handles_identity_egress(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = _plan(stack, plan_stack)
    handle = _handle_of(graph)
    closed = [
        f"{ns}: {rule.protocol} {rule.cidr}:{rule.port}"
        for ns in tenant_namespaces(graph)
        for rule in handle.identity_egress
        if not _opens(_policies_in(graph, ns), rule.cidr, rule.port, rule.protocol)
    ]
    assert closed == [], "the workload identity cannot be reached from these tenants"


def test_the_priority_walk_sees_chart_defaults_and_our_values() -> None:
    """The GPU operator's pods run at system-node-critical by the chart's default (operator, NFD) and by
    ours (daemonsets); metrics-server's at its chart default system-cluster-critical."""
    operator = RecordedResource(
        urn="u",
        type=HELM_RELEASE,
        name="op",
        parent=None,
        custom=True,
        protect=False,
        inputs={
            "chart": "gpu-operator",
            "version": charts.GPU_OPERATOR.version,
            "namespace": "gpu-operator",
            "values": {"operator": {"priorityClassName": "custom"}},
        },
        dependencies=[],
    )
    assert release_priority_classes(operator) == {
        "daemonsets.priorityClassName": "system-node-critical",
        "node-feature-discovery.priorityClassName": "system-node-critical",
        "operator.priorityClassName": "custom",
    }
