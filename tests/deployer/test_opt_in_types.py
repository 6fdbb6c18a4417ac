"""The resource types only an opt-in knob creates (quota requests, account-level detection, the cost
allocation tag, a public DNS zone's records) have permission rows too: the shipped stacks leave them off,
so the whole-plan test alone would not see a new one arrive without its rows."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from lepton_infra.deployer.section import deployer_section
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.harness import shipped_spec

ZONE = (
    "/subscriptions/3f2b6c1e-8d4a-4b7e-9c21-5a6d7e8f9a0b/resourceGroups/dns/providers/"
    "Microsoft.Network/dnszones/ai.acme.dev"
)
KNOBS: dict[str, dict[str, Any]] = {
    "aws-prod": {
        "request_quota_increases": True,
        "cloudtrail_data_events": True,
        "guardduty_eks_protection": True,
        "activate_cost_allocation_tag": True,
        "runner_transit_gateway_id": "tgw-0123456789abcdef0",
    },
    "gcp-prod": {"request_quota_increases": True},
    "azure-prod": {"dns_zone_id": ZONE},
}
OPT_IN_TYPES = {
    "aws-prod": {
        "aws:servicequotas/serviceQuota:ServiceQuota",
        "aws:cloudtrail/trail:Trail",
        "aws:guardduty/detector:Detector",
        "aws:guardduty/detectorFeature:DetectorFeature",
        "aws:costexplorer/costAllocationTag:CostAllocationTag",
        "aws:ec2transitgateway/vpcAttachment:VpcAttachment",
    },
    "gcp-prod": {"gcp:cloudquota/sQuotaPreference:SQuotaPreference"},
    "azure-prod": {"azure-native:dns:RecordSet"},
}


def _plan(plan_program: Callable[..., PlannedGraph], stack: str) -> PlannedGraph:
    raw = copy.deepcopy(shipped_spec(stack))
    cloud = stack.split("-")[0]
    raw[cloud] = {**raw.get(cloud, {}), **KNOBS[stack]}
    if stack == "azure-prod":  # a public host, so its record goes in the public zone
        raw["network"] = {**raw["network"], "public_services": True}
        raw["services"] = [{**raw["services"][0], "expose": "public"}, *raw["services"][1:]]
    spec = PlatformSpec.from_dict(raw)

    def program() -> None:
        for key, value in build(spec).outputs.items():
            pulumi.export(key, value)

    return plan_program(program, {"pulumi:disable-default-providers": ["*"], "lepton:platform": raw})


@pytest.mark.parametrize("stack", sorted(KNOBS))
def test_opt_in_types_have_rows(plan_program: Callable[..., PlannedGraph], stack: str) -> None:
    graph = _plan(plan_program, stack)
    assert OPT_IN_TYPES[stack] <= {r.type for r in graph.managed}
    section = deployer_section(graph, stack.split("-")[0])
    assert section is not None
    assert (section["unknown_types"], section["unknown_invokes"]) == ([], [])
    assert section["kubernetes"]["unknown_kinds"] == []


def test_multi_node_job_types_have_rows() -> None:
    """A topology-aware pool adds the Kueue Topology and the JobSet controller's Deployment patch
    (kubernetes/jobs/jobset.py); the shipped stacks have neither."""
    from tests.journeys.conftest import variant_graph

    graph = variant_graph("aws-prod+multinode")
    added = {"kubernetes:kueue.x-k8s.io/v1beta2:Topology", "kubernetes:apps/v1:DeploymentPatch"}
    assert added <= {r.type for r in graph.managed}
    section = deployer_section(graph, "aws")
    assert section is not None
    assert section["kubernetes"]["unknown_kinds"] == []
