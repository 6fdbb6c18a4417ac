"""The standalone component examples are what users copy: each plans clean under the policy pack."""

from __future__ import annotations

from pathlib import Path

import pytest

from lepton_infra.plan import plan_stack
from lepton_infra.policy.evaluate import evaluate_graph

COMPONENTS = Path(__file__).resolve().parents[2] / "components"
EXAMPLES = sorted(p.parent.name for p in COMPONENTS.glob("*/Pulumi.example.yaml"))


def test_there_are_examples() -> None:
    assert {"aws-network", "aws-node-pool", "gcp-node-pool", "azure-node-pool"} <= set(EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_has_no_mandatory_violation(example: str) -> None:
    outcome = evaluate_graph(plan_stack(COMPONENTS / example, "example"))
    assert [(v.policy, v.urn, v.message) for v in outcome.mandatory] == []
