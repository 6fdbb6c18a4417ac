"""`pulumi destroy` over a recorded plan: the order the engine deletes in, and whether what a resource needs
while it is being deleted is still there.

The engine deletes a resource only after everything that depends on it is gone (pulumi/pulumi
pkg/resource/graph/dependency_graph.go `DependingOn`, read 2026-12-07 in the code corpus: a resource's
dependents are those naming it in `dependencies`, `propertyDependencies`, `deletedWith` or as their
`provider`). Nothing else orders deletes: two resources without a path between them may go in either
order, or at once. So "X is still there while Y is deleted" holds in every destroy exactly when X is a
transitive dependency of Y. Parents are left out on purpose: whether a component's children are deleted
before what the component (not the child) depends on is not something a cleanup should rely on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lepton_infra.plan.record import STACK_TYPE, PlannedGraph, RecordedResource


def provider_urn(resource: RecordedResource) -> str | None:
    """The URN of the resource's explicit provider (a reference may carry `::<id>` after the URN, whose own
    parts are `urn:pulumi:<stack>::<project>::<type>::<name>`)."""
    if not resource.provider:
        return None
    return "::".join(resource.provider.split("::")[:4])


def direct_dependencies(resource: RecordedResource) -> set[str]:
    """What the engine deletes only after `resource` is gone."""
    deps = set(resource.dependencies)
    deps.update(u for urns in resource.property_dependencies.values() for u in urns)
    provider = provider_urn(resource)
    if provider:
        deps.add(provider)
    return deps


class DestroyGraph:
    """The plan's delete-order edges, with the transitive closure computed once per resource."""

    def __init__(self, graph: PlannedGraph) -> None:
        self.graph = graph
        self._direct = {r.urn: direct_dependencies(r) for r in graph.resources}
        self._closure: dict[str, frozenset[str]] = {}

    def outlives(self, urn: str) -> frozenset[str]:
        """Every resource certain to exist until `urn` is deleted (its transitive dependencies)."""
        if urn not in self._closure:
            seen: set[str] = set()
            todo = list(self._direct.get(urn, ()))
            while todo:
                current = todo.pop()
                if current in seen:
                    continue
                seen.add(current)
                todo.extend(self._direct.get(current, ()))
            self._closure[urn] = frozenset(seen)
        return self._closure[urn]

    def deleted_after(self, needed: str, user: str) -> bool:
        """True when every destroy deletes `needed` only after `user` is gone."""
        return needed in self.outlives(user)

    def order(self) -> list[str]:
        """One order the engine may delete in (dependents first; ties in reverse registration order,
        which is what a serial destroy does). Providers and components are included: they are steps too."""
        registered = [r.urn for r in self.graph.resources if r.type != STACK_TYPE]
        position = {urn: i for i, urn in enumerate(registered)}
        dependents: dict[str, set[str]] = {urn: set() for urn in registered}
        for urn in registered:
            for dep in self._direct[urn]:
                if dep in dependents:
                    dependents[dep].add(urn)
        deleted: list[str] = []
        gone: set[str] = set()
        ready = sorted((u for u in registered if not dependents[u]), key=position.__getitem__)
        while ready:
            urn = ready.pop()  # the latest registered first
            deleted.append(urn)
            gone.add(urn)
            for dep in self._direct[urn]:
                if dep in dependents and dep not in gone and dependents[dep] <= gone and dep not in ready:
                    ready.append(dep)
            ready.sort(key=position.__getitem__)
        if len(deleted) != len(registered):
            raise ValueError("the plan's dependencies have a cycle: no destroy order exists")
        return deleted


@dataclass(frozen=True)
class Need:
    """`user` needs `needed` to exist while it is deleted (or, for an `outright` need, cannot be deleted by
    its controller at all)."""

    user: str
    needed: str
    what: str
    """What the user needs, in words (`the load balancer controller's release`)."""
    why: str
    source: str

    def message(self) -> str:
        what = f"{self.what} ({self.needed})"
        return f"{self.user} needs {what} while it is deleted: {self.why} [{self.source}]"


@dataclass(frozen=True)
class Blocker:
    """A resource whose deletion cannot finish whatever the order (a finalizer its controller refuses)."""

    urn: str
    why: str
    source: str

    def message(self) -> str:
        return f"{self.urn} cannot be deleted: {self.why} [{self.source}]"


def unmet(destroy: DestroyGraph, needs: Iterable[Need]) -> list[Need]:
    """The needs some destroy order breaks: the needed resource may be deleted before its user."""
    return [n for n in needs if not destroy.deleted_after(n.needed, n.user)]
