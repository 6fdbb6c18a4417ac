"""`Tenant`: an isolated namespace with GPU quota, default-deny networking, admin RBAC and a workload
service account bound to a cloud identity that can read the tenant's prefix of the model bucket.

Policy and RBAC shapes are plain camelCase manifests from `isolation.py` (validated against the
Kubernetes schema in strict mode by the tests), hence the casts at the SDK boundary."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.core.args import known
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.conventions import RESERVED_NAMESPACES
from lepton_infra.core.errors import Problem
from lepton_infra.core.identity import BoundIdentity, IdentityBinder
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.meta import TENANT_LABEL, common_labels, namespace, psa_labels
from lepton_infra.kubernetes.priority import FORBIDDEN_PRIORITY_QUOTA, forbidden_priority_quota_spec
from lepton_infra.kubernetes.tenancy.isolation import (
    LIMIT_DEFAULT_REQUEST,
    EgressRule,
    network_policy_specs,
    resource_quota_hard,
    tenant_admin_rules,
)
from lepton_infra.spec import ClusterSpec, TenantSpec
from lepton_infra.spec.problems import like_spec_field

WORKLOAD_SERVICE_ACCOUNT = "workload"
ADMIN_ROLE = "tenant-admin"


def bucket_prefix(tenant: str) -> str:
    return f"tenants/{tenant}/"


@dataclass
class TenantArgs(ComponentArgs):
    name: str
    """The tenant's name: its namespace, its label value and its prefix of the model bucket
    (`tenants/<name>/`). A DNS label the spec accepts as a tenant name, not a reserved namespace."""
    kubernetes_version: str
    """The cluster's minor (`1.33`): the Pod Security Admission version the namespace pins."""
    bind_identity: IdentityBinder
    """The cloud's binder (`ClusterHandle.bind_identity`): gives the tenant's workload service account a
    cloud identity that reads the tenant's prefix of the model bucket."""
    gpu_quota: int = 0
    """Most GPUs the tenant's pods may request at once (ResourceQuota `requests.nvidia.com/gpu`). Default:
    0, no GPU pods until a quota is given."""
    cpu_quota: str = "64"
    """Most CPU the tenant's pods may request at once (a Kubernetes quantity). Default: 64 cores."""
    memory_quota: str = "256Gi"
    """Most memory the tenant's pods may request at once (a Kubernetes quantity). Default: 256Gi."""
    pods: int = 100
    """Most pods in the namespace at once. Default: 100."""
    admin_groups: Sequence[str] = ()
    """Identity-provider groups bound to the tenant's admin Role (as the cloud's tokens name them: IAM
    access-entry groups, Google Groups, Entra object ids). Default: none, and no admin Role or binding."""
    pod_security: str = "restricted"
    """Pod Security Admission level enforced on the namespace (`baseline` or `restricted`); what `restricted`
    would refuse is always warned about. Default: restricted."""
    extra_egress: Sequence[EgressRule] = field(default_factory=list)
    """Egress the default-deny policies also allow, one `allow-identity-egress` NetworkPolicy (the cloud's
    identity endpoints off port 443, `ClusterHandle.identity_egress`). Default: none; the tenant still
    reaches DNS, its own namespace and HTTPS anywhere."""
    service_ports: Sequence[int] = ()
    """The container ports of the platform's inference services: the tenant's pods may call any service's
    pods on them (each service admits callers from every tenant). Default: none."""
    interceptor_egress: bool = False
    """Let the tenant's pods reach the KEDA HTTP add-on's interceptor, the in-cluster address of the
    services that scale to zero on request rate. Default: off."""
    namespace_labels: Mapping[str, str] = field(default_factory=dict)
    """Extra labels on the namespace, from `IngressFacts.target_namespace_labels` when the platform routes
    to pods (AWS readiness gates). Default: none."""

    def problems(self) -> Iterator[Problem]:
        yield from like_spec_field("name", self.name, TenantSpec, "name")
        if known(self.name) and (self.name in RESERVED_NAMESPACES or self.name.startswith("kube-")):
            yield Problem(
                "name",
                self.name,
                "reserved namespace (Kubernetes or the platform uses it)",
                "pick another tenant name",
            )
        for arg in ("gpu_quota", "cpu_quota", "memory_quota", "pods", "pod_security"):
            yield from like_spec_field(arg, getattr(self, arg), TenantSpec, arg)
        yield from like_spec_field("kubernetes_version", self.kubernetes_version, ClusterSpec, "version")
        for i, group in enumerate(self.admin_groups):
            if known(group) and not str(group).strip():
                yield Problem(
                    f"admin_groups[{i}]",
                    group,
                    "an empty group name binds nobody",
                    "name the identity-provider group, or drop the entry",
                )


class Tenant(Component):
    TOKEN = "lepton:k8s:Tenant"

    def __init__(self, name: str, args: TenantArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        labels = {**common_labels(args.name, "tenant"), TENANT_LABEL: args.name}
        # The namespace-only labels (readiness-gate injection, Pod Security) go on the namespace alone: the
        # AWS load balancer controller reads its label from namespaces only.
        self.namespace = namespace(
            child_name(name, "namespace"),
            args.name,
            {
                **args.namespace_labels,
                **labels,
                **psa_labels(args.pod_security, args.kubernetes_version, warn="restricted"),
            },
            self.child_opts(),
        )
        ns = self.namespace.metadata.name

        def meta(object_name: str) -> k8s.meta.v1.ObjectMetaArgs:
            return k8s.meta.v1.ObjectMetaArgs(name=object_name, namespace=ns, labels=labels)

        self.quota = k8s.core.v1.ResourceQuota(
            child_name(name, "quota"),
            metadata=meta("tenant-quota"),
            spec=k8s.core.v1.ResourceQuotaSpecArgs(
                hard=resource_quota_hard(args.gpu_quota, args.cpu_quota, args.memory_quota, args.pods)
            ),
            opts=self.child_opts(),
        )
        # No pod of the tenant may run at a critical priority (see kubernetes/priority.py).
        self.priority_quota = k8s.core.v1.ResourceQuota(
            child_name(name, "priority-quota"),
            metadata=meta(FORBIDDEN_PRIORITY_QUOTA),
            spec=cast(Any, forbidden_priority_quota_spec()),
            opts=self.child_opts(),
        )
        self.limits = k8s.core.v1.LimitRange(
            child_name(name, "limits"),
            metadata=meta("tenant-defaults"),
            spec=k8s.core.v1.LimitRangeSpecArgs(
                limits=[
                    k8s.core.v1.LimitRangeItemArgs(type="Container", default_request=LIMIT_DEFAULT_REQUEST)
                ]
            ),
            opts=self.child_opts(),
        )
        self.network_policies = [
            k8s.networking.v1.NetworkPolicy(
                child_name(name, policy_name),
                metadata=meta(policy_name),
                spec=cast(Any, spec),
                opts=self.child_opts(),
            )
            for policy_name, spec in network_policy_specs(
                args.extra_egress, args.service_ports, args.interceptor_egress
            ).items()
        ]
        self.admin_role: k8s.rbac.v1.Role | None = None
        self.admin_binding: k8s.rbac.v1.RoleBinding | None = None
        if args.admin_groups:
            self.admin_role = k8s.rbac.v1.Role(
                child_name(name, "admin-role"),
                metadata=meta(ADMIN_ROLE),
                rules=cast(Any, tenant_admin_rules()),
                opts=self.child_opts(),
            )
            self.admin_binding = k8s.rbac.v1.RoleBinding(
                child_name(name, "admin-binding"),
                metadata=meta(ADMIN_ROLE),
                role_ref=k8s.rbac.v1.RoleRefArgs(
                    api_group="rbac.authorization.k8s.io", kind="Role", name=ADMIN_ROLE
                ),
                subjects=[
                    k8s.rbac.v1.SubjectArgs(kind="Group", name=group, api_group="rbac.authorization.k8s.io")
                    for group in args.admin_groups
                ],
                # A binding may name a Role that does not exist yet: no ordering needed.
                opts=self.child_opts(),
            )
        self.identity: BoundIdentity = args.bind_identity(
            child_name(name, "identity"),
            args.name,
            WORKLOAD_SERVICE_ACCOUNT,
            bucket_prefix(args.name),
            self.child_opts(),
        )
        self.service_account = k8s.core.v1.ServiceAccount(
            child_name(name, "workload-sa"),
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=WORKLOAD_SERVICE_ACCOUNT,
                namespace=ns,
                labels={**labels, **self.identity.labels},
                annotations=dict(self.identity.annotations),
            ),
            # Pods get the cloud identity through its own projected token, not the Kubernetes API token.
            automount_service_account_token=False,
            opts=self.child_opts(),
        )
        self.namespace_name: pulumi.Output[str] = ns  # type: ignore[assignment]
        self.service_account_name: pulumi.Output[str] = self.service_account.metadata.name  # type: ignore[assignment]
        self.finish({"namespace": ns, "service_account": self.service_account_name})
