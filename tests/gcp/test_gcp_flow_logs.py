"""VPC flow logs on the node subnet are sized per environment and priced (issue 24 item 6): dev keeps a
tenth of the flows in 10-minute records without annotations, prod half of them in 30-second records with
every annotation (plus intranode flows); the cost model carries a usage line for them, per GiB, sourced."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.cost import estimate_cost
from lepton_infra.plan.record import PlannedGraph

SUBNET = "gcp:compute/subnetwork:Subnetwork"
NODES_SUBNET = "acme-ai-network-nodes"


@pytest.mark.parametrize(
    "stack, expected",
    [
        (
            "gcp-dev",
            {
                "flowSampling": 0.1,
                "aggregationInterval": "INTERVAL_10_MIN",
                "metadata": "EXCLUDE_ALL_METADATA",
            },
        ),
        (
            "gcp-prod",
            {
                "flowSampling": 0.5,
                "aggregationInterval": "INTERVAL_30_SEC",
                "metadata": "INCLUDE_ALL_METADATA",
            },
        ),
    ],
)
def test_node_subnet_flow_logs_are_sized_per_environment(
    plan_stack: Callable[..., PlannedGraph], platform_dir: Path, stack: str, expected: dict
) -> None:
    subnet = plan_stack(platform_dir, stack).one(SUBNET, NODES_SUBNET)
    config = subnet.get("logConfig")
    assert {k: config.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    "stack, settings",
    [
        ("gcp-dev", "flowSampling 0.1, aggregationInterval INTERVAL_10_MIN, metadata EXCLUDE_ALL_METADATA)"),
        (
            "gcp-prod",
            "flowSampling 0.5, aggregationInterval INTERVAL_30_SEC, metadata INCLUDE_ALL_METADATA, "
            "plus intranode flows)",
        ),
    ],
)
def test_flow_logs_have_a_usage_priced_cost_line_with_its_source(
    plan_stack: Callable[..., PlannedGraph], platform_dir: Path, stack: str, settings: str
) -> None:
    report = estimate_cost(plan_stack(platform_dir, stack))
    lines = [i for i in report.items if i.type == SUBNET]
    assert [i.name for i in lines] == [NODES_SUBNET]  # the proxy-only subnet has no flow logs
    (line,) = lines
    assert line.category == "logs"
    assert line.price_source.startswith("cloud.google.com/stackdriver/pricing")
    assert "$0.25/GiB" in line.price_source and line.price_date == "2026-12-07"
    assert line.note == f"VPC flow logs ({settings}: $0.25/GiB stored in Cloud Logging (usage)"
    # Usage only: nothing at idle, nothing in the fixed maximum.
    assert (line.monthly_usd_idle, line.monthly_usd_max) == (0.0, 0.0)
