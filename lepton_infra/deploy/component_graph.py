"""The component-level dependency graph of a plan, drawn as Mermaid or Graphviz dot.

A component waits for another when any resource inside it depends on a resource inside the other.
Components that contain other components are drawn as clusters (subgraphs)."""

from __future__ import annotations

from dataclasses import dataclass

from lepton_infra.plan.record import STACK_TYPE, PlannedGraph, RecordedResource


@dataclass(frozen=True)
class ComponentGraph:
    nodes: list[RecordedResource]  # components, registration order
    edges: list[tuple[str, str]]  # (waiting component urn, awaited component urn)
    parents: dict[str, str | None]  # component urn -> enclosing component urn


def component_graph(graph: PlannedGraph) -> ComponentGraph:
    components = [r for r in graph.managed if not r.custom and r.type != STACK_TYPE]
    urns = {c.urn for c in components}
    owner: dict[str, str] = {}
    for r in graph.managed:  # nearest enclosing component of each resource (a component owns itself)
        current: RecordedResource | None = r
        while current is not None and current.urn not in urns:
            current = (
                graph.by_urn(current.parent) if current.parent and current.parent != _root(graph) else None
            )
        if current is not None:
            owner[r.urn] = current.urn
    parents = {c.urn: (c.parent if c.parent in urns else None) for c in components}
    edges: set[tuple[str, str]] = set()
    for r in graph.managed:
        src = owner.get(r.urn)
        for dep in r.dependencies:
            dst = owner.get(dep)
            if (
                src
                and dst
                and src != dst
                and not _encloses(dst, src, parents)
                and not _encloses(src, dst, parents)
            ):
                edges.add((src, dst))
    return ComponentGraph(components, sorted(edges), parents)


def _root(graph: PlannedGraph) -> str | None:
    roots = [r.urn for r in graph.resources if r.type == STACK_TYPE]
    return roots[0] if roots else None


def _encloses(outer: str, inner: str, parents: dict[str, str | None]) -> bool:
    current = parents.get(inner)
    while current is not None:
        if current == outer:
            return True
        current = parents.get(current)
    return False


def _ids(cg: ComponentGraph) -> dict[str, str]:
    return {c.urn: f"c{i}" for i, c in enumerate(cg.nodes)}


def _label(r: RecordedResource) -> str:
    return f"{r.type.split(':')[-1]}<br/>{r.name}"


def to_mermaid(cg: ComponentGraph) -> str:
    ids = _ids(cg)
    children: dict[str | None, list[RecordedResource]] = {}
    for c in cg.nodes:
        children.setdefault(cg.parents[c.urn], []).append(c)
    lines = ["flowchart LR"]

    def emit(parent: str | None, indent: str) -> None:
        for c in children.get(parent, []):
            if children.get(c.urn):
                lines.append(f'{indent}subgraph {ids[c.urn]}["{_label(c)}"]')
                emit(c.urn, indent + "  ")
                lines.append(f"{indent}end")
            else:
                lines.append(f'{indent}{ids[c.urn]}["{_label(c)}"]')

    emit(None, "  ")
    for src, dst in cg.edges:  # an arrow points from what is needed to what needs it
        lines.append(f"  {ids[dst]} --> {ids[src]}")
    return "\n".join(lines) + "\n"


def to_dot(cg: ComponentGraph) -> str:
    ids = _ids(cg)
    children: dict[str | None, list[RecordedResource]] = {}
    for c in cg.nodes:
        children.setdefault(cg.parents[c.urn], []).append(c)
    lines = ["digraph platform {", "  rankdir=LR;", "  node [shape=box, fontname=Helvetica];"]

    def emit(parent: str | None, indent: str) -> None:
        for c in children.get(parent, []):
            label = _label(c).replace("<br/>", "\\n")
            if children.get(c.urn):
                lines.append(f'{indent}subgraph cluster_{ids[c.urn]} {{ label="{label}";')
                emit(c.urn, indent + "  ")
                lines.append(f"{indent}}}")
            else:
                lines.append(f'{indent}{ids[c.urn]} [label="{label}"];')

    emit(None, "  ")
    for src, dst in cg.edges:
        if children.get(src) or children.get(dst):
            continue  # dot cannot draw edges to clusters; their members carry the edges
        lines.append(f"  {ids[dst]} -> {ids[src]};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_json(cg: ComponentGraph) -> str:
    """The graph as data: components (urn, type, name, enclosing component) and who waits for whom."""
    import json

    doc = {
        "components": [
            {"urn": c.urn, "type": c.type, "name": c.name, "parent": cg.parents.get(c.urn)} for c in cg.nodes
        ],
        "edges": [{"waits": waiting, "for": awaited} for waiting, awaited in cg.edges],
    }
    return json.dumps(doc, indent=2) + "\n"
