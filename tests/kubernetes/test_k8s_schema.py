"""Every Kubernetes object the layer renders validates, in strict mode (unknown fields are errors),
against the schema of the handle's Kubernetes version; for every shipped stack's spec."""

from __future__ import annotations

import copy

import jsonschema
import pytest
from kubernetes_validate.utils import all_versions, major_minor

from tests.kubernetes.conftest import plan_addons
from tests.kubernetes.harness import SHIPPED_STACKS
from tests.kubernetes.manifests import builtin_objects, manifest, schema_version, validate_strict

CLUSTER_VERSION = "1.33"
EXPECTED_KINDS = {
    "Namespace",
    "ResourceQuota",
    "LimitRange",
    "NetworkPolicy",
    "Role",
    "RoleBinding",
    "ServiceAccount",
    "Deployment",
    "Service",
    "PodDisruptionBudget",
    "ConfigMap",
}


def test_schema_for_the_cluster_version_ships_offline() -> None:
    assert any(v.startswith(f"{CLUSTER_VERSION}.") for v in all_versions())
    assert schema_version(CLUSTER_VERSION) == CLUSTER_VERSION


def test_nearest_older_schema_when_the_version_is_absent() -> None:
    newest = major_minor(all_versions()[-1])
    assert schema_version("1.99") == newest


@pytest.fixture(scope="module", params=SHIPPED_STACKS)
def stack_plan(request: pytest.FixtureRequest):
    return request.param, plan_addons(request.param)


def test_every_builtin_object_validates_strictly(stack_plan) -> None:
    stack, planned = stack_plan
    objects = builtin_objects(planned.graph)
    kinds = {manifest(r)["kind"] for r in objects}
    assert kinds >= EXPECTED_KINDS, f"{stack}: missing kinds {EXPECTED_KINDS - kinds}"
    failures = []
    for resource in objects:
        if resource.type.endswith("Patch"):
            continue  # a server-side apply patch names only the fields it owns (the JobSet priority patch)
        try:
            validate_strict(manifest(resource), CLUSTER_VERSION)
        except jsonschema.ValidationError as err:
            failures.append(f"{resource.name}: {err.message} at {list(err.absolute_path)}")
    assert not failures, "\n".join(failures)


def test_no_plain_hpa(prod) -> None:
    """Every service scales through KEDA (its own HPA is KEDA's, not in the plan)."""
    assert not [r for r in builtin_objects(prod.graph) if manifest(r)["kind"] == "HorizontalPodAutoscaler"]


def test_strict_mode_rejects_an_unknown_field(prod) -> None:
    """The check can fail: a misspelled field in a rendered Deployment is an error."""
    doc = copy.deepcopy(manifest(prod.graph.named("acme-ai-k8s-svc-sentiment-deployment")))
    doc["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFS"] = True
    with pytest.raises(jsonschema.ValidationError):
        validate_strict(doc, CLUSTER_VERSION)
