"""What the API server and Kueue do to a pod or a job on its way in, over a plan's objects: LimitRange
defaulting and validation, ResourceQuota admission (including scoped quotas and GKE's limit on the
critical priority classes), and Kueue's flavor assignment with cohort borrowing."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lepton_infra.spec.base import quantity_value
from tests.journeys.cluster import Cluster, Journey, selects

COMPUTE = ("cpu", "memory")


@dataclass
class Container:
    requests: dict[str, str] = field(default_factory=dict)
    limits: dict[str, str] = field(default_factory=dict)


def q(value: str | int) -> Decimal:
    return quantity_value(str(value))


def defaulted(cluster: Cluster, namespace: str, c: Container) -> Container:
    """The API server's defaulting (requests from limits) then the LimitRanger's (default limits, then
    default requests), as Kubernetes applies them."""
    requests, limits = dict(c.requests), dict(c.limits)
    for k, v in limits.items():
        requests.setdefault(k, v)
    for lr in cluster.of_kind("LimitRange", namespace):
        for item in lr["spec"]["limits"]:
            if item.get("type") != "Container":
                continue
            for k, v in (item.get("default") or {}).items():
                limits.setdefault(k, v)
            for k, v in (item.get("defaultRequest") or {}).items():
                requests.setdefault(k, v)
    return Container(requests, limits)


def validation_errors(c: Container) -> list[str]:
    return [
        f"{k} request {v} above its limit {c.limits[k]}"
        for k, v in c.requests.items()
        if k in c.limits and q(v) > q(c.limits[k])
    ]


def quota_errors(
    cluster: Cluster, namespace: str, c: Container, priority_class: str | None = None
) -> list[str]:
    """Why the namespace's ResourceQuotas refuse one pod of this container (empty: admitted). A quota
    scoped to priority classes counts only pods of those classes; a quota tracking `limits.X` or
    `requests.X` of cpu/memory refuses a pod that does not set it."""
    errors = []
    for quota in cluster.of_kind("ResourceQuota", namespace):
        spec = quota["spec"]
        scope = spec.get("scopeSelector")
        if scope and not all(_scope_matches(e, priority_class) for e in scope["matchExpressions"]):
            continue
        name = quota["metadata"]["name"]
        for key, hard in spec["hard"].items():
            kind, _, resource = key.partition(".")
            if key == "pods":
                if q(hard) < 1:
                    errors.append(f"quota {name} admits {hard} pods here")
                continue
            amounts = {"requests": c.requests, "limits": c.limits}.get(kind)
            if amounts is None:
                continue
            if resource not in amounts:
                if resource in COMPUTE:
                    errors.append(f"quota {name} tracks {key}, which the container does not set")
                continue
            if q(amounts[resource]) > q(hard):
                errors.append(f"{key} {amounts[resource]} above quota {name}'s {hard}")
    return errors


def _scope_matches(expr: dict[str, Any], priority_class: str | None) -> bool:
    if expr["scopeName"] != "PriorityClass":
        return False
    values = expr.get("values") or []
    if expr["operator"] == "In":
        return priority_class in values
    if expr["operator"] == "NotIn":
        return priority_class not in values
    if expr["operator"] == "Exists":
        return priority_class is not None
    return priority_class is None


def scoped_quota_exists(cluster: Cluster, namespace: str, priority_class: str) -> bool:
    return any(
        (quota["spec"].get("scopeSelector") or {}).get("matchExpressions")
        and all(_scope_matches(e, priority_class) for e in quota["spec"]["scopeSelector"]["matchExpressions"])
        for quota in cluster.of_kind("ResourceQuota", namespace)
    )


# Kueue ---------------------------------------------------------------------------------------------------
def quota_check_strategy(cluster: Cluster) -> str:
    """Kueue v0.19.2 defaults to BlockUndeclared when the configuration names none (cmd/kueue/main.go
    `quotaCheckStrategy`, the QuotaCheckStrategy gate beta and on from 0.19)."""
    return (cluster.kueue_config().get("resources") or {}).get("quotaCheckStrategy") or "BlockUndeclared"


def flavor_quota(queue: dict[str, Any], flavor: str, resource: str) -> tuple[Decimal, Decimal | None]:
    """(nominal quota, borrowing limit or None) of one resource of one flavor in a ClusterQueue."""
    for group in queue["spec"]["resourceGroups"]:
        for f in group["flavors"]:
            if f["name"] == flavor:
                for r in f["resources"]:
                    if r["name"] == resource:
                        limit = r.get("borrowingLimit")
                        return q(r["nominalQuota"]), (q(limit) if limit is not None else None)
    return Decimal(0), None


def covered(queue: dict[str, Any]) -> set[str]:
    return {r for g in queue["spec"]["resourceGroups"] for r in g["coveredResources"]}


def reachable_quota(cluster: Cluster, queue: dict[str, Any], flavor: str, resource: str) -> Decimal:
    """What a queue can get of one resource of one flavor: its nominal quota plus what it may borrow, the
    nominal quota the other queues of its cohort hold (Kueue lends only quota someone holds)."""
    own, limit = flavor_quota(queue, flavor, resource)
    cohort = queue["spec"].get("cohortName")
    others = sum(
        (
            flavor_quota(other, flavor, resource)[0]
            for other in cluster.of_kind("ClusterQueue")
            if cohort and other["spec"].get("cohortName") == cohort and other is not queue
        ),
        Decimal(0),
    )
    return own + (others if limit is None else min(others, limit))


def queue_links(j: Journey, cluster: Cluster, tenant: str, local_queue: str) -> dict[str, Any]:
    """The links from a job's queue label to its ClusterQueue: the LocalQueue in the tenant's namespace,
    the ClusterQueue it points at, and that queue's namespaceSelector admitting the namespace."""
    local = cluster.named("LocalQueue", local_queue, tenant)
    j.link("local queue", local is not None, f"no LocalQueue `{local_queue}` in namespace {tenant}")
    assert local is not None
    queue = cluster.named("ClusterQueue", local["spec"]["clusterQueue"])
    j.link(
        "cluster queue", queue is not None, f"LocalQueue points at missing {local['spec']['clusterQueue']}"
    )
    assert queue is not None
    j.link(
        "queue admits the namespace",
        selects(queue["spec"].get("namespaceSelector"), cluster.namespace_labels(tenant)),
        f"ClusterQueue {queue['metadata']['name']}'s namespaceSelector does not select {tenant}",
    )
    return queue
