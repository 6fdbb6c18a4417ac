"""Every Kubernetes object a shipped stack renders (the cloud layer's and the in-cluster layer's), as
planned by the stack's own program, validates strictly against the cluster version's schema."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec.cluster import DEFAULT_VERSION
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS
from tests.kubernetes.manifests import builtin_objects, is_custom_resource, manifest, validate_strict


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_kubernetes_object_of_the_stack_validates(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    version = json.loads(graph.config["lepton:platform"]).get("cluster", {}).get("version", DEFAULT_VERSION)
    objects = builtin_objects(graph)
    kinds = {manifest(r)["kind"] for r in objects}
    assert {"Namespace", "ResourceQuota", "NetworkPolicy", "Deployment", "StorageClass"} <= kinds
    failures = []
    for resource in objects:
        if resource.type.endswith("Patch"):
            continue  # a server-side apply patch names only the fields it owns (the JobSet priority patch)
        try:
            validate_strict(manifest(resource), version)
        except jsonschema.ValidationError as err:
            failures.append(f"{resource.name}: {err.message} at {list(err.absolute_path)}")
    assert failures == []


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_custom_resources_are_only_the_known_crds(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    kinds = {manifest(r)["kind"] for r in graph.managed if is_custom_resource(r)}
    assert kinds <= {
        "PrometheusRule",
        "ServiceMonitor",
        "PodMonitor",
        "ScaledObject",
        "HTTPScaledObject",
        "ResourceFlavor",
        "ClusterQueue",
        "LocalQueue",
        "NginxIngressController",
        "WorkloadPriorityClass",
        "AdmissionCheck",
        "ProvisioningRequestConfig",
        "Topology",  # Kueue's, on topology-aware GPU flavors (the *-train stacks)
        "Certificate",
        "ClusterIssuer",
        "Gateway",
        "HTTPRoute",
        "ReferenceGrant",
        # GKE's Gateway policies (tests/gcp/test_gcp_traffic.py validates them against their CRDs)
        "GCPGatewayPolicy",
        "HealthCheckPolicy",
        "GCPBackendPolicy",
        # GKE's custom ComputeClass (gcp.capacity_fallback; tests/gcp/test_gcp_capacity_fallback.py)
        "ComputeClass",
    }
    assert "PrometheusRule" in kinds and "ServiceMonitor" in kinds
