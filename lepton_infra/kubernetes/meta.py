"""Small shared builders for Kubernetes metadata: labels, Pod Security Admission, namespaces."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_kubernetes as k8s

PART_OF = "lepton"
MANAGED_BY = "lepton-infra"
TENANT_LABEL = "lepton.ai/tenant"
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"  # set by the API server on every namespace


def common_labels(name: str, component: str) -> dict[str, str]:
    return {
        "app.kubernetes.io/name": name,
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": MANAGED_BY,
    }


def psa_labels(enforce: str, kubernetes_version: str, warn: str | None = None) -> dict[str, str]:
    """Pod Security Admission labels. The enforce version is pinned to the cluster's minor version so
    a control-plane upgrade never tightens or loosens the policy silently."""
    version = f"v{kubernetes_version}"
    warn = warn or enforce
    return {
        "pod-security.kubernetes.io/enforce": enforce,
        "pod-security.kubernetes.io/enforce-version": version,
        "pod-security.kubernetes.io/audit": warn,
        "pod-security.kubernetes.io/audit-version": version,
        "pod-security.kubernetes.io/warn": warn,
        "pod-security.kubernetes.io/warn-version": version,
    }


def namespace(
    resource_name: str, name: str, labels: Mapping[str, str], opts: pulumi.ResourceOptions
) -> k8s.core.v1.Namespace:
    return k8s.core.v1.Namespace(
        resource_name,
        metadata=k8s.meta.v1.ObjectMetaArgs(name=name, labels=dict(labels)),
        opts=opts,
    )
