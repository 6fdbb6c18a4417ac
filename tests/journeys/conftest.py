"""The journeys walk every shipped stack, and variants of them where a path is opt-in: the dev stacks with
job queues on, and aws-prod with a service scaling on a queue's length."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pulumi
import pytest

from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.stackfiles import load_stack
from tests.conftest import PLATFORM_STACK_DIR, SHIPPED_STACKS
from tests.journeys.cluster import Cluster

_CLUSTERS: dict[str, Cluster] = {}


def _jobs_on(spec: dict[str, Any]) -> None:
    """Job queues on, the first tenant holding queue quota on every GPU pool (what the spec asks), its
    services' max lowered by that much and by one more for each one's rollout surge pod (its namespace
    quota holds its services at max, their surge and its queue, spec/jobs_rules.py; the dev pools hold no
    more GPUs than that quota)."""
    spec["jobs"] = {"enabled": True}
    gpus = {p["name"]: p["gpu"]["count"] for p in spec["node_pools"] if p.get("gpu")}
    tenant = spec["tenants"][0]
    tenant["jobs"] = {"gpu_quota": {name: 1 for name in gpus}}
    for svc in spec["services"]:
        if svc["tenant"] == tenant["name"] and svc.get("gpu"):
            svc["replicas"]["max"] -= len(gpus) + 1


def _queue_length(spec: dict[str, Any]) -> None:
    """The first service scales to zero on a queue's length instead of its request rate."""
    spec["services"][0]["scaling"] = {"metric": "queue_length", "target": 5}


def _tenant_without_jobs(spec: dict[str, Any]) -> None:
    """A third tenant with no `jobs` block and no GPUs of its own (a CPU-only analytics team): the platform
    still gives it a ClusterQueue in the cohort."""
    spec["tenants"].append({"name": "analytics", "gpu_quota": 0})


def _multi_node(spec: dict[str, Any]) -> None:
    """The h100 pool topology-aware (multi-node jobs: the JobSet API, jobs/jobset.py), and the first
    tenant's queue holding two of its nodes' GPUs, its namespace quota 8 more (the stack's own comment);
    the pool one node larger for those 8, and the other tenants' queues never borrowing (their namespace
    quotas hold their services and own queues only)."""
    h100 = next(p for p in spec["node_pools"] if p["name"] == "h100")
    h100["topology_aware"] = True
    h100["max"] += 1
    first, *others = spec["tenants"]
    first["gpu_quota"] += 8
    first["jobs"]["gpu_quota"]["h100"] = 16
    for t in others:
        t["jobs"]["borrowing_limit"] = 0


VARIANTS: dict[str, tuple[str, Callable[[dict[str, Any]], None]]] = {
    **{f"{s}+jobs": (s, _jobs_on) for s in SHIPPED_STACKS if s.endswith("-dev")},
    "aws-prod+queue": ("aws-prod", _queue_length),
    "azure-prod+tenant": ("azure-prod", _tenant_without_jobs),
    **{f"{c}-prod+multinode": (f"{c}-prod", _multi_node) for c in ("aws", "gcp", "azure")},
}
# azure-prod+tenant is walked only by the queue-within-namespace-quota journey (its tenant runs nothing),
# the +multinode variants only by the multi-node job journey.
ALL = [*SHIPPED_STACKS, *(v for v in VARIANTS if v != "azure-prod+tenant" and not v.endswith("+multinode"))]


def variant_graph(name: str) -> Any:
    base, change = VARIANTS[name]
    files = load_stack(PLATFORM_STACK_DIR, base)
    config = dict(files.config)
    spec = copy.deepcopy(json.loads(config["lepton:platform"]))
    change(spec)
    config["lepton:platform"] = json.dumps(spec)

    def program() -> None:
        from lepton_infra.platform import build
        from lepton_infra.spec import PlatformSpec

        for key, value in build(PlatformSpec.from_config()).outputs.items():
            pulumi.export(key, value)

    return plan_program(program, config, project=files.project, stack=base, secret_keys=files.secret_keys)


@pytest.fixture(scope="session")
def cluster_of(plan_stack: Any) -> Callable[[str], Cluster]:
    def get(name: str) -> Cluster:
        if name not in _CLUSTERS:
            graph = variant_graph(name) if name in VARIANTS else plan_stack(PLATFORM_STACK_DIR, name)
            _CLUSTERS[name] = Cluster(graph)
        return _CLUSTERS[name]

    return get
