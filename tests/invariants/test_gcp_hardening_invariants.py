"""Issue 13's GCP items over the recorded plans of the shipped GCP stacks: Binary Authorization admits
every image the plan runs and nothing else by default, the model bucket's reads and writes reach the audit
logs in prod, and the cluster settings scanners read (CKV_GCP_12, CKV_GCP_21, CKV_GCP_61, CKV_GCP_66).

The images come from the plan itself: each Helm release's chart and version pick the image repositories
its values.yaml names at that tag (tests/kubernetes/chart_values/*.images, generated from the chart
sources), and every container the platform renders directly is read from its pod template."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.kubernetes.charts.images import CHART_IMAGE_REPOSITORIES
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from tests.kubernetes.pins import subcharts_by_pinned_name

STACKS = ["gcp-dev", "gcp-prod"]
CLUSTER = "gcp:container/cluster:Cluster"
POLICY = "gcp:binaryauthorization/policy:Policy"
RELEASE = "kubernetes:helm.sh/v3:Release"
AUDIT_CONFIG = "gcp:projects/iAMAuditConfig:IAMAuditConfig"
WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod")
IMAGES_DIR = Path(__file__).resolve().parents[1] / "kubernetes" / "chart_values"
# Subcharts a parent pins (its Chart.yaml `dependencies` at the pinned tag), whose images it runs too.
SUBCHARTS = {parent: tuple(subs.values()) for parent, subs in subcharts_by_pinned_name().items()}


@pytest.fixture(scope="module", params=STACKS)
def graph(
    request: pytest.FixtureRequest, plan_stack: Callable[..., PlannedGraph], platform_dir: Path
) -> PlannedGraph:
    return plan_stack(platform_dir, request.param)


def _prod(graph: PlannedGraph) -> bool:
    return graph.stack.endswith("-prod")


def matches(pattern: str, image: str) -> bool:
    """Binary Authorization's namePattern (API reference, AdmissionWhitelistPattern): a trailing `**`
    matches anything, a trailing `*` any text without `/`, everything else literally."""
    if pattern.endswith("**"):
        regex = re.escape(pattern[:-2]) + ".*"
    elif pattern.endswith("*"):
        regex = re.escape(pattern[:-1]) + "[^/]*"
    else:
        regex = re.escape(pattern)
    return re.fullmatch(regex, image) is not None


@cache
def chart_images(name: str) -> frozenset[str]:
    path = IMAGES_DIR / f"{name}.images"
    assert path.exists(), f"no image list for {name}: generate {path.name} (chart_values/README.md)"
    own = {line for line in path.read_text().splitlines() if line and not line.startswith("#")}
    return frozenset(own.union(*(chart_images(sub) for sub in SUBCHARTS.get(name, ()))))


def _image_overrides(values: Any) -> Iterator[str]:
    """Images a release's values set themselves (`image: {registry, repository}` or `{repository}`)."""
    if isinstance(values, Mapping):
        repo = values.get("repository")
        if isinstance(repo, str) and repo:
            registry = values.get("registry")
            yield f"{registry}/{repo}" if isinstance(registry, str) and registry else repo
        for child in values.values():
            yield from _image_overrides(child)


def _containers(workload: RecordedResource) -> list[Mapping[str, Any]]:
    spec = workload.get("spec") or {}
    if workload.type.endswith(":CronJob"):
        spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    pod = spec if workload.type.endswith(":Pod") else (spec.get("template") or {}).get("spec") or {}
    return [*(pod.get("initContainers") or []), *(pod.get("containers") or [])]


def rendered_images(graph: PlannedGraph) -> dict[str, str]:
    """image (or repository, for a chart's) -> what renders it, for everything the plan runs."""
    images: dict[str, str] = {}
    for release in graph.of_type(RELEASE):
        chart = str(release.inputs["chart"]).rsplit("/", 1)[-1]
        for image in chart_images(f"{chart}-{release.inputs['version']}"):
            images[image] = f"chart {chart}"
        for image in _image_overrides(release.inputs.get("values") or {}):
            images[image] = f"release {release.name} values"
    for r in graph.managed:
        if r.type.startswith("kubernetes:") and r.type.rsplit(":", 1)[-1] in WORKLOADS:
            for container in _containers(r):
                images[str(container["image"])] = r.name
    return images


def test_the_matcher_follows_the_pattern_syntax() -> None:
    assert matches("quay.io/prometheus/prometheus*", "quay.io/prometheus/prometheus:v3.1.0")
    assert matches("quay.io/prometheus/prometheus*", "quay.io/prometheus/prometheus")
    assert not matches("quay.io/prometheus/prometheus*", "quay.io/prometheus/prometheus/evil:1")
    assert matches("eu-docker.pkg.dev/p/r/**", "eu-docker.pkg.dev/p/r/team/app@sha256:" + "a" * 64)
    assert not matches("ghcr.io/acme/app*", "ghcr.io/acme2/app:1")


def test_the_cluster_evaluates_the_project_policy(graph: PlannedGraph) -> None:
    """CKV_GCP_66: in dev too (the policy itself is dry-run there), so a promotion changes no cluster
    field."""
    assert graph.one(CLUSTER).get("binaryAuthorization.evaluationMode") == "PROJECT_SINGLETON_POLICY_ENFORCE"
    enabled = {s.inputs["service"] for s in graph.of_type("gcp:projects/service:Service")}
    assert "binaryauthorization.googleapis.com" in enabled


def test_the_policy_denies_by_default_in_prod_and_audits_in_dev(graph: PlannedGraph) -> None:
    policy = graph.one(POLICY)
    assert policy.get("globalPolicyEvaluationMode") == "ENABLE"  # GKE's own system images
    assert policy.get("defaultAdmissionRule.evaluationMode") == "ALWAYS_DENY"
    assert policy.get("defaultAdmissionRule.enforcementMode") == (
        "ENFORCED_BLOCK_AND_AUDIT_LOG" if _prod(graph) else "DRYRUN_AUDIT_LOG_ONLY"
    )
    assert policy.get("project") == graph.one(CLUSTER).get("project")


def test_every_image_the_plan_runs_is_admitted(graph: PlannedGraph) -> None:
    patterns = [p["namePattern"] for p in graph.one(POLICY).get("admissionWhitelistPatterns")]
    images = rendered_images(graph)
    assert any(source.startswith("chart ") for source in images.values())
    assert any(not source.startswith(("chart ", "release ")) for source in images.values())
    denied = {
        image: source for image, source in images.items() if not any(matches(p, image) for p in patterns)
    }
    assert denied == {}


def test_the_allowlist_admits_no_whole_registry(graph: PlannedGraph) -> None:
    """Every pattern names a repository (or the platform's own Artifact Registry repository), never a
    registry host: `quay.io/**` would admit any image anyone pushes there."""
    registry = graph.one("gcp:artifactregistry/repository:Repository")
    inputs = registry.inputs
    own = f"{inputs['location']}-docker.pkg.dev/{inputs['project']}/{inputs['repositoryId']}/**"
    patterns = {p["namePattern"] for p in graph.one(POLICY).get("admissionWhitelistPatterns")}
    assert own in patterns
    broad = [
        p
        for p in patterns - {own}
        if p.endswith("**") or "/" not in p.rstrip("*") or p.rstrip("*").endswith("/")
    ]
    assert broad == []


def test_the_chart_image_table_is_the_charts_values() -> None:
    """lepton_infra/kubernetes/charts/images.py (what the policy admits) lists exactly the repositories each
    pinned chart's values.yaml names (the generated .images files, subcharts included)."""
    for (chart, version), repos in CHART_IMAGE_REPOSITORIES.items():
        assert set(repos) == chart_images(f"{chart}-{version}"), chart


def test_model_bucket_reads_and_writes_are_audited_in_prod(graph: PlannedGraph) -> None:
    configs = [c for c in graph.of_type(AUDIT_CONFIG) if c.get("service") == "storage.googleapis.com"]
    if not _prod(graph):
        assert configs == []  # off in dev (gcp.storage_data_access_logs), no logging bill
        pytest.skip("dev: checked that storage data-access audit logging is off")
    assert len(configs) == 1
    logged = {c["logType"] for c in configs[0].get("auditLogConfigs") if not c.get("exemptedMembers")}
    assert {"DATA_READ", "DATA_WRITE"} <= logged
    bucket = graph.one("gcp:storage/bucket:Bucket")
    assert configs[0].get("project") == bucket.get("project")


def test_the_model_bucket_keeps_deleted_objects_restorable(graph: PlannedGraph) -> None:
    bucket = graph.one("gcp:storage/bucket:Bucket")
    assert bucket.get("versioning.enabled") is True and bucket.get("retentionPolicy") is None
    assert bucket.get("softDeletePolicy.retentionDurationSeconds") == 7 * 86400


def test_scanners_see_network_policy_intranode_visibility_and_labels(graph: PlannedGraph) -> None:
    """CKV_GCP_12 passes with the legacy block off and Dataplane V2 (checkov GKENetworkPolicyEnabled);
    CKV_GCP_61 in prod; CKV_GCP_21 reads `resource_labels`, which must carry the provider's labels."""
    cluster = graph.one(CLUSTER)
    assert cluster.get("datapathProvider") == "ADVANCED_DATAPATH"
    assert cluster.get("networkPolicy.enabled") is False
    assert cluster.get("enableIntranodeVisibility") is _prod(graph)
    provider_labels = next(
        p for p in graph.of_type("pulumi:providers:gcp") if not p.name.endswith("-bootstrap")
    ).get("defaultLabels")  # provider inputs are JSON
    assert cluster.get("resourceLabels") == json.loads(provider_labels)
