"""How the in-cluster rules find what they judge: a workload's pod spec and containers, an object's
namespace, the tenants' namespaces and what lies in them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lepton_infra.core.conventions import (
    CERT_MANAGER_NAMESPACE,
    INGRESS_NAMESPACE,
    JOBSET_NAMESPACE,
    KEDA_NAMESPACE,
    KUEUE_NAMESPACE,
    SYSTEM_NAMESPACES,
)
from lepton_infra.policy.model import NotApplicable, ResourceView, StackView
from lepton_infra.policy.props import as_list, as_mapping
from lepton_infra.policy.rules.kubernetes.tokens import NAMESPACE, POD_SPEC_PATHS

# Not tenants: Kubernetes' own namespaces and the platform's system namespaces.
NON_TENANT_NAMESPACES = frozenset(
    {
        *SYSTEM_NAMESPACES,
        KEDA_NAMESPACE,
        KUEUE_NAMESPACE,
        JOBSET_NAMESPACE,
        CERT_MANAGER_NAMESPACE,
        INGRESS_NAMESPACE,
        "default",
        "kube-public",
        "kube-node-lease",
    }
)


PSA_ENFORCE = "pod-security.kubernetes.io/enforce"


NAMESPACES_SCHEMA = {"type": "array", "items": {"type": "string"}}


def pod_spec(r: ResourceView) -> Mapping[str, Any]:
    return as_mapping(r.get(POD_SPEC_PATHS[r.type]))


def namespace_of(r: ResourceView) -> str:
    namespace = r.get("metadata.namespace")
    return namespace if isinstance(namespace, str) and namespace else "default"


def containers(spec: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    out = []
    for field in ("initContainers", "containers"):
        for c in as_list(spec.get(field)):
            c = as_mapping(c)
            out.append((f"{field}[{c.get('name', '?')}]", c))
    return out


def tenant_namespaces(stack: StackView) -> list[tuple[ResourceView, str | None]]:
    """Namespaces that are neither Kubernetes' nor the platform's own, nor listed in `systemNamespaces`,
    nor labelled for privileged pods (Pod Security `enforce: privileged` marks a system namespace;
    tenants run `restricted`)."""
    extra = set(as_list(stack.config.get("systemNamespaces")))
    out = []
    for ns in stack.of_type(NAMESPACE):
        name = ns.get("metadata.name")
        name = name if isinstance(name, str) else None
        privileged = as_mapping(ns.get("metadata.labels")).get(PSA_ENFORCE) == "privileged"
        if name not in NON_TENANT_NAMESPACES and name not in extra and not privileged:
            out.append((ns, name))
    if not out:
        raise NotApplicable("no tenant namespace in the stack")
    return out


def in_namespace(
    stack: StackView, type_: str
) -> tuple[dict[str, list[ResourceView]], dict[str, list[ResourceView]]]:
    """Objects of a type by namespace name and by the URNs they depend on (a namespace's name may be
    auto-generated, so a dependency on the Namespace resource counts too)."""
    by_name: dict[str, list[ResourceView]] = {}
    by_dep: dict[str, list[ResourceView]] = {}
    for r in stack.of_type(type_):
        by_name.setdefault(namespace_of(r), []).append(r)
        for dep in r.dependencies:
            by_dep.setdefault(dep, []).append(r)
    return by_name, by_dep


def objects_for(
    ns: ResourceView,
    name: str | None,
    index: tuple[dict[str, list[ResourceView]], dict[str, list[ResourceView]]],
) -> list[ResourceView]:
    by_name, by_dep = index
    return (by_name.get(name, []) if name else []) + by_dep.get(ns.urn, [])
