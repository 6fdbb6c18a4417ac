"""The JobSet API (kubernetes/jobs/jobset.py), planned whole on aws-prod with its h100 pool topology-aware
(the journeys' `aws-prod+multinode` variant): the pinned release with values the chart defines, hardened,
on the system pool; its controller at the platform's class through the Deployment patch (the chart has no
key for it); Kueue integrating JobSets and starting after them; the tenants' jobs Role covering JobSets.
Without a topology-aware pool (the six shipped stacks) none of it exists."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from lepton_infra.kubernetes.charts.images import chart_image_patterns
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from lepton_infra.spec import PlatformSpec
from lepton_infra.spec.chart_rules import charts_installed
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS, shipped_spec
from tests.journeys.conftest import variant_graph
from tests.kubernetes.manifests import HELM_RELEASE, chart_name
from tests.kubernetes.pins import pinned_name
from tests.kubernetes.test_k8s_chart_values import chart_keys, unknown_keys
from tests.kubernetes.test_k8s_system_workload_hardening import WORKLOADS, unmet

PATCH = "kubernetes:apps/v1:DeploymentPatch"
PRIORITY_CLASS = "kubernetes:scheduling.k8s.io/v1:PriorityClass"
ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role"


@pytest.fixture(scope="module")
def multinode() -> PlannedGraph:
    return variant_graph("aws-prod+multinode")


def _release(graph: PlannedGraph, chart: str) -> RecordedResource:
    found = [r for r in graph.of_type(HELM_RELEASE) if chart_name(r) == chart]
    assert len(found) == 1, f"{len(found)} releases of {chart}"
    return found[0]


def _kueue_frameworks(graph: PlannedGraph) -> list[str]:
    values = _release(graph, "kueue").get("values")
    return yaml.safe_load(values["managerConfig"]["controllerManagerConfigYaml"])["integrations"][
        "frameworks"
    ]


# The shipped stacks with a topology_aware GPU pool (aws-train's h100-efa, azure-train's h100); gcp-train's
# pool is not topology-aware (its stack file says why).
TOPOLOGY_AWARE_STACKS = ["aws-train", "azure-train"]


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_jobset_only_with_a_topology_aware_pool(
    stack: str, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    releases = [r.name for r in graph.of_type(HELM_RELEASE) if chart_name(r) == "jobset"]
    if stack in TOPOLOGY_AWARE_STACKS:
        assert len(releases) == 1
        assert len(graph.of_type(PATCH)) == 1
    else:
        assert releases == []
        assert graph.of_type(PATCH) == []


def test_the_spec_counts_the_chart_only_with_a_topology_aware_pool() -> None:
    """The supported Kubernetes range is checked against the charts installed (spec/chart_rules.py)."""
    raw = shipped_spec("aws-prod")
    assert "jobset" not in charts_installed(PlatformSpec.from_dict(raw))
    next(p for p in raw["node_pools"] if p["name"] == "h100")["topology_aware"] = True
    assert "jobset" in charts_installed(PlatformSpec.from_dict(raw))


def test_the_release_is_pinned_hardened_and_on_the_system_pool(multinode: PlannedGraph) -> None:
    release = _release(multinode, "jobset")
    assert release.get("chart") == "oci://registry.k8s.io/jobset/charts/jobset"
    assert release.get("version") == "0.12.0"
    assert release.get("name") == "jobset"
    assert release.get("namespace") == "jobset-system"
    values = dict(release.get("values"))
    assert list(unknown_keys(values, chart_keys(pinned_name("jobset")))) == []
    assert values["controller"]["replicas"] == 2
    assert values["controller"]["podDisruptionBudget"] == {"enabled": True, "minAvailable": 1}
    assert values["controller"]["nodeSelector"] == {"lepton.ai/pool": "system"}
    (workload,) = WORKLOADS[pinned_name("jobset")]
    assert unmet(workload, values) == set()


def test_the_controller_runs_at_the_platform_class(multinode: PlannedGraph) -> None:
    # The chart reads no priorityClassName anywhere (values.yaml at v0.12.0 lists none).
    assert [k for k in chart_keys(pinned_name("jobset")) if k.endswith("priorityClassName")] == []
    release = _release(multinode, "jobset")
    (patch,) = multinode.of_type(PATCH)
    assert patch.get("metadata.name") == "jobset-controller"
    assert patch.get("metadata.namespace") == release.get("namespace")
    assert patch.get("spec") == {"template": {"spec": {"priorityClassName": "lepton-platform"}}}
    (platform,) = [
        c for c in multinode.of_type(PRIORITY_CLASS) if c.get("metadata.name") == "lepton-platform"
    ]
    assert release.urn in patch.dependencies
    assert platform.urn in patch.dependencies
    assert platform.urn in release.dependencies


def test_kueue_integrates_jobsets_after_their_release(
    multinode: PlannedGraph, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    assert _kueue_frameworks(multinode) == ["batch/job", "jobset.x-k8s.io/jobset"]
    assert _release(multinode, "jobset").urn in _release(multinode, "kueue").dependencies
    assert _kueue_frameworks(plan_stack(PLATFORM_STACK_DIR, "aws-prod")) == ["batch/job"]


def test_tenant_job_roles_cover_jobsets_in_their_namespace(
    multinode: PlannedGraph, plan_stack: Callable[[Path, str], PlannedGraph]
) -> None:
    def jobset_rules(graph: PlannedGraph) -> dict[str, list[dict]]:
        return {
            str(r.get("metadata.namespace")): [
                rule for rule in r.get("rules") if rule["apiGroups"] == ["jobset.x-k8s.io"]
            ]
            for r in graph.of_type(ROLE)
            if r.get("metadata.name") == "tenant-jobs"
        }

    verbs = ["get", "list", "watch", "create", "update", "patch", "delete"]
    expected = [
        {"apiGroups": ["jobset.x-k8s.io"], "resources": ["jobsets"], "verbs": verbs},
        {"apiGroups": ["jobset.x-k8s.io"], "resources": ["jobsets/status"], "verbs": ["get"]},
    ]
    assert jobset_rules(multinode) == {"research": expected, "serving": expected}
    assert jobset_rules(plan_stack(PLATFORM_STACK_DIR, "aws-prod")) == {"research": [], "serving": []}


def test_gke_admits_the_jobset_image() -> None:
    """GKE Binary Authorization's allowlist holds every pinned chart's images (charts/images.py)."""
    assert "registry.k8s.io/jobset/jobset*" in chart_image_patterns(["jobset"])
