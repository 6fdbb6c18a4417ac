"""The AWS load balancer controller injects pod readiness gates in namespaces labelled
`elbv2.k8s.aws/pod-readiness-gate-inject: enabled` (kubernetes-sigs/aws-load-balancer-controller v3.5.0,
docs/deploy/pod_readiness_gate.md: the webhook matches pods in namespaces with the label). The label belongs
on the namespaces the load balancers target and nowhere else; it was stamped on every tenant object (quota,
roles, queues, ...)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

LABEL = "elbv2.k8s.aws/pod-readiness-gate-inject"


@pytest.mark.parametrize("stack", ["aws-dev", "aws-prod"])
def test_only_namespaces_carry_the_readiness_gate_label(
    plan_stack: Any, platform_dir: Path, stack: str
) -> None:
    graph = plan_stack(platform_dir, stack)
    labelled = {(r.type, r.name) for r in graph.resources if LABEL in (r.get("metadata.labels") or {})}
    kinds = {kind for kind, _ in labelled}
    assert kinds == {"kubernetes:core/v1:Namespace"}, sorted(labelled)
