"""Workload rules over the pod specs a program declares: no privileged containers or host namespaces,
resources on every container, no `latest` image."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lepton_infra.core.conventions import (
    SYSTEM_NAMESPACES,
)
from lepton_infra.policy.model import NotApplicable, ResourceView, Severity
from lepton_infra.policy.props import as_bool, as_list, as_mapping, dig, is_set, is_unknown
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.kubernetes.objects import NAMESPACES_SCHEMA, containers, namespace_of, pod_spec
from lepton_infra.policy.rules.kubernetes.tokens import K8S, WORKLOADS


def privileged_allowed(r: ResourceView) -> bool:
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
    if privileged_allowed(r):
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
    if privileged_allowed(r):
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
