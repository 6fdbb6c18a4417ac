"""The capacity-fallback ComputeClasses on GKE (`gcp.capacity_fallback`; what and why:
profiles/gcp/compute_class.py). GKE serves the ComputeClass API itself, so the objects need no chart."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.core.cluster_handle import NodeTaint
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.meta import common_labels
from lepton_infra.profiles.gcp.compute_class import (
    COMPUTE_CLASS_API,
    COMPUTE_CLASS_KEY,
    COMPUTE_CLASS_TAINT_EFFECT,
    FallbackClass,
    compute_class_spec,
)


def class_taints(classes: Sequence[FallbackClass]) -> tuple[NodeTaint, ...]:
    """The taints of the enrolled pools, for the GPU pods and Kueue flavors to tolerate: a pod pinned to one
    pool (Kueue's per-pool flavors, a service's GPU type) does not select the class, so GKE does not add
    the toleration for it."""
    return tuple(NodeTaint(COMPUTE_CLASS_KEY, c.name, COMPUTE_CLASS_TAINT_EFFECT) for c in classes)


def compute_classes(
    name: str,
    classes: Sequence[FallbackClass],
    opts: pulumi.ResourceOptions,
) -> list[k8s.apiextensions.CustomResource]:
    """One cluster-scoped ComputeClass per class (`opts` carries the cluster's provider and the pools)."""
    return [
        k8s.apiextensions.CustomResource(
            child_name(name, f"compute-class-{c.name}"),
            api_version=COMPUTE_CLASS_API,
            kind="ComputeClass",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=c.name, labels=common_labels("capacity-fallback", "compute-class")
            ),
            spec=dict(compute_class_spec(c)),
            opts=opts,
        )
        for c in classes
    ]
