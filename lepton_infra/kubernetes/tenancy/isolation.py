"""The tenant's isolation as data: quota, default limits, network policies, the admin Role's rules.

Pure functions of plain values, so the security-relevant shapes are tested without Pulumi and the
component only turns them into resources.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lepton_infra.core.cluster_handle import EgressRule as EgressRule  # re-exported: it moved to core
from lepton_infra.core.conventions import GPU_RESOURCE, KEDA_NAMESPACE, MONITORING_NAMESPACE
from lepton_infra.kubernetes.charts.pinned import INTERCEPTOR_POD_LABELS
from lepton_infra.kubernetes.meta import NAMESPACE_NAME_LABEL


def resource_quota_hard(gpu_quota: int, cpu_quota: str, memory_quota: str, pods: int) -> dict[str, str]:
    return {
        f"requests.{GPU_RESOURCE}": str(gpu_quota),
        "requests.cpu": cpu_quota,
        "limits.cpu": cpu_quota,
        "requests.memory": memory_quota,
        "limits.memory": memory_quota,
        "pods": str(pods),
        # Tenants do not open the cluster to the network: exposure goes through the platform's ingress.
        "services.loadbalancers": "0",
        "services.nodeports": "0",
    }


# Defaults for containers that omit resources: small, so a forgotten limit cannot eat the quota.
LIMIT_DEFAULT = {"cpu": "1", "memory": "1Gi"}
LIMIT_DEFAULT_REQUEST = {"cpu": "100m", "memory": "256Mi"}


def _ns_selector(namespace: str) -> dict[str, Any]:
    return {"matchLabels": {NAMESPACE_NAME_LABEL: namespace}}


def network_policy_specs(extra_egress: Sequence[EgressRule] = ()) -> dict[str, dict[str, Any]]:
    """NetworkPolicy name -> spec. Deny all, then open only what a tenant needs."""
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
