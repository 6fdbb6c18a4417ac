"""Tenant namespace rules: a ResourceQuota and a default-deny NetworkPolicy in each."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import Finding, ResourceView, Severity, StackView
from lepton_infra.policy.props import as_list, as_mapping
from lepton_infra.policy.registry import stack_rule
from lepton_infra.policy.rules.kubernetes.objects import (
    NAMESPACES_SCHEMA,
    in_namespace,
    objects_for,
    tenant_namespaces,
)
from lepton_infra.policy.rules.kubernetes.tokens import K8S, NETWORK_POLICY, RESOURCE_QUOTA


@stack_rule(
    id="lepton-k8s-tenant-resource-quota",
    title="Tenant namespaces have a ResourceQuota",
    severity=Severity.HIGH,
    clouds=K8S,
    description="Every namespace that is not a system namespace has a ResourceQuota, so one tenant cannot "
    "take every GPU.",
    remediation="Create a ResourceQuota in the namespace with `requests.nvidia.com/gpu`, cpu, memory, pods.",
    config_schema={"systemNamespaces": NAMESPACES_SCHEMA},
)
def tenant_resource_quota(stack: StackView) -> Iterator[Finding]:
    index = in_namespace(stack, RESOURCE_QUOTA)
    for ns, name in tenant_namespaces(stack):
        if not objects_for(ns, name, index):
            yield Finding(f"namespace {name or ns.name} has no ResourceQuota", ns.urn)


def _denies_ingress(policy: ResourceView) -> bool:
    selector = as_mapping(policy.get("spec.podSelector"))
    selects_all = not selector.get("matchLabels") and not selector.get("matchExpressions")
    types = as_list(policy.get("spec.policyTypes"))
    return selects_all and "Ingress" in types and not as_list(policy.get("spec.ingress"))


@stack_rule(
    id="lepton-k8s-tenant-default-deny",
    title="Tenant namespaces have a default-deny NetworkPolicy",
    severity=Severity.HIGH,
    clouds=K8S,
    description="Every tenant namespace has a NetworkPolicy that selects all pods, lists Ingress in "
    "`policyTypes` and allows no ingress (traffic is then opened by narrower policies).",
    remediation="Create `NetworkPolicy(spec={'podSelector': {}, 'policyTypes': ['Ingress', 'Egress']})`.",
    config_schema={"systemNamespaces": NAMESPACES_SCHEMA},
)
def tenant_default_deny(stack: StackView) -> Iterator[Finding]:
    index = in_namespace(stack, NETWORK_POLICY)
    for ns, name in tenant_namespaces(stack):
        if not any(_denies_ingress(p) for p in objects_for(ns, name, index)):
            yield Finding(f"namespace {name or ns.name} has no default-deny ingress NetworkPolicy", ns.urn)
