"""Tenants: namespace with PSA labels, GPU quota, default-deny networking, admin RBAC, and a workload
service account carrying the cloud identity the binder returned."""

from __future__ import annotations

import dataclasses

import pytest

from lepton_infra.core.cluster_handle import ClusterHandle, EgressRule
from lepton_infra.core.errors import SpecError
from lepton_infra.kubernetes.tenancy.isolation import network_policy_specs
from lepton_infra.plan.mocks.registry import short_hash
from tests.kubernetes.conftest import plan_addons
from tests.kubernetes.harness import ROLE_ARN_ANNOTATION

T = "acme-ai-k8s-tenant-research"
NS = "kubernetes:core/v1:Namespace"
QUOTA = "kubernetes:core/v1:ResourceQuota"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
SA = "kubernetes:core/v1:ServiceAccount"


def test_namespace_is_the_tenant_name(prod) -> None:
    assert prod.graph.one(NS, f"{T}-namespace").get("metadata.name") == "research"


@pytest.mark.parametrize("mode", ["enforce", "audit", "warn"])
def test_namespace_enforces_restricted_pod_security(prod, mode: str) -> None:
    labels = prod.graph.one(NS, f"{T}-namespace").get("metadata.labels")
    assert labels[f"pod-security.kubernetes.io/{mode}"] == "restricted"
    assert labels[f"pod-security.kubernetes.io/{mode}-version"] == "v1.35"


def test_baseline_tenant_still_warns_on_restricted() -> None:
    planned = plan_addons(
        tenants=[{"name": "research", "gpu_quota": 16, "pod_security": "baseline"}],
        services=[],
        jobs={"enabled": False},
    )
    labels = planned.graph.one(NS, f"{T}-namespace").get("metadata.labels")
    assert labels["pod-security.kubernetes.io/enforce"] == "baseline"
    assert labels["pod-security.kubernetes.io/warn"] == "restricted"


@pytest.mark.parametrize(("tenant", "gpus"), [("research", "21"), ("serving", "18")])
def test_gpu_quota_from_the_spec(prod, tenant: str, gpus: str) -> None:
    quota = prod.graph.one(QUOTA, f"acme-ai-k8s-tenant-{tenant}-quota")
    assert quota.get("metadata.namespace") == tenant
    assert quota.get("spec.hard")["requests.nvidia.com/gpu"] == gpus


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("requests.cpu", "64"),
        ("requests.memory", "256Gi"),
        ("pods", "100"),
        ("services.loadbalancers", "0"),
        ("services.nodeports", "0"),
    ],
)
def test_quota_limits(prod, key: str, value: str) -> None:
    assert prod.graph.one(QUOTA, f"{T}-quota").get("spec.hard")[key] == value


def test_quota_bounds_requests_not_limits(prod) -> None:
    """A quota on limits.* would refuse every container without limits (issue 26 J1)."""
    assert not [k for k in prod.graph.one(QUOTA, f"{T}-quota").get("spec.hard") if k.startswith("limits.")]


def test_limit_range_defaults_requests_only(prod) -> None:
    item = prod.graph.one("kubernetes:core/v1:LimitRange", f"{T}-limits").get("spec.limits.0")
    assert item["type"] == "Container"
    assert "default" not in item
    assert item["defaultRequest"] == {"cpu": "100m", "memory": "256Mi"}


def test_no_tenant_pod_at_a_critical_priority_or_the_platforms(prod) -> None:
    quota = prod.graph.one(QUOTA, f"{T}-priority-quota")
    assert quota.get("spec") == {
        "hard": {"pods": "0"},
        "scopeSelector": {
            "matchExpressions": [
                {
                    "scopeName": "PriorityClass",
                    "operator": "In",
                    "values": ["system-node-critical", "system-cluster-critical", "lepton-platform"],
                }
            ]
        },
    }


def test_default_deny_selects_every_pod_both_ways_and_allows_nothing(prod) -> None:
    spec = prod.graph.one(NETPOL, f"{T}-default-deny-all").get("spec")
    assert spec["podSelector"] == {}
    assert sorted(spec["policyTypes"]) == ["Egress", "Ingress"]
    assert "ingress" not in spec and "egress" not in spec


def test_same_namespace_traffic_allowed(prod) -> None:
    spec = prod.graph.one(NETPOL, f"{T}-allow-same-namespace").get("spec")
    assert spec["ingress"] == [{"from": [{"podSelector": {}}]}]
    assert spec["egress"] == [{"to": [{"podSelector": {}}]}]


def test_dns_egress_only_to_kube_dns_on_port_53(prod) -> None:
    rule = prod.graph.one(NETPOL, f"{T}-allow-dns-egress").get("spec.egress.0")
    peer = rule["to"][0]
    assert peer["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "kube-system"}
    assert peer["podSelector"]["matchLabels"] == {"k8s-app": "kube-dns"}
    assert sorted((p["protocol"], p["port"]) for p in rule["ports"]) == [("TCP", 53), ("UDP", 53)]


def test_ingress_from_monitoring_namespace_only(prod) -> None:
    spec = prod.graph.one(NETPOL, f"{T}-allow-monitoring-ingress").get("spec")
    assert spec["policyTypes"] == ["Ingress"]
    assert spec["ingress"] == [
        {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]}
    ]


def test_https_egress_is_port_443_only(prod) -> None:
    rule = prod.graph.one(NETPOL, f"{T}-allow-https-egress").get("spec.egress.0")
    assert rule["ports"] == [{"protocol": "TCP", "port": 443}]


def test_no_policy_admits_ingress_from_other_tenants(prod) -> None:
    """From outside the namespace: only monitoring (scrapes), the HTTP add-on's interceptor pods (not the
    whole `keda` namespace), and tenants' callers of a service, only to that service's pods and port."""
    for policy in prod.graph.of_type(NETPOL):
        for rule in policy.get("spec.ingress", []) or []:
            for peer in rule["from"]:
                selector = peer.get("namespaceSelector")
                assert "ipBlock" not in peer
                if selector is not None and "matchExpressions" in selector:
                    assert policy.name.endswith("-from-callers")
                    assert rule["ports"] and policy.get("spec.podSelector.matchLabels")
                    continue
                source = None if selector is None else selector["matchLabels"]["kubernetes.io/metadata.name"]
                assert source in {None, "monitoring", "keda"}
                if source == "keda":
                    assert peer["podSelector"] == {
                        "matchLabels": {"app.kubernetes.io/component": "interceptor"}
                    }


def test_identity_egress_from_the_handle_becomes_a_policy() -> None:
    specs = network_policy_specs([EgressRule("169.254.169.254/32", 80)])
    assert specs["allow-identity-egress"]["egress"][0]["to"] == [{"ipBlock": {"cidr": "169.254.169.254/32"}}]
    assert "allow-identity-egress" not in network_policy_specs()


def test_the_handles_typed_identity_egress_reaches_every_tenant() -> None:
    """`ClusterHandle.identity_egress` (not an untyped `extra` key) opens the tenants' default deny."""
    rule = EgressRule("169.254.169.252/32", 988)
    planned = plan_addons(handle_facts={"identity_egress": (rule,)})
    for tenant in ("research", "serving"):
        policy = planned.graph.one(NETPOL, f"acme-ai-k8s-tenant-{tenant}-allow-identity-egress")
        assert policy.get("spec.egress") == [
            {"to": [{"ipBlock": {"cidr": "169.254.169.252/32"}}], "ports": [{"protocol": "TCP", "port": 988}]}
        ]
    # No untyped side channel left on the handle: every fact is a typed field.
    assert "extra" not in {f.name for f in dataclasses.fields(ClusterHandle)}


def test_a_cluster_that_does_not_enforce_network_policy_gets_no_tenants() -> None:
    """No silent non-isolation: the layer refuses, naming the fact and the fix, before any object."""
    with pytest.raises(SpecError) as err:
        plan_addons(handle_facts={"network_policy_enforced": False})
    assert err.value.paths == ["tenants"]
    assert "network_policy_enforced is False" in str(err.value)
    assert "vpc-cni enableNetworkPolicy" in str(err.value)
    planned = plan_addons(
        handle_facts={"network_policy_enforced": False}, tenants=[], services=[], jobs={"enabled": False}
    )
    assert planned.graph.of_type(NETPOL) == []


def test_admin_group_bound_to_tenant_role(prod) -> None:
    binding = prod.graph.one("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", f"{T}-admin-binding")
    assert binding.get("roleRef") == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": "tenant-admin",
    }
    assert binding.get("subjects") == [
        {"kind": "Group", "name": "research-admins", "apiGroup": "rbac.authorization.k8s.io"}
    ]
    assert binding.get("metadata.namespace") == "research"


@pytest.mark.parametrize(
    "resource",
    [
        "networkpolicies",
        "resourcequotas",
        "limitranges",
        "roles",
        "rolebindings",
        "serviceaccounts",
        "httpscaledobjects",
    ],
)
def test_tenant_admin_cannot_loosen_isolation(prod, resource: str) -> None:
    rules = prod.graph.one("kubernetes:rbac.authorization.k8s.io/v1:Role", f"{T}-admin-role").get("rules")
    writes = {"create", "update", "patch", "delete", "*"}
    for rule in rules:
        if resource in rule["resources"] or "*" in rule["resources"]:
            assert not writes & set(rule["verbs"]), rule


def test_tenant_admin_reads_the_platforms_http_scalers(prod) -> None:
    rules = prod.graph.one("kubernetes:rbac.authorization.k8s.io/v1:Role", f"{T}-admin-role").get("rules")
    assert {
        "apiGroups": ["http.keda.sh"],
        "resources": ["httpscaledobjects"],
        "verbs": ["get", "list", "watch"],
    } in rules


def test_no_admin_groups_no_rbac() -> None:
    planned = plan_addons(
        tenants=[{"name": "research", "gpu_quota": 16}], services=[], jobs={"enabled": False}
    )
    assert not planned.graph.of_type("kubernetes:rbac.authorization.k8s.io/v1:Role")
    assert not planned.graph.of_type("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")


def test_binder_called_once_per_tenant_with_its_bucket_prefix(prod) -> None:
    assert prod.binder.calls == [
        {
            "name": f"{T}-identity",
            "namespace": "research",
            "service_account": "workload",
            "bucket_prefix": "tenants/research/",
        },
        {
            "name": "acme-ai-k8s-tenant-serving-identity",
            "namespace": "serving",
            "service_account": "workload",
            "bucket_prefix": "tenants/serving/",
        },
    ]


def test_service_account_carries_the_binders_annotations(prod) -> None:
    sa = prod.graph.one(SA, f"{T}-workload-sa")
    role = prod.graph.one("test:identity:Role", f"{T}-identity")
    # The mocks give a custom resource the id `<name>-<hash>`; the binder built the ARN from that id.
    role_id = f"{role.name}-{short_hash('test:identity:Role', role.name)}"
    assert sa.get("metadata.annotations") == {
        ROLE_ARN_ANNOTATION: f"arn:aws:iam::123456789012:role/{role_id}"
    }
    assert sa.get("metadata.labels")["lepton.ai/identity"] == "bound"
    assert role.urn in sa.dependencies  # the SA waits for the cloud identity it names


def test_identity_is_a_child_of_the_tenant(prod) -> None:
    role = prod.graph.one("test:identity:Role", f"{T}-identity")
    tenant = prod.graph.one("lepton:k8s:Tenant", T)
    assert role.parent == tenant.urn
    assert role.get("trust") == "system:serviceaccount:research:workload"


def test_service_account_does_not_mount_an_api_token(prod) -> None:
    assert prod.graph.one(SA, f"{T}-workload-sa").get("automountServiceAccountToken") is False
