"""A deliberately insecure program, planned offline, yields exactly the violations a reviewer expects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lepton_infra.plan.record import PlannedGraph
from lepton_infra.policy.evaluate import PolicyOutcome, evaluate_graph
from tests.policies.insecure_program import insecure_program

CONFIG = {"aws:region": "us-east-1", "gcp:project": "acme", "gcp:region": "us-central1"}
EXPECTED = {
    ("lepton-aws-kms-key-rotation", "key"),
    ("lepton-aws-vpc-flow-logs", "vpc"),
    ("lepton-aws-no-world-ingress", "ssh"),
    ("lepton-aws-eks-secrets-encryption", "eks"),
    ("lepton-aws-eks-endpoint-not-public", "eks"),
    ("lepton-aws-eks-control-plane-logs", "eks"),
    ("lepton-aws-imdsv2", "nodes"),
    ("lepton-aws-node-disk-cmk", "nodes"),
    ("lepton-aws-launched-resource-tags", "nodes"),
    ("lepton-aws-node-disk-cmk", "gpu"),
    ("lepton-aws-gpu-pool-tainted", "gpu"),
    ("lepton-aws-spot-gpu-min-zero", "gpu"),
    ("lepton-aws-iam-no-admin", "admin"),
    ("lepton-aws-s3-cmk", "data"),
    ("lepton-aws-s3-versioning", "data"),
    ("lepton-aws-s3-public-access-block", "data"),
    ("lepton-aws-ecr-cmk", "images"),
    ("lepton-aws-ecr-scan-on-push", "images"),
    ("lepton-aws-ecr-immutable-tags", "images"),
    ("lepton-gcp-gke-secrets-encryption", "gke"),
    ("lepton-gcp-gke-network-policy-enforced", "gke"),
    ("lepton-gcp-gke-private-nodes", "gke"),
    ("lepton-gcp-gke-endpoint-not-public", "gke"),
    ("lepton-gcp-gke-metadata-server", "gke"),
    ("lepton-gcp-gke-shielded-nodes", "gke"),
    ("lepton-gcp-node-boot-disk-cmk", "gke"),
    ("lepton-gcp-node-service-account", "gke"),
    ("lepton-gcp-required-labels", "gke"),
    ("lepton-gcp-no-world-ingress", "ssh"),
    ("lepton-gcp-no-primitive-roles-for-service-accounts", "editor"),
    ("lepton-k8s-no-privileged-containers", "app"),
    ("lepton-k8s-no-host-namespaces", "app"),
    ("lepton-k8s-no-latest-image", "app"),
    ("lepton-k8s-resources", "app"),
    ("lepton-k8s-tenant-resource-quota", "team"),
    ("lepton-k8s-tenant-default-deny", "team"),
    ("lepton-k8s-tenant-pod-security-labels", "team"),
    ("lepton-k8s-run-as-non-root", "app"),
    ("lepton-k8s-read-only-root-filesystem", "app"),
    ("lepton-k8s-drop-all-capabilities", "app"),
    ("lepton-k8s-seccomp-runtime-default", "app"),
    ("lepton-aws-eks-supported-version", "eks"),
    ("lepton-aws-vpc-cni-network-policy", "eks"),
    ("lepton-aws-s3-tls-only", "data"),
    ("lepton-aws-s3-access-logs", "data"),
    ("lepton-gcp-gke-release-channel", "gke"),
    ("lepton-gcp-node-image-cos", "gke"),
    ("lepton-gcp-gke-binary-authorization", "gke"),
}
# Advisory by default (docs/security.md says why); reported, never blocking.
EXPECTED_ADVISORY: set[tuple[str, str]] = set()
# No provider default tags and no tags of its own: every taggable AWS resource is reported.
UNTAGGED_AWS = {"key", "vpc", "ssh", "eks", "nodes", "gpu", "admin", "data", "images"}


@pytest.fixture(scope="module")
def graph() -> PlannedGraph:
    from lepton_infra.plan.engine import plan_program

    return plan_program(insecure_program, CONFIG)


@pytest.fixture(scope="module")
def outcome(graph: PlannedGraph) -> PolicyOutcome:
    return evaluate_graph(graph)


def _found(
    outcome: PolicyOutcome, graph: PlannedGraph, exclude: str = "required-tags"
) -> set[tuple[str, str]]:
    return {(v.policy, graph.by_urn(v.urn).name) for v in outcome.violations if exclude not in v.policy}


def test_every_expected_violation_and_nothing_else(outcome: PolicyOutcome, graph: PlannedGraph) -> None:
    assert _found(outcome, graph) == EXPECTED | EXPECTED_ADVISORY


def test_untagged_aws_resources_are_reported(outcome: PolicyOutcome, graph: PlannedGraph) -> None:
    tagged = {graph.by_urn(v.urn).name for v in outcome.by_policy("lepton-aws-required-tags")}
    assert tagged == UNTAGGED_AWS


def test_all_are_mandatory_by_default(outcome: PolicyOutcome, graph: PlannedGraph) -> None:
    advisory = {
        (v.policy, graph.by_urn(v.urn).name) for v in outcome.violations if v.enforcement != "mandatory"
    }
    assert advisory == EXPECTED_ADVISORY


def test_messages_name_the_field(outcome: PolicyOutcome, graph: PlannedGraph) -> None:
    imds = [v.message for v in outcome.by_policy("lepton-aws-imdsv2")]
    assert any("httpTokens is 'optional'" in m for m in imds)
    assert any("httpPutResponseHopLimit is 2," in m for m in imds)


def test_same_violations_through_the_pack(
    graph: PlannedGraph, outcome: PolicyOutcome, plan_program: Callable[..., Any]
) -> None:
    """The recorded resources fed to the CrossGuard policies give the same findings."""
    from tests.policies.pack_replay import replay

    assert sorted(replay(graph)) == sorted((v.policy, v.urn, v.message) for v in outcome.violations)


def test_the_secure_twin_is_clean() -> None:
    """Built with the SDKs' typed args: every rule reads the nested names the SDKs send."""
    from lepton_infra.plan.engine import plan_program
    from tests.policies.secure_program import secure_program

    graph = plan_program(secure_program, {"lepton:platform": {"environment": "prod"}})
    outcome = evaluate_graph(graph)
    assert [(v.policy, graph.by_urn(v.urn).name, v.message) for v in outcome.violations] == []
    checked = {rule for rule, tally in outcome.tally.items() if tally.checked > tally.not_applicable}
    assert len(checked) >= 40  # the clean result is not for lack of applicable rules
