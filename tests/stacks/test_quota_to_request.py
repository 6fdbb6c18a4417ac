"""The capacity quota to request, per cloud, as the shipped prod stacks export it (`quota_to_request`):
hand-computed figures, the same figures recomputed from the recorded node pools, the plan's text and
JSON carrying them, and the opt-in request resources naming exactly the requestable quotas."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from rich.console import Console

from lepton_infra.catalog import catalog
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.plan.report import Report, render_text
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec
from tests.conftest import PLATFORM_STACK_DIR
from tests.gcp.test_gcp_deploy_truth import _quota_at_max
from tests.kubernetes.harness import raw_spec

NO_DEFAULT_PROVIDERS = {"pulumi:disable-default-providers": ["*"]}


def _needs(graph: PlannedGraph) -> dict[str, int]:
    return {q["quota"]: int(q["amount"]) for q in graph.outputs["quota_to_request"]}


def test_aws_prod_vcpu_quotas_by_hand(plan_stack) -> None:
    """2 × p5.48xlarge (192 vCPUs), 4 on-demand L4 nodes g6.xlarge (4), 19 spot L4 nodes of g6.xlarge (4; a
    spot pool's types share one shape), 4 × m6i.xlarge (4) plus what a node update adds to the system pool's
    three per-zone groups (EKS DEFAULT strategy: up to 2 per zone; GPU groups update MINIMAL, none); each with
    its Service Quotas code."""
    quotas = {
        q["code"]: (q["quota"], int(q["amount"]), q["pools"])
        for q in plan_stack(PLATFORM_STACK_DIR, "aws-prod").outputs["quota_to_request"]
    }
    assert quotas == {
        "L-417A185B": ("Running On-Demand P instances", 2 * 192, ["h100"]),
        "L-DB2E81BA": ("Running On-Demand G and VT instances", 4 * 4, ["l4"]),
        "L-3819A6DF": ("All G and VT Spot Instance Requests", 19 * 4, ["l4-spot"]),
        "L-1216C47A": (
            "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
            (4 + 3 * 2) * 4,
            ["system"],
        ),
    }


def test_gcp_prod_quotas_by_hand_and_from_the_recorded_pools(plan_stack) -> None:
    """2 × a3-highgpu-8g (8 H100, 208 vCPUs), 4 on-demand and 19 spot g2-standard-4 (1 L4, 4 vCPUs),
    4 × n2-standard-4 plus its upgrade surge node (maxSurge 1; GPU pools surge none); 100 GB boot disks
    (29 + 1 nodes) plus the Prometheus (50 GiB) and Alertmanager (2 GiB)
    pd-balanced volumes; the a3-highgpu-8g nodes' 16 × 375 GiB bundled Local SSD. Each machine series
    draws on its own vCPU quota (A3, G2, N2: none on CPUS), and every GPU and vCPU also on the
    project-wide GPUS_ALL_REGIONS / CPUS_ALL_REGIONS (issue 24 item 2). The H100 pool is queued
    provisioning, so flex-start: its GPUs come from the preemptible quota (issue 24 item 1). The recorded
    GKE pools (machine, accelerators, max, disk) and volume claims give the same."""
    graph = plan_stack(PLATFORM_STACK_DIR, "gcp-prod")
    assert _needs(graph) == {
        "PREEMPTIBLE_NVIDIA_H100_GPUS": 16,
        "NVIDIA_L4_GPUS": 4,
        "PREEMPTIBLE_NVIDIA_L4_GPUS": 19,
        "GPUS_ALL_REGIONS": 16 + 4 + 19,
        "A3_CPUS": 2 * 208,
        "G2_CPUS": (4 + 19) * 4,
        "N2_CPUS": (4 + 1) * 4,
        "CPUS_ALL_REGIONS": 2 * 208 + (4 + 19) * 4 + (4 + 1) * 4,
        "SSD_TOTAL_GB": (29 + 1) * 100 + 50 + 2,
        "LOCAL_SSD_TOTAL_GB": 2 * 16 * 375,
    }
    assert _needs(graph) == _quota_at_max(graph)
    quotas = {q["quota"]: q for q in graph.outputs["quota_to_request"]}
    # H100 has no per-model quota: the per-family quota with its gpu_family dimension governs it (the
    # preemptible id is derived, not read in a listing).
    assert (
        quotas["PREEMPTIBLE_NVIDIA_H100_GPUS"]["code"],
        quotas["PREEMPTIBLE_NVIDIA_H100_GPUS"]["dimensions"],
    ) == (
        "PREEMPTIBLE-GPUS-PER-GPU-FAMILY-per-project-region",
        {"gpu_family": "NVIDIA_H100"},
    )
    # The project-wide ones have no region (0 GPUs in a new project; spot GPUs count too).
    assert (quotas["GPUS_ALL_REGIONS"]["code"], quotas["GPUS_ALL_REGIONS"]["region"]) == (
        "GPUS-ALL-REGIONS-per-project",
        "global",
    )
    assert quotas["GPUS_ALL_REGIONS"]["pools"] == ["h100", "l4", "l4-spot"]
    assert (quotas["CPUS_ALL_REGIONS"]["code"], quotas["CPUS_ALL_REGIONS"]["region"]) == (
        "CPUS-ALL-REGIONS-per-project",
        "global",
    )
    assert quotas["N2_CPUS"]["code"] == "N2-CPUS-per-project-region"


def test_gcp_dev_quotas_by_hand(plan_stack) -> None:
    """3 × n2-standard-4 (+1 upgrade surge node) and 4 spot g2-standard-4: no CPUS at all (neither series
    is E2 or N1)."""
    assert _needs(plan_stack(PLATFORM_STACK_DIR, "gcp-dev")) == {
        "PREEMPTIBLE_NVIDIA_L4_GPUS": 4,
        "GPUS_ALL_REGIONS": 4,
        "G2_CPUS": 16,
        "N2_CPUS": (3 + 1) * 4,
        "CPUS_ALL_REGIONS": (3 + 1) * 4 + 4 * 4,
        "SSD_TOTAL_GB": (7 + 1) * 100 + 50 + 2,
    }


def _azure_vcpus_at_max(graph: PlannedGraph) -> dict[str, int]:
    """From the recorded AgentPools and the cluster's inline system pool, at max plus their recorded upgrade
    surge: on-demand vCPUs, spot vCPUs."""
    vcpus = {m.name: m.vcpu for m in catalog("azure").machines}
    pools = [
        (p.get("vmSize"), p.get("maxCount"), p.get("scaleSetPriority"), p.get("upgradeSettings.maxSurge"))
        for p in graph.of_type("azure-native:containerservice:AgentPool")
    ]
    cluster = graph.one("azure-native:containerservice:ManagedCluster")
    pools += [
        (
            p["vmSize"],
            p["maxCount"],
            p.get("scaleSetPriority"),
            (p.get("upgradeSettings") or {}).get("maxSurge"),
        )
        for p in cluster.get("agentPoolProfiles")
    ]
    out = {"on-demand": 0, "spot": 0}
    for size, nodes, priority, surge in pools:
        # the recorded maxSurge: a percentage of the pool at max, rounded up, or a count
        extra = (
            0 if not surge else -(-int(nodes) * int(surge[:-1]) // 100) if surge.endswith("%") else int(surge)
        )
        out["spot" if priority == "Spot" else "on-demand"] += (int(nodes) + extra) * vcpus[size]
    return out


def test_azure_prod_quotas_by_hand_and_from_the_recorded_pools(plan_stack) -> None:
    """The system pool 5 × D4s_v5 and `system` 4 × D4s_v5 (4 vCPUs), each with its upgrade surge (33 % of the
    pool, rounded up: 2 and 2), 2 × ND96isr_H100_v5 (96), 4 on-demand and 17 spot NC4as_T4_v3 (4), 2 spot
    NV36ads_A10_v5 (36; GPU pools surge none, spot pools never); spot VMs count against the regional spot
    quota only."""
    graph = plan_stack(PLATFORM_STACK_DIR, "azure-prod")
    needs = _needs(graph)
    assert needs == {
        "Standard DSv5 Family vCPUs": (5 + 2) * 4 + (4 + 2) * 4,
        "Standard NDSH100v5 Family vCPUs": 2 * 96,
        "Standard NCASv3_T4 Family vCPUs": 4 * 4,
        "Total Regional Spot vCPUs": 17 * 4 + 2 * 36,
        "Total Regional vCPUs": (5 + 2) * 4 + (4 + 2) * 4 + 2 * 96 + 4 * 4,
    }
    recorded = _azure_vcpus_at_max(graph)
    assert (needs["Total Regional vCPUs"], needs["Total Regional Spot vCPUs"]) == (
        recorded["on-demand"],
        recorded["spot"],
    )


@pytest.mark.parametrize("stack", ["aws-prod", "gcp-prod", "azure-prod"])
def test_the_plan_prints_and_exports_the_quota(stack: str, plan_stack) -> None:
    graph = plan_stack(PLATFORM_STACK_DIR, stack)
    report = Report(graph=graph, cloud=stack.split("-")[0])
    assert report.to_json()["outputs"]["quota_to_request"] == graph.outputs["quota_to_request"]
    buffer = io.StringIO()
    render_text(report, Console(file=buffer, width=300))
    text = buffer.getvalue()
    assert "  quota_to_request:\n" in text
    for need in graph.outputs["quota_to_request"]:
        # One line per quota, whole numbers as integers.
        assert f'"amount": {int(need["amount"])}, "code": "{need["code"]}"' in text


def _plan(plan_program: Callable[..., PlannedGraph], raw: dict[str, Any]) -> PlannedGraph:
    spec = PlatformSpec.from_dict(raw)

    def program() -> None:
        for key, value in build(spec).outputs.items():
            pulumi.export(key, value)

    return plan_program(program, NO_DEFAULT_PROVIDERS)


def test_aws_requests_exactly_the_requestable_quotas_when_asked(plan_stack, plan_program) -> None:
    assert not plan_stack(PLATFORM_STACK_DIR, "aws-prod").of_type(
        "aws:servicequotas/serviceQuota:ServiceQuota"
    )
    raw = raw_spec("aws-prod")
    raw["aws"] = {**raw["aws"], "request_quota_increases": True}
    graph = _plan(plan_program, raw)
    requests = {
        (r.get("serviceCode"), r.get("quotaCode")): r.get("value")
        for r in graph.of_type("aws:servicequotas/serviceQuota:ServiceQuota")
    }
    assert requests == {("ec2", q["code"]): q["amount"] for q in graph.outputs["quota_to_request"]}
    provider = graph.one("pulumi:providers:aws")
    assert provider.get("region") == "us-east-1"
    assert all(
        r.provider == provider.urn for r in graph.of_type("aws:servicequotas/serviceQuota:ServiceQuota")
    )


def test_gcp_asks_for_the_gpu_quotas_read_in_listings_when_asked(plan_stack, plan_program) -> None:
    assert not plan_stack(PLATFORM_STACK_DIR, "gcp-prod").of_type(
        "gcp:cloudquota/sQuotaPreference:SQuotaPreference"
    )
    raw = raw_spec("gcp-prod")
    raw["gcp"] = {**raw["gcp"], "request_quota_increases": True}
    graph = _plan(plan_program, raw)
    prefs = graph.of_type("gcp:cloudquota/sQuotaPreference:SQuotaPreference")
    # The project-wide GPU quota (no region dimension) and on-demand L4 through its own quota; the
    # preemptible ids (spot L4, the flex-start H100 pool) were not read in a listing, nor the vCPU ones:
    # by hand.
    assert sorted(
        (p.get("quotaId"), p.get("dimensions"), p.get("quotaConfig.preferredValue")) for p in prefs
    ) == [
        ("GPUS-ALL-REGIONS-per-project", {}, "39"),
        ("NVIDIA-L4-GPUS-per-project-region", {"region": "us-central1"}, "4"),
    ]
    assert prefs[0].get("parent") == "projects/acme-ai-prod"
    assert prefs[0].get("service") == "compute.googleapis.com"
    enabled = {s.get("service") for s in graph.of_type("gcp:projects/service:Service")}
    assert "cloudquotas.googleapis.com" in enabled
    assert json.dumps(prefs[0].inputs)  # plain data, no secret
