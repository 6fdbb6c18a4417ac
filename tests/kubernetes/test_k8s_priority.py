"""Critical priority classes on clusters that admit them only under a scoped ResourceQuota (GKE): the
layer creates that quota in each namespace where it runs such pods, before the release that runs them."""

from __future__ import annotations

from lepton_infra.core.cluster_handle import GpuFacts
from tests.kubernetes.conftest import plan_addons
from tests.kubernetes.manifests import HELM_RELEASE, manifest, validate_strict

QUOTA = "kubernetes:core/v1:ResourceQuota"
CRITICAL = ["system-node-critical", "system-cluster-critical"]


def _critical_quotas(graph) -> dict[str, object]:
    """namespace -> quota resource, for quotas scoped to the critical priority classes."""
    found = {}
    for quota in graph.of_type(QUOTA):
        expressions = (quota.get("spec.scopeSelector") or {}).get("matchExpressions") or []
        if (
            any(
                e.get("scopeName") == "PriorityClass"
                and e.get("operator") == "In"
                and set(CRITICAL) <= set(e.get("values") or [])
                for e in expressions
            )
            and quota.get("spec.hard.pods") != "0"
        ):  # not the tenants' zero-pod quota that forbids them
            found[quota.get("metadata.namespace")] = quota
    return found


def test_quota_admits_critical_pods_where_the_layer_runs_them() -> None:
    planned = plan_addons(handle_facts={"critical_priority_needs_quota": True})
    quotas = _critical_quotas(planned.graph)
    # The GPU operator (operator, operands, NFD: system-node-critical) and metrics-server (its chart's
    # system-cluster-critical, in kube-system).
    assert set(quotas) == {"gpu-operator", "kube-system"}
    for quota in quotas.values():
        validate_strict(manifest(quota), "1.33")
    releases = {r.get("chart"): r for r in planned.graph.of_type(HELM_RELEASE)}
    assert quotas["gpu-operator"].urn in releases["gpu-operator"].dependencies
    assert quotas["kube-system"].urn in releases["metrics-server"].dependencies


def test_no_quota_where_the_cluster_does_not_require_one() -> None:
    assert _critical_quotas(plan_addons().graph) == {}


def test_no_operator_no_quota() -> None:
    everything = GpuFacts(driver_installed=True, device_plugin_installed=True, dcgm_exporter_installed=True)
    planned = plan_addons(
        facts=everything, metrics_server_installed=True, handle_facts={"critical_priority_needs_quota": True}
    )
    assert _critical_quotas(planned.graph) == {}
