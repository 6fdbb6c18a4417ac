"""Turn recorded Kubernetes resources back into manifests and validate them with kubernetes-validate."""

from __future__ import annotations

import functools
from typing import Any

import kubernetes_validate
import kubernetes_validate.utils
from kubernetes_validate.utils import all_versions, major_minor

from lepton_infra.plan.record import PlannedGraph, RecordedResource, whole_numbers

# Resources that are not plain Kubernetes objects: Helm releases and instances of CRDs (no schema ships
# with kubernetes-validate for those; their shape is asserted field by field instead).
CUSTOM_RESOURCE_GROUPS = (
    "monitoring.coreos.com/",
    "keda.sh/",
    "kueue.x-k8s.io/",
    "cert-manager.io/",
    "gateway.networking.k8s.io/",
    "networking.gke.io/",
    "approuting.kubernetes.azure.com/",
    "cloud.google.com/",  # GKE's ComputeClass: tests/gcp/test_gcp_capacity_fallback.py
)  # AKS NginxIngressController: tests/azure/test_azure_traffic.py
HELM_RELEASE = "kubernetes:helm.sh/v3:Release"


def chart_name(release: RecordedResource) -> str:
    """A Release's chart name: its `chart` input, or the last segment of an `oci://` chart address."""
    return str(release.get("chart")).rsplit("/", 1)[-1]


def manifest(resource: RecordedResource) -> dict[str, Any]:
    """The object the API server receives: the recorded camelCase inputs, apiVersion and kind included."""
    doc = whole_numbers(dict(resource.inputs))
    assert doc.get("apiVersion") and doc.get("kind"), f"{resource.name}: no apiVersion/kind recorded"
    return doc


def is_builtin_object(resource: RecordedResource) -> bool:
    return (
        resource.type.startswith("kubernetes:")
        and resource.type != HELM_RELEASE
        and not any(g in resource.type for g in CUSTOM_RESOURCE_GROUPS)
    )


def is_custom_resource(resource: RecordedResource) -> bool:
    return resource.type.startswith("kubernetes:") and any(g in resource.type for g in CUSTOM_RESOURCE_GROUPS)


def builtin_objects(graph: PlannedGraph) -> list[RecordedResource]:
    return [r for r in graph.managed if r.custom and is_builtin_object(r)]


def schema_version(cluster_version: str) -> str:
    """The schema set kubernetes-validate ships for the cluster's minor version, or the nearest older
    one when it is absent (the package ships 1.28-1.37 offline, so 1.33 is exact today)."""
    available = [major_minor(v) for v in all_versions()]
    if cluster_version in available:
        return cluster_version
    older = [
        v for v in available if tuple(map(int, v.split("."))) <= tuple(map(int, cluster_version.split(".")))
    ]
    return older[-1] if older else available[0]


# kubernetes-validate 1.37 (kubernetes_validate/utils.py, validate) reads and parses the kind's schema file
# and the version's _definitions.json (megabytes of JSON) on every call; the suite validates thousands of
# objects, and profiling showed that parsing was three quarters of the validation time. The files do not
# change while the suite runs and jsonschema only reads them, so each file is parsed once per process:
# every object is still validated against the same schema, strictly.
if not hasattr(kubernetes_validate.utils.schema_contents, "cache_info"):
    kubernetes_validate.utils.schema_contents = functools.cache(kubernetes_validate.utils.schema_contents)


def validate_strict(doc: dict[str, Any], cluster_version: str) -> str:
    return kubernetes_validate.validate(doc, schema_version(cluster_version), strict=True)
