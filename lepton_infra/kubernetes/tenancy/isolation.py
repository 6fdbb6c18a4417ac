"""The tenant's isolation as data: quota, default limits, network policies, the admin Role's rules.

Pure functions of plain values, so the security-relevant shapes are tested without Pulumi and the
component only turns them into resources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lepton_infra.core.cluster_handle import ClusterHandle
from lepton_infra.core.cluster_handle import EgressRule as EgressRule
from lepton_infra.core.conventions import GPU_RESOURCE, KEDA_NAMESPACE, MONITORING_NAMESPACE
from lepton_infra.core.errors import Problem
from lepton_infra.kubernetes.charts.pinned import INTERCEPTOR_POD_LABELS, INTERCEPTOR_PROXY_PORT
from lepton_infra.kubernetes.meta import NAMESPACE_NAME_LABEL, TENANT_LABEL
from lepton_infra.spec import PlatformSpec  # re-exported: it moved to core


def resource_quota_hard(gpu_quota: int, cpu_quota: str, memory_quota: str, pods: int) -> dict[str, str]:
    """Requests only. A quota on `limits.cpu`/`limits.memory` makes the API server refuse every pod whose
    containers lack those limits, so the LimitRange would have to default them; a defaulted limit below
    what a container requests is refused (request > limit), and one a GPU job never set caps it at that
    default (OOM-killed). Requests are what the scheduler reserves, so they are what the quota bounds."""
    return {
        f"requests.{GPU_RESOURCE}": str(gpu_quota),
        "requests.cpu": cpu_quota,
        "requests.memory": memory_quota,
        "pods": str(pods),
        # Tenants do not open the cluster to the network: exposure goes through the platform's ingress.
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    }


# Requests for containers that omit them (the quota counts requests, so every container needs one): small,
# so a forgotten request does not eat the quota. No default limit: Kubernetes applies a default limit even
# to a container that sets its own larger request, and then refuses it (request above limit); a container
# that sets only `nvidia.com/gpu` limits would be held to the default memory (and OOM-killed). A container
# without a memory limit may use what its node has free; under memory pressure the kubelet evicts the
# pods furthest above their requests first.
LIMIT_DEFAULT_REQUEST = {"cpu": "100m", "memory": "256Mi"}


def _ns_selector(namespace: str) -> dict[str, Any]:
    return {"matchLabels": {NAMESPACE_NAME_LABEL: namespace}}


# Every tenant namespace (each carries the tenant label).
_TENANT_NAMESPACES = {"matchExpressions": [{"key": TENANT_LABEL, "operator": "Exists"}]}


# The label every inference service's pods carry (meta.common_labels(name, "inference")).
INFERENCE_COMPONENT = {"app.kubernetes.io/component": "inference"}


def network_policy_specs(
    extra_egress: Sequence[EgressRule] = (),
    service_ports: Sequence[int] = (),
    interceptor: bool = False,
) -> dict[str, dict[str, Any]]:
    """NetworkPolicy name -> spec. Deny all, then open only what a tenant needs.

    `service_ports`: the container ports of the platform's inference services; a tenant's pods may call
    any service's pods on them (each service admits callers from every tenant: services-ingress-spec).
    `interceptor`: the KEDA HTTP add-on's interceptor is the in-cluster address of the services that
    scale to zero, so a tenant's pods may reach it."""
    all_pods: dict[str, Any] = {}
    specs: dict[str, dict[str, Any]] = {
        "default-deny-all": {"podSelector": all_pods, "policyTypes": ["Ingress", "Egress"]},
        "allow-same-namespace": {
            "podSelector": all_pods,
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [{"from": [{"podSelector": all_pods}]}],
            "egress": [{"to": [{"podSelector": all_pods}]}],
        },
        "allow-dns-egress": {
            "podSelector": all_pods,
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [
                        {
                            "namespaceSelector": _ns_selector("kube-system"),
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                        }
                    ],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                }
            ],
        },
        "allow-monitoring-ingress": {
            "podSelector": all_pods,
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": _ns_selector(MONITORING_NAMESPACE)}]}],
        },
        # HTTPS out, so the workload identity can reach the model bucket and the cloud's token service
        # (which may sit on private VPC endpoints). Other tenants stay unreachable: their own
        # default-deny ingress admits nothing from outside their namespace.
        "allow-https-egress": {
            "podSelector": all_pods,
            "policyTypes": ["Egress"],
            "egress": [
                {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 443}]}
            ],
        },
    }
    calls: list[dict[str, Any]] = []
    if service_ports:
        calls.append(
            {
                "to": [
                    {
                        "namespaceSelector": {
                            "matchExpressions": [{"key": TENANT_LABEL, "operator": "Exists"}]
                        },
                        "podSelector": {"matchLabels": dict(INFERENCE_COMPONENT)},
                    }
                ],
                "ports": [{"protocol": "TCP", "port": p} for p in sorted(set(service_ports))],
            }
        )
    if interceptor:
        calls.append(
            {
                "to": [
                    {
                        "namespaceSelector": _ns_selector(KEDA_NAMESPACE),
                        "podSelector": {"matchLabels": dict(INTERCEPTOR_POD_LABELS)},
                    }
                ],
                "ports": [{"protocol": "TCP", "port": INTERCEPTOR_PROXY_PORT}],
            }
        )
    if calls:
        specs["allow-service-egress"] = {"podSelector": all_pods, "policyTypes": ["Egress"], "egress": calls}
    if extra_egress:
        specs["allow-identity-egress"] = {
            "podSelector": all_pods,
            "policyTypes": ["Egress"],
            "egress": [
                {"to": [{"ipBlock": {"cidr": r.cidr}}], "ports": [{"protocol": r.protocol, "port": r.port}]}
                for r in extra_egress
            ],
        }
    return specs


def callers_ingress_spec(pod_selector: Mapping[str, str], port: int) -> dict[str, Any]:
    """Admit every tenant's pods to one service's pods on its container port: a service is published to
    the whole platform (the monitoring namespace is admitted by the tenant's own policy), the rest of its
    tenant's pods stay closed to other tenants."""
    return {
        "podSelector": {"matchLabels": dict(pod_selector)},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [
                    {"namespaceSelector": {"matchExpressions": [{"key": TENANT_LABEL, "operator": "Exists"}]}}
                ],
                "ports": [{"protocol": "TCP", "port": port}],
            }
        ],
    }


def interceptor_ingress_spec(pod_selector: Mapping[str, str], port: int) -> dict[str, Any]:
    """Admit the KEDA HTTP add-on's interceptor pods (and nothing else from the `keda` namespace) to one
    service's pods, on its container port only: every request to a scale-to-zero service on request rate
    arrives through the interceptor, which the tenant's default deny would otherwise drop."""
    return {
        "podSelector": {"matchLabels": dict(pod_selector)},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [
                    {
                        "namespaceSelector": _ns_selector(KEDA_NAMESPACE),
                        "podSelector": {"matchLabels": dict(INTERCEPTOR_POD_LABELS)},
                    }
                ],
                "ports": [{"protocol": "TCP", "port": port}],
            }
        ],
    }


_WRITE = ["get", "list", "watch", "create", "update", "patch", "delete"]
_READ = ["get", "list", "watch"]


def tenant_admin_rules() -> list[dict[str, Any]]:
    """What a tenant admin may do in the namespace: run workloads, never loosen isolation. Quotas,
    limit ranges, network policies, roles and service accounts (which carry the cloud identity) are
    read-only; the platform owns them. So are HTTPScaledObjects: the interceptor's routing table is
    cluster-wide, so a tenant able to write one could claim another tenant's Host header."""
    return [
        {
            "apiGroups": [""],
            "resources": ["pods", "services", "configmaps", "secrets", "persistentvolumeclaims"],
            "verbs": _WRITE,
        },
        {"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]},
        {"apiGroups": [""], "resources": ["pods/portforward"], "verbs": ["create"]},
        {"apiGroups": ["apps"], "resources": ["deployments", "statefulsets", "replicasets"], "verbs": _WRITE},
        {"apiGroups": ["batch"], "resources": ["jobs", "cronjobs"], "verbs": _WRITE},
        {"apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"], "verbs": _WRITE},
        {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": _WRITE},
        {"apiGroups": ["keda.sh"], "resources": ["scaledobjects", "scaledjobs"], "verbs": _WRITE},
        {
            "apiGroups": [""],
            "resources": ["events", "resourcequotas", "limitranges", "serviceaccounts"],
            "verbs": _READ,
        },
        {"apiGroups": ["http.keda.sh"], "resources": ["httpscaledobjects"], "verbs": _READ},
        {"apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies"], "verbs": _READ},
    ]


def isolation_problems(spec: PlatformSpec, handle: ClusterHandle) -> list[Problem]:
    """Tenant isolation is a promise: default-deny NetworkPolicies on a dataplane that ignores them would
    look isolated in every plan and isolate nothing. So a cluster that does not enforce them gets no
    tenants at all, rather than tenants without isolation (loud, before any in-cluster object)."""
    if not spec.tenants or handle.network_policy_enforced:
        return []
    return [
        Problem(
            "tenants",
            [t.name for t in spec.tenants],
            "the cluster does not enforce NetworkPolicy (ClusterHandle.network_policy_enforced is False), so "
            "tenant namespaces would not be isolated from each other",
            "enable NetworkPolicy enforcement in the cluster's cloud layer (EKS: vpc-cni "
            "enableNetworkPolicy; "
            "GKE: Dataplane V2; AKS: Cilium) and set network_policy_enforced=True, or remove the tenants",
        )
    ]
