"""In-cluster rules, over `kubernetes:*` type tokens: the same on every cloud.

Helm releases are opaque here (their values are not rendered objects); the rules see the objects a
program declares itself, which is where the platform's workloads and tenants live.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.core.conventions import (
    CERT_MANAGER_NAMESPACE,
    INGRESS_NAMESPACE,
    KEDA_NAMESPACE,
    KUEUE_NAMESPACE,
    SYSTEM_NAMESPACES,
)
from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import as_bool, as_list, as_mapping, dig, is_set, is_unknown
from lepton_infra.policy.registry import resource_rule, stack_rule

K8S = ("kubernetes",)
# Where each workload kind keeps its pod spec.
POD_SPEC_PATHS = {
    "kubernetes:core/v1:Pod": "spec",
    "kubernetes:apps/v1:Deployment": "spec.template.spec",
    "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
    "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
    "kubernetes:apps/v1:ReplicaSet": "spec.template.spec",
    "kubernetes:batch/v1:Job": "spec.template.spec",
    "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
}
WORKLOADS = tuple(POD_SPEC_PATHS)
NAMESPACE = "kubernetes:core/v1:Namespace"
RESOURCE_QUOTA = "kubernetes:core/v1:ResourceQuota"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
# Not tenants: Kubernetes' own namespaces and the platform's system namespaces.
NON_TENANT_NAMESPACES = frozenset(
    {
        *SYSTEM_NAMESPACES,
        KEDA_NAMESPACE,
        KUEUE_NAMESPACE,
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


def _privileged_allowed(r: ResourceView) -> bool:
    allowed = set(SYSTEM_NAMESPACES) | set(as_list(r.config.get("allowedNamespaces")))
    return namespace_of(r) in allowed


@resource_rule(
    id="lepton-k8s-no-privileged-containers",
    title="No privileged containers outside system namespaces",
    severity=Severity.HIGH,
    types=WORKLOADS,
    clouds=K8S,
    description="No container sets `securityContext.privileged` or adds SYS_ADMIN, unless the workload "
    "lives in an allow-listed system namespace (kube-system, gpu-operator, monitoring).",
    remediation="Drop `privileged`; add only the capabilities the process needs.",
    anchors=("checkov:CKV_K8S_16", "checkov:CKV_K8S_39"),
    config_schema={"allowedNamespaces": NAMESPACES_SCHEMA},
)
def no_privileged(r: ResourceView) -> Iterator[str]:
    if _privileged_allowed(r):
        raise NotApplicable(f"namespace {namespace_of(r)} is allow-listed")
    for where, c in containers(pod_spec(r)):
        context = as_mapping(c.get("securityContext"))
        if as_bool(context.get("privileged")) is True:
            yield f"{where} is privileged"
        if "SYS_ADMIN" in as_list(dig(context, "capabilities.add")):
            yield f"{where} adds SYS_ADMIN"


@resource_rule(
    id="lepton-k8s-no-host-namespaces",
    title="No host network, PID or IPC outside system namespaces",
    severity=Severity.HIGH,
    types=WORKLOADS,
    clouds=K8S,
    description="Pod specs do not set `hostNetwork`, `hostPID` or `hostIPC`, unless in an allow-listed "
    "system namespace.",
    remediation="Remove the host namespace; expose ports through a Service.",
    anchors=("checkov:CKV_K8S_17", "checkov:CKV_K8S_18", "checkov:CKV_K8S_19"),
    config_schema={"allowedNamespaces": NAMESPACES_SCHEMA},
)
def no_host_namespaces(r: ResourceView) -> Iterator[str]:
    if _privileged_allowed(r):
        raise NotApplicable(f"namespace {namespace_of(r)} is allow-listed")
    spec = pod_spec(r)
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if as_bool(spec.get(field)) is True:
            yield f"{field} is true"


@resource_rule(
    id="lepton-k8s-resources",
    title="Every container has resource requests and a memory limit",
    severity=Severity.MEDIUM,
    types=WORKLOADS,
    clouds=K8S,
    description="Each container sets `resources.requests.cpu`, `resources.requests.memory` and "
    "`resources.limits.memory`. A CPU limit is not required: it throttles without protecting neighbours.",
    remediation="Set `resources={'requests': {'cpu': ..., 'memory': ...}, 'limits': {'memory': ...}}`.",
    anchors=("checkov:CKV_K8S_10", "checkov:CKV_K8S_12", "checkov:CKV_K8S_13"),
)
def resources(r: ResourceView) -> Iterator[str]:
    for where, c in containers(pod_spec(r)):
        res = as_mapping(c.get("resources"))
        if is_unknown(c.get("resources")):
            continue
        for path in ("requests.cpu", "requests.memory", "limits.memory"):
            if not is_set(dig(res, path)):
                yield f"{where} has no resources.{path}"


def _image_problem(image: Any) -> str | None:
    if not isinstance(image, str) or "@sha256:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return f"image {image} has no tag (means :latest)"
    if last.rsplit(":", 1)[1] == "latest":
        return f"image {image} uses :latest"
    return None


@resource_rule(
    id="lepton-k8s-no-latest-image",
    title="No :latest or untagged images",
    severity=Severity.MEDIUM,
    types=WORKLOADS,
    clouds=K8S,
    description="Every container image has an explicit tag other than `latest`, or a digest.",
    remediation="Pin `image: registry/app:1.4.2` or `@sha256:...`.",
    anchors=("checkov:CKV_K8S_14", "checkov:CKV_K8S_43"),
)
def no_latest_image(r: ResourceView) -> Iterator[str]:
    for where, c in containers(pod_spec(r)):
        problem = _image_problem(c.get("image"))
        if problem:
            yield f"{where}: {problem}"


def _tenant_namespaces(stack: StackView) -> list[tuple[ResourceView, str | None]]:
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


def _in_namespace(
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


def _objects_for(
    ns: ResourceView,
    name: str | None,
    index: tuple[dict[str, list[ResourceView]], dict[str, list[ResourceView]]],
) -> list[ResourceView]:
    by_name, by_dep = index
    return (by_name.get(name, []) if name else []) + by_dep.get(ns.urn, [])


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
    index = _in_namespace(stack, RESOURCE_QUOTA)
    for ns, name in _tenant_namespaces(stack):
        if not _objects_for(ns, name, index):
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
    index = _in_namespace(stack, NETWORK_POLICY)
    for ns, name in _tenant_namespaces(stack):
        if not any(_denies_ingress(p) for p in _objects_for(ns, name, index)):
            yield Finding(f"namespace {name or ns.name} has no default-deny ingress NetworkPolicy", ns.urn)
