"""The GCP hardening knobs of issue 13 (gcp.binary_authorization*, gcp.storage_data_access_logs,
gcp.model_bucket_retention_days, gcp.model_bucket_soft_delete_days): each setting planned, and every value
GCS or Binary Authorization would refuse refused at spec time."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from lepton_infra.core.errors import SpecError
from lepton_infra.gcp.binary_authorization import allowlist_patterns, image_repository
from lepton_infra.gcp.platform import Platform
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR
from tests.gcp._specs import dev_spec, prod_spec

POLICY = "gcp:binaryauthorization/policy:Policy"
CLUSTER = "gcp:container/cluster:Cluster"
BUCKET = "gcp:storage/bucket:Bucket"
AUDIT_CONFIG = "gcp:projects/iAMAuditConfig:IAMAuditConfig"


def _plan(raw: dict[str, Any]) -> PlannedGraph:
    spec = PlatformSpec.from_dict(raw)
    return plan_program(
        lambda: Platform(spec.name, spec), {}, project="lepton-gcp-test", stack=spec.environment
    )


def _with(raw: dict[str, Any], **knobs: Any) -> dict[str, Any]:
    out = copy.deepcopy(raw)
    out["gcp"] = {**out["gcp"], **knobs}
    return out


def _services(raw: dict[str, Any]) -> set[str]:
    return {s.inputs["service"] for s in _plan(raw).of_type("gcp:projects/service:Service")}


def test_an_externally_managed_policy_is_still_enforced_by_the_cluster() -> None:
    graph = _plan(_with(prod_spec(), binary_authorization_policy="external"))
    assert graph.of_type(POLICY) == []
    assert graph.one(CLUSTER).get("binaryAuthorization.evaluationMode") == "PROJECT_SINGLETON_POLICY_ENFORCE"
    assert "binaryauthorization.googleapis.com" in {
        s.inputs["service"] for s in graph.of_type("gcp:projects/service:Service")
    }


def test_off_disables_it_on_the_cluster_and_creates_no_policy() -> None:
    graph = _plan(_with(dev_spec(), binary_authorization="off"))
    assert graph.of_type(POLICY) == []
    assert graph.one(CLUSTER).get("binaryAuthorization.evaluationMode") == "DISABLED"
    assert "binaryauthorization.googleapis.com" not in {
        s.inputs["service"] for s in graph.of_type("gcp:projects/service:Service")
    }


def test_dryrun_in_prod_and_extra_patterns_reach_the_policy() -> None:
    graph = _plan(
        _with(
            prod_spec(),
            binary_authorization="dryrun",
            binary_authorization_allowlist=["europe-docker.pkg.dev/acme/jobs/**"],
        )
    )
    policy = graph.one(POLICY)
    assert policy.get("defaultAdmissionRule.enforcementMode") == "DRYRUN_AUDIT_LOG_ONLY"
    assert {"namePattern": "europe-docker.pkg.dev/acme/jobs/**"} in policy.get("admissionWhitelistPatterns")


def test_service_images_are_admitted_by_repository() -> None:
    assert image_repository("ghcr.io/acme/app:1.4@sha256:" + "a" * 64) == "ghcr.io/acme/app"
    assert image_repository("registry.local:5000/team/app:2") == "registry.local:5000/team/app"
    patterns = allowlist_patterns("us-docker.pkg.dev/p/r", ["ghcr.io/acme/app:1.4"], [])
    assert "ghcr.io/acme/app*" in patterns and "us-docker.pkg.dev/p/r/**" in patterns


@pytest.mark.parametrize("pattern", ["quay.io*", "*", "quay.io/a/*b", "Quay.io/x", "ghcr.io/a b"])
def test_a_pattern_binary_authorization_refuses_is_a_spec_error(pattern: str) -> None:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(_with(dev_spec(), binary_authorization_allowlist=[pattern]))
    assert "gcp.binary_authorization_allowlist[0]" in err.value.paths


def _shipped(stack: str) -> dict[str, Any]:
    config = yaml.safe_load((PLATFORM_STACK_DIR / f"Pulumi.{stack}.yaml").read_text())["config"]
    return copy.deepcopy(config["lepton:platform"])


def test_a_service_image_without_its_registry_is_refused_with_binary_authorization() -> None:
    raw = _shipped("gcp-dev")
    raw["services"][0]["image"] = "nginx:1.27"
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    problem = next(p for p in err.value.problems if p.path == "services[0].image")
    assert "docker.io/library/nginx:1.27" in problem.fix
    raw["gcp"] = {**raw["gcp"], "binary_authorization": "off"}
    PlatformSpec.from_dict(raw)  # without Binary Authorization a short Docker Hub name is accepted


def test_data_access_logs_follow_the_knob() -> None:
    assert _plan(dev_spec()).of_type(AUDIT_CONFIG) == []
    assert len(_plan(_with(dev_spec(), storage_data_access_logs=True)).of_type(AUDIT_CONFIG)) == 1
    assert _plan(_with(prod_spec(), storage_data_access_logs=False)).of_type(AUDIT_CONFIG) == []
    assert _plan(prod_spec()).of_type(AUDIT_CONFIG) == []  # off unless asked for, in prod too


def test_a_retention_policy_replaces_versioning_and_is_never_locked() -> None:
    bucket = _plan(_with(dev_spec(), model_bucket_retention_days=30)).one(BUCKET)
    assert bucket.get("retentionPolicy") == {"retentionPeriod": str(30 * 86400), "isLocked": False}
    assert bucket.get("versioning.enabled") is False  # GCS refuses a retention policy on a versioned bucket
    assert all("withState" not in rule["condition"] for rule in bucket.get("lifecycleRules"))


def test_soft_delete_days_reach_the_bucket() -> None:
    assert (
        _plan(_with(dev_spec(), model_bucket_soft_delete_days=0))
        .one(BUCKET)
        .get("softDeletePolicy.retentionDurationSeconds")
        == 0
    )
    assert (
        _plan(_with(dev_spec(), model_bucket_soft_delete_days=90))
        .one(BUCKET)
        .get("softDeletePolicy.retentionDurationSeconds")
        == 90 * 86400
    )


@pytest.mark.parametrize(
    ("knob", "value"),
    [
        ("model_bucket_soft_delete_days", 3),
        ("model_bucket_soft_delete_days", 91),
        ("model_bucket_retention_days", 0),
    ],
)
def test_values_gcs_refuses_are_spec_errors(knob: str, value: int) -> None:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(_with(dev_spec(), **{knob: value}))
    assert f"gcp.{knob}" in err.value.paths


def _planned_prod_with(**knobs: Any) -> PlannedGraph:
    """The shipped gcp-prod spec with some knobs changed, planned as the stack program plans it (so the
    pack sees the spec's environment, as `lepton-infra plan` does)."""
    raw = _shipped("gcp-prod")
    raw["gcp"] = {**raw["gcp"], **knobs}
    return _planned_prod(raw)


def _planned_prod(raw: dict[str, Any]) -> PlannedGraph:
    from lepton_infra.platform import build

    spec = PlatformSpec.from_dict(raw)
    return plan_program(
        lambda: build(spec),
        {"lepton:platform": raw, "gcp:project": raw["gcp"]["project"], "gcp:region": raw["region"]},
        project="lepton-platform",
        stack="gcp-prod",
    )


def test_the_pack_refuses_a_prod_stack_that_only_audits_images_or_logs_no_reads() -> None:
    from lepton_infra.policy.evaluate import evaluate_graph

    shipped = {
        v.policy for v in evaluate_graph(_planned_prod_with()).violations if v.enforcement == "mandatory"
    }
    assert shipped == set()
    weakened = evaluate_graph(
        _planned_prod_with(binary_authorization="dryrun", storage_data_access_logs=False)
    )
    mandatory = {v.policy for v in weakened.violations if v.enforcement == "mandatory"}
    assert mandatory == {"lepton-gcp-binary-authorization-deny-by-default"}
    advisory = {v.policy for v in weakened.violations if v.enforcement == "advisory"}
    assert "lepton-gcp-bucket-access-logs" in advisory


def test_a_prod_spec_that_says_nothing_leaves_the_projects_storage_audit_config_alone() -> None:
    """Issue 24 item 5: the storage audit config is authoritative for the whole project (it replaces the
    project's exemptions, logs every bucket's reads, and goes with the stack): only an explicit
    `gcp.storage_data_access_logs: true` (as the shipped gcp-prod sets) creates it; otherwise prod gets an
    advisory finding, not a takeover."""
    from lepton_infra.policy.evaluate import evaluate_graph

    raw = _shipped("gcp-prod")
    assert raw["gcp"].pop("storage_data_access_logs") is True
    graph = _planned_prod(raw)
    assert graph.of_type(AUDIT_CONFIG) == []
    findings = {(v.policy, v.enforcement) for v in evaluate_graph(graph).violations}
    assert ("lepton-gcp-bucket-access-logs", "advisory") in findings
    assert len(_planned_prod_with().of_type(AUDIT_CONFIG)) == 1  # the shipped stack opts in explicitly
