"""azure-prod spec variants for the cases the shipped Azure stacks leave out, planned whole."""

from __future__ import annotations

import copy
from typing import Any

import pulumi

from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.platform import build
from lepton_infra.spec import PlatformSpec
from tests.kubernetes.harness import shipped_spec

PROD_SUB = "3f2b6c1e-8d4a-4b7e-9c21-5a6d7e8f9a0b"
ZONE = f"/subscriptions/{PROD_SUB}/resourceGroups/dns/providers/Microsoft.Network/dnszones/ai.acme.dev"


def plan_spec(raw: dict[str, Any]) -> PlannedGraph:
    spec = PlatformSpec.from_dict(raw)

    def program() -> None:
        for key, value in build(spec).outputs.items():
            pulumi.export(key, value)

    return plan_program(program, {"pulumi:disable-default-providers": ["*"], "lepton:platform": raw})


def public_h100_service() -> dict[str, Any]:
    """azure-prod with `sentiment` exposed publicly (its record in a public zone) and a `reranker` service
    on H100, a GPU type only the on-demand `h100` pool offers."""
    raw = copy.deepcopy(shipped_spec("azure-prod"))
    raw["network"] = {**raw["network"], "public_services": True}
    raw["azure"] = {**raw["azure"], "dns_zone_id": ZONE}
    raw["services"] = [
        {**raw["services"][0], "expose": "public"},
        *raw["services"][1:],
        {
            "name": "reranker",
            "tenant": "serving",
            "image": raw["services"][1]["image"],
            "gpu": {"type": "h100-80gb", "count": 1},
            "replicas": {"min": 0, "max": 2},
        },
    ]
    # serving's namespace quota (15) must hold the reranker at max and its rollout surge too (3 GPUs,
    # spec/jobs_rules.py) while the tenants' quotas stay within the pools' 36 GPUs: serving's queue
    # borrows at most 5 of research's 8 idle H100s instead of all 8 (4 + 1 embeddings, 2 + 1 reranker,
    # 2 t4spot own, 5 borrowed = 15).
    serving = raw["tenants"][1]
    serving["jobs"] = {**serving["jobs"], "borrowing_limit": 5}
    return raw


def h100_nvl_pool() -> dict[str, Any]:
    """azure-prod with a 1-GPU H100 NVL on-demand pool (`Standard_NC40ads_H100_v5` in the catalog); the
    research queue holds its quota (every GPU pool is a job flavor some queue must hold quota on)."""
    raw = copy.deepcopy(shipped_spec("azure-prod"))
    raw["node_pools"] = [
        *raw["node_pools"],
        {"name": "nvl", "gpu": {"type": "h100-nvl", "count": 1}, "max": 2},
    ]
    research = raw["tenants"][0]
    research["jobs"] = {**research["jobs"], "gpu_quota": {**research["jobs"]["gpu_quota"], "nvl": 2}}
    # research's namespace quota holds the 2 more GPUs its queue owns (21 -> 23); serving's stays 15 with
    # its queue borrowing at most 6 per flavor (6 of research's 8 H100s, both NVLs: 8, as before), so the
    # quotas sum to the pools' 38 GPUs at max (spec/jobs_rules.py, tenant_rules.py).
    research["gpu_quota"] += 2
    serving = raw["tenants"][1]
    serving["jobs"] = {**serving["jobs"], "borrowing_limit": 6}
    return raw
