"""Queued GPU jobs on AWS are not scaled up all-or-nothing, and nothing the platform ships says they are.
cluster-autoscaler's AWS provider at every pinned tag (kubernetes/autoscaler cluster-autoscaler-1.33.6 to
-1.36.1, cloudprovider/aws/aws_cloud_provider.go, read 2026-12-07) returns ErrNotImplemented from
AtomicIncreaseSize; the executor falls back to a plain size increase and the best-effort-atomic class marks
the request Provisioned as soon as that increase is accepted. GKE's queued provisioning allocates a request
whole (GKE docs, how-to/provisioningrequest, read 2026-12-07)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.kubernetes.manifests import manifest

CONFIG = "kubernetes:kueue.x-k8s.io/v1beta2:ProvisioningRequestConfig"
DOCS = Path(__file__).resolve().parents[2] / "docs"


def _scale_up(plan_stack: Any, platform_dir: Path, stack: str) -> str:
    (config,) = [manifest(r) for r in plan_stack(platform_dir, stack).of_type(CONFIG)]
    return config["metadata"].get("annotations", {}).get("lepton.ai/scale-up", "not stated")


@pytest.mark.parametrize(("stack", "expected"), [("aws-prod", "best-effort"), ("gcp-prod", "all-or-nothing")])
def test_the_provisioning_request_config_states_what_the_autoscaler_guarantees(
    plan_stack: Any, platform_dir: Path, stack: str, expected: str
) -> None:
    assert _scale_up(plan_stack, platform_dir, stack) == expected


def test_aws_dev_queues_no_jobs_so_it_claims_nothing(plan_stack: Any, platform_dir: Path) -> None:
    assert plan_stack(platform_dir, "aws-dev").of_type(CONFIG) == []


def test_the_docs_no_longer_promise_a_job_all_of_its_nodes() -> None:
    text = (DOCS / "kubernetes.md").read_text()
    assert "A GPU job is admitted only when its nodes exist, all of them" not in text
    assert "**On AWS the scale-up is not all-or-nothing**" in text
    assert "Not all-or-nothing on AWS" in (DOCS / "aws.md").read_text()
