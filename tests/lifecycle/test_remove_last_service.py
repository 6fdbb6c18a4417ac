"""Journey: remove the last service of an exposure from aws-prod. The update deletes its Ingress, so the load
balancer controller must be able to delete the ALB (no deletion protection: the controller v3.5.0 refuses
an Ingress whose ALB is protected, leaving the finalizer stuck and the ALB billed) and must still be there,
with its IAM grants, while it does, even when the same update removes the controller too.

On the code before this test, aws-prod's Ingresses carried deletion_protection.enabled=true.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from lepton_infra.lifecycle.cleanup_needs import (
    INGRESS,
    alb_deletion_blockers,
    cleanup_needs,
)
from lepton_infra.lifecycle.destroy import DestroyGraph, unmet
from lepton_infra.plan import plan_stack
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.plan.testing import cached_stack_plan
from tests.conftest import PLATFORM_STACK_DIR

STACK = "aws-prod"


def _without_services(
    tmp_path: Path,
    names: set[str],
    pools: frozenset[str] = frozenset(),
    gpu_quotas: dict[str, int] | None = None,
) -> PlannedGraph:
    target = tmp_path / "platform"
    shutil.copytree(PLATFORM_STACK_DIR, target)
    stack_file = target / f"Pulumi.{STACK}.yaml"
    document: dict[str, Any] = yaml.safe_load(stack_file.read_text())
    spec = document["config"]["lepton:platform"]
    kept = [s for s in spec["services"] if s["name"] not in names]
    assert len(kept) == len(spec["services"]) - len(names), "the services to remove are in the stack"
    spec["services"] = kept
    spec["node_pools"] = [p for p in spec["node_pools"] if p["name"] not in pools]
    for tenant in spec["tenants"]:
        tenant["gpu_quota"] = (gpu_quotas or {}).get(tenant["name"], tenant["gpu_quota"])
    stack_file.write_text(yaml.safe_dump(document, sort_keys=False))
    return plan_stack(target, STACK)


def _removal_problems(before: PlannedGraph, after: PlannedGraph) -> tuple[set[str], list[str]]:
    """What the update deletes, and every deletion among them that cannot finish or may lose what it needs
    (the engine orders an update's deletes as a destroy does: by the old state's dependencies)."""
    remaining = {r.urn for r in after.resources}
    removed = {r.urn for r in before.resources if r.urn not in remaining}
    destroy = DestroyGraph(before)
    needs = [n for n in cleanup_needs(before) if n.user in removed and n.needed in removed]
    problems = [n.message() for n in unmet(destroy, needs)]
    problems += [b.message() for b in alb_deletion_blockers(before) if b.urn in removed]
    return removed, problems


def test_removing_the_last_service_of_an_exposure_lets_the_controller_delete_its_alb(tmp_path: Path) -> None:
    base = cached_stack_plan(PLATFORM_STACK_DIR, STACK)
    services = ["chat", "embeddings", "sentiment"]  # all on the internal exposure, one ALB
    # embeddings' on-demand pool (`l4`, kept for it in prod: no job flavor) goes with it, and serving's
    # namespace quota loses the service's 4 GPUs and its surge GPU (18 -> 13): left behind, the pool would be
    # a GPU pool no queue holds
    # quota on, and the tenants' quotas would exceed the remaining pools (both refused by the spec).
    reserved, quotas = frozenset({"l4"}), {"serving": 13}
    one_left = _without_services(tmp_path / "one", {"embeddings"}, reserved, quotas)
    removed, problems = _removal_problems(base, one_left)
    assert [base.by_urn(u).name for u in removed if base.by_urn(u).type == INGRESS] == [
        "acme-ai-k8s-traffic-ingress-embeddings"
    ]
    assert problems == []

    none_left = _without_services(tmp_path / "none", set(services), reserved, quotas)
    removed, problems = _removal_problems(one_left, none_left)
    assert sorted(one_left.by_urn(u).name for u in removed if one_left.by_urn(u).type == INGRESS) == [
        "acme-ai-k8s-traffic-ingress-chat",
        "acme-ai-k8s-traffic-ingress-sentiment",
    ]
    assert problems == []
