"""Longest weighted path through the plan's dependency graph (resources wait for their dependencies
and their parent), with typical create durations as weights."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lepton_infra.core.yaml_table import read_table
from lepton_infra.plan.record import PlannedGraph, RecordedResource


@cache
def durations() -> dict[str, Any]:
    return read_table(resources.files("lepton_infra.deploy").joinpath("durations.yaml").read_text())


def create_minutes(resource: RecordedResource) -> float:
    table = durations()
    if resource.type == "time:index/sleep:Sleep":  # a propagation wait takes exactly what it says
        return int(str(resource.inputs.get("createDuration", "0s")).removesuffix("s")) / 60
    if resource.type in table["types"]:
        return float(table["types"][resource.type]["minutes"])
    return float(table["default_custom"]["minutes"]) if resource.custom else 0.0


def critical_path(
    nodes: Iterable[str], waits_for: Mapping[str, Iterable[str]], weight: Callable[[str], float]
) -> tuple[list[str], float]:
    """The heaviest chain in a DAG given as node -> the nodes it waits for. Iterative (no recursion
    limit on deep graphs); O(nodes + edges). Ties (equally long chains, common: many resources share a
    duration) go to the smallest node id, so the chain printed is the same on every run whatever order
    the nodes and edges come in."""
    order = _topological(list(nodes), waits_for)
    finish: dict[str, float] = {}
    previous: dict[str, str | None] = {}
    for node in order:
        best, best_dep = 0.0, None
        for dep in waits_for.get(node, ()):
            if dep in finish and (
                finish[dep] > best or (finish[dep] == best and best_dep is not None and dep < best_dep)
            ):
                best, best_dep = finish[dep], dep
        finish[node] = best + weight(node)
        previous[node] = best_dep
    if not finish:
        return [], 0.0
    end = min(finish, key=lambda n: (-finish[n], n))
    path = []
    current: str | None = end
    while current is not None:
        path.append(current)
        current = previous[current]
    return list(reversed(path)), finish[end]


def _topological(nodes: list[str], waits_for: Mapping[str, Iterable[str]]) -> list[str]:
    known = set(nodes)
    pending = {n: {d for d in waits_for.get(n, ()) if d in known and d != n} for n in nodes}
    dependents: dict[str, list[str]] = {n: [] for n in nodes}
    for node, deps in pending.items():
        for dep in deps:
            dependents[dep].append(node)
    ready = [n for n in nodes if not pending[n]]
    order: list[str] = []
    while ready:
        node = ready.pop()
        order.append(node)
        for child in dependents[node]:
            pending[child].discard(node)
            if not pending[child]:
                ready.append(child)
    if len(order) != len(nodes):
        raise ValueError("dependency cycle in the plan")
    return order


@dataclass(frozen=True)
class DeployEstimate:
    critical_path: list[str]
    critical_path_minutes: float
    work_minutes: float

    @property
    def parallelism(self) -> float:
        return round(self.work_minutes / self.critical_path_minutes, 2) if self.critical_path_minutes else 0.0

    def to_json(self, graph: PlannedGraph) -> dict[str, Any]:
        return {
            "critical_path": self.critical_path,
            "critical_path_minutes": round(self.critical_path_minutes, 2),
            "work_minutes": round(self.work_minutes, 2),
            "parallelism": self.parallelism,
            "chain": [
                {
                    "urn": u,
                    "type": graph.by_urn(u).type,
                    "name": graph.by_urn(u).name,
                    "minutes": create_minutes(graph.by_urn(u)),
                }
                for u in self.critical_path
            ],
            "durations_source": "lepton_infra/deploy/durations.yaml (estimates unless a source is named)",
        }


def estimate_deploy(graph: PlannedGraph) -> DeployEstimate:
    managed = graph.managed
    by_urn = {r.urn: r for r in managed}
    waits_for = {r.urn: [*r.dependencies, *([r.parent] if r.parent in by_urn else [])] for r in managed}
    path, minutes = critical_path(by_urn, waits_for, lambda u: create_minutes(by_urn[u]))
    # Report the chain of resources that take time; zero-time components are structure, not steps.
    timed = [u for u in path if create_minutes(by_urn[u]) > 0]
    work = sum(create_minutes(r) for r in managed)
    return DeployEstimate(critical_path=timed, critical_path_minutes=minutes, work_minutes=work)
