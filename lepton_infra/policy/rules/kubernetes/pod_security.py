"""Pod hardening rules over the workloads a program declares (CIS Kubernetes 5.2, Pod Security
`restricted`): non-root, read-only root filesystem, every capability dropped, RuntimeDefault seccomp, Pod
Security labels on
tenant namespaces, digest-pinned images in prod. System namespaces (kube-system, gpu-operator,
monitoring, and the rule's `allowedNamespaces`) are exempt from the container rules, as for privileged
containers: their agents are charts with their own contexts."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import UNKNOWN, as_bool, as_list, as_mapping, dig, is_unknown
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules._shared import require_prod
from lepton_infra.policy.rules.common import ENVIRONMENT_SCHEMA
from lepton_infra.policy.rules.kubernetes.objects import (
    NAMESPACES_SCHEMA,
    PSA_ENFORCE,
    containers,
    namespace_of,
    pod_spec,
    tenant_namespaces,
)
from lepton_infra.policy.rules.kubernetes.tokens import K8S, WORKLOADS
from lepton_infra.policy.rules.kubernetes.workloads import privileged_allowed

RESTRICTING_LEVELS = frozenset({"baseline", "restricted"})


def _tenant_containers(r: ResourceView) -> Iterator[tuple[str, Mapping[str, Any], Mapping[str, Any]]]:
    """(where, container, container securityContext) outside allow-listed system namespaces."""
    if privileged_allowed(r):
        raise NotApplicable(f"namespace {namespace_of(r)} is allow-listed")
    for where, c in containers(pod_spec(r)):
        if not is_unknown(c.get("securityContext")):
            yield where, c, as_mapping(c.get("securityContext"))


@resource_rule(
    id="lepton-k8s-run-as-non-root",
    title="Containers run as a non-root user",
    severity=Severity.HIGH,
    types=WORKLOADS,
    clouds=K8S,
    description="Each container's `securityContext.runAsNonRoot` (or the pod's) is true and no "
    "`runAsUser` is 0, so the kubelet refuses an image whose user is root.",
    remediation="Set `securityContext={'runAsNonRoot': True, 'runAsUser': 10001}` on the pod or container.",
    anchors=("checkov:CKV_K8S_23", "checkov:CKV_K8S_40"),
    config_schema={"allowedNamespaces": NAMESPACES_SCHEMA},
)
def run_as_non_root(r: ResourceView) -> Iterator[str]:
    pod_context = as_mapping(pod_spec(r).get("securityContext"))
    pod_non_root = as_bool(pod_context.get("runAsNonRoot")) is True
    for where, _, context in _tenant_containers(r):
        non_root = context.get("runAsNonRoot", UNKNOWN if pod_non_root else None)
        if not (as_bool(non_root) is True or (non_root is UNKNOWN and pod_non_root)):
            yield f"{where} does not set runAsNonRoot"
        user = context.get("runAsUser", pod_context.get("runAsUser"))
        if user in (0, 0.0, "0"):
            yield f"{where} runs as uid 0"


@resource_rule(
    id="lepton-k8s-read-only-root-filesystem",
    title="Containers have a read-only root filesystem",
    severity=Severity.MEDIUM,
    types=WORKLOADS,
    clouds=K8S,
    description="Each container sets `securityContext.readOnlyRootFilesystem`; writable paths are "
    "emptyDir mounts (/tmp, caches).",
    remediation="Set `readOnlyRootFilesystem: true` and mount an emptyDir where the process writes.",
    anchors=("checkov:CKV_K8S_22",),
    config_schema={"allowedNamespaces": NAMESPACES_SCHEMA},
)
def read_only_root_filesystem(r: ResourceView) -> Iterator[str]:
    for where, _, context in _tenant_containers(r):
        if as_bool(context.get("readOnlyRootFilesystem")) is not True:
            yield f"{where} has a writable root filesystem"


@resource_rule(
    id="lepton-k8s-drop-all-capabilities",
    title="Containers drop every capability and cannot escalate",
    severity=Severity.MEDIUM,
    types=WORKLOADS,
    clouds=K8S,
    description="Each container's `securityContext.capabilities.drop` holds ALL and "
    "`allowPrivilegeEscalation` is false (Pod Security `restricted`).",
    remediation="Set `capabilities: {drop: [ALL]}` and `allowPrivilegeEscalation: false`; add back only "
    "NET_BIND_SERVICE if the process binds a port below 1024.",
    anchors=("checkov:CKV_K8S_28", "checkov:CKV_K8S_37", "checkov:CKV_K8S_20"),
    config_schema={"allowedNamespaces": NAMESPACES_SCHEMA},
)
def drop_all_capabilities(r: ResourceView) -> Iterator[str]:
    for where, _, context in _tenant_containers(r):
        dropped = [str(c).upper() for c in as_list(dig(context, "capabilities.drop"))]
        if "ALL" not in dropped:
            yield f"{where} does not drop ALL capabilities"
        if as_bool(context.get("allowPrivilegeEscalation")) is not False:
            yield f"{where} does not set allowPrivilegeEscalation: false"


@resource_rule(
    id="lepton-k8s-seccomp-runtime-default",
    title="Containers run under the RuntimeDefault seccomp profile",
    severity=Severity.MEDIUM,
    types=WORKLOADS,
    clouds=K8S,
    description="Each container's `securityContext.seccompProfile.type` (or the pod's) is RuntimeDefault or "
    "Localhost (Pod Security `restricted`): the container runtime's syscall filter applies. Unset means "
    "Unconfined on most clusters.",
    remediation="Set `securityContext={'seccompProfile': {'type': 'RuntimeDefault'}}` on the pod.",
    anchors=("checkov:CKV_K8S_31",),
    config_schema={"allowedNamespaces": NAMESPACES_SCHEMA},
)
def seccomp_runtime_default(r: ResourceView) -> Iterator[str]:
    pod_profile = dig(as_mapping(pod_spec(r).get("securityContext")), "seccompProfile.type")
    for where, _, context in _tenant_containers(r):
        profile = dig(context, "seccompProfile.type") or pod_profile
        if not is_unknown(profile) and profile not in ("RuntimeDefault", "Localhost"):
            yield f"{where} runs with seccomp profile {profile or 'unset (Unconfined)'}"


@stack_rule(
    id="lepton-k8s-tenant-pod-security-labels",
    title="Tenant namespaces enforce a Pod Security level",
    severity=Severity.HIGH,
    clouds=K8S,
    description=f"Every tenant namespace carries `{PSA_ENFORCE}` baseline or restricted, so the API server "
    "refuses privileged pods there whatever the workload declares.",
    remediation=f"Label the namespace `{PSA_ENFORCE}: restricted` (with the `-version` label pinned).",
    config_schema={"systemNamespaces": NAMESPACES_SCHEMA},
)
def tenant_pod_security_labels(stack: StackView) -> Iterator[Finding]:
    for ns, name in tenant_namespaces(stack):
        labels = ns.get("metadata.labels")
        if is_unknown(labels):
            continue
        level = as_mapping(labels).get(PSA_ENFORCE)
        if level not in RESTRICTING_LEVELS:
            yield Finding(
                f"namespace {name or ns.name} has no {PSA_ENFORCE} baseline/restricted label "
                f"(found {level!r})",
                ns.urn,
            )


@resource_rule(
    id="lepton-k8s-image-digest-in-prod",
    title="Prod workloads pin images by digest",
    severity=Severity.MEDIUM,
    types=WORKLOADS,
    clouds=K8S,
    description="In prod, every container image is `name@sha256:<digest>`: a tag can be moved to other "
    "content after review, a digest cannot.",
    remediation="Deploy `registry/app@sha256:...` (`services[].image` in the spec refuses a tag in prod).",
    anchors=("checkov:CKV_K8S_43",),
    config_schema={**ENVIRONMENT_SCHEMA, "allowedNamespaces": NAMESPACES_SCHEMA},
)
def image_digest_in_prod(r: ResourceView) -> Iterator[str]:
    require_prod(r)
    for where, c, _ in _tenant_containers(r):
        image = c.get("image")
        if isinstance(image, str) and "@sha256:" not in image:
            yield f"{where}: image {image} is not pinned by digest"
