"""J4: tenants stay isolated. No tenant pod runs at a critical priority (on EKS and AKS nothing else stops
it: only GKE limits those classes to namespaces holding a quota for them) or at the platform's class,
tenants have classes of their own, another tenant's pods other than its published services are
unreachable, and what tenant egress allows beyond the cluster is what docs/kubernetes.md says (HTTPS
anywhere)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.journeys.admission import Container, defaulted, quota_errors, scoped_quota_exists
from tests.journeys.cluster import Cluster, Journey
from tests.journeys.conftest import ALL
from tests.journeys.network import External, Pod, connection

CRITICAL = ("system-node-critical", "system-cluster-critical")  # Kubernetes' built-in classes
CRITICAL_VALUE = 1_000_000_000  # classes above this are system classes (kubernetes.io, PriorityClass docs)
# The platform's own pods' class (docs/kubernetes.md, "Platform priority"): above every tenant pod, so no
# tenant may name it.
PLATFORM = "lepton-platform"


def _admitted(cluster: Cluster, namespace: str, priority_class: str) -> tuple[bool, str]:
    """Would the namespace admit a pod at this priority class? GKE admits the critical classes only where a
    quota scoped to them exists (its API server's limitedResources); every quota matching the pod must
    have room for it."""
    pod = defaulted(cluster, namespace, Container({"cpu": "100m", "memory": "64Mi"}))
    if (
        cluster.cloud == "gcp"
        and priority_class in CRITICAL
        and not scoped_quota_exists(cluster, namespace, priority_class)
    ):
        return False, "GKE: no quota scoped to the class"
    errors = quota_errors(cluster, namespace, pod, priority_class)
    return not errors, "; ".join(errors) or "admitted"


def _walk(cluster: Cluster, tenant: str, stop: bool = True) -> Journey:
    j = Journey(f"J4 {tenant}", stop)
    for cls in (*CRITICAL, PLATFORM):
        admitted, why = _admitted(cluster, tenant, cls)
        j.link(f"no pod at {cls}", not admitted, f"a {tenant} pod at {cls} is admitted ({why})")
    own = [
        p["metadata"]["name"]
        for p in cluster.of_kind("PriorityClass")
        if p["value"] < CRITICAL_VALUE and not p.get("globalDefault") and p["metadata"]["name"] != PLATFORM
    ]
    j.link("tenant priority classes", bool(own), "no PriorityClass below the system ones for tenants to use")
    for cls in own:
        admitted, why = _admitted(cluster, tenant, cls)
        j.link(f"pods at {cls} admitted", admitted, why)
    worker = Pod(tenant, {"app": "worker"})
    for other in (t["name"] for t in cluster.tenants if t["name"] != tenant):
        ok, why = connection(cluster, Pod(other, {"app": "client"}), worker, 8080)
        j.link(
            f"{other} cannot reach {tenant}'s pods",
            not ok,
            "a pod of another tenant reaches a non-service pod",
        )
    ok, _ = connection(cluster, worker, External("93.184.216.34"), 443)
    j.link("HTTPS egress as documented", ok, "tenant pods cannot reach HTTPS endpoints outside the cluster")
    ok, _ = connection(cluster, worker, External("93.184.216.34"), 22)
    j.link("no other egress", not ok, "tenant pods reach port 22 outside the cluster")
    return j


@pytest.mark.parametrize("stack", ALL)
def test_tenants_stay_isolated(stack: str, cluster_of: Callable[[str], Cluster]) -> None:
    cluster = cluster_of(stack)
    for t in cluster.tenants:
        assert len(_walk(cluster, t["name"]).links) >= 7


@pytest.mark.parametrize("stack", ["aws-prod", "azure-prod", "aws-dev", "azure-dev"])
def test_no_tenant_pod_runs_at_a_critical_priority(stack: str, cluster_of: Callable[[str], Cluster]) -> None:
    cluster = cluster_of(stack)
    for t in cluster.tenants:
        journey = _walk(cluster, t["name"], stop=False)
        assert {k: v for k, v in journey.broken.items() if "critical" in k or "priority" in k} == {}
