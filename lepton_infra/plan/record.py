"""What a plan records: every registered resource, and query helpers over the graph."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

SECRET = "[secret]"
STACK_TYPE = "pulumi:pulumi:Stack"


def whole_numbers(value: Any) -> Any:
    """Whole numbers as integers, at any depth: the engine carries every JSON number as a float (384.0 vCPUs,
    a port 10001.0), which reads wrongly in a report and is not an integer to the API server."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: whole_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [whole_numbers(v) for v in value]
    return value


@dataclass
class RecordedResource:
    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    protect: bool
    inputs: dict[str, Any]
    dependencies: list[str]
    provider: str | None = None
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    ignore_changes: list[str] = field(default_factory=list)
    replace_on_changes: list[str] = field(default_factory=list)
    delete_before_replace: bool = False
    aliases: list[str] = field(default_factory=list)
    retain_on_delete: bool = False
    """`pulumi destroy` forgets it and leaves it in the cloud (kept out of the JSON contract)."""
    # A component's registered outputs; a custom resource's state as the mocks answered it (with its `id`).
    outputs: dict[str, Any] = field(default_factory=dict)
    remote: bool = False

    @property
    def is_provider(self) -> bool:
        return self.type.startswith("pulumi:providers:")

    @property
    def package(self) -> str:
        if self.is_provider:
            return self.type.split(":")[2]
        return self.type.split(":")[0]

    def get(self, path: str, default: Any = None) -> Any:
        """Read a nested input by dotted path (`vpcConfig.endpointPrivateAccess`, `tags.environment`,
        `metadataOptions.httpTokens`); list indices as numbers (`subnets.0`)."""
        node: Any = self.inputs
        for part in path.split("."):
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return default
        return node

    def contract(self) -> dict[str, Any]:
        """The resource as the JSON report contract gives it."""
        return {
            "urn": self.urn,
            "type": self.type,
            "name": self.name,
            "parent": self.parent,
            "custom": self.custom,
            "protect": self.protect,
            "inputs": self.inputs,
            "dependencies": self.dependencies,
            "aliases": self.aliases,
            "provider": self.provider,
        }


@dataclass(frozen=True)
class RecordedInvoke:
    """One data-source call the program made (`aws.eks.get_addon_version`, ...), with its arguments as the
    engine received them (secrets as "[secret]"): what `pulumi up` would ask the cloud at every run."""

    token: str
    args: dict[str, Any]
    provider: str | None = None  # "<provider urn>::<id>", as the engine receives it; None: the default


@dataclass
class PlannedGraph:
    """The recorded resource graph of one program run, in registration order."""

    project: str
    stack: str
    resources: list[RecordedResource]
    outputs: dict[str, Any]
    config: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    invokes: list[RecordedInvoke] = field(default_factory=list)
    """Every invoke, in call order. Not part of the JSON report: tests read it (a lookup that `up` repeats,
    such as a most-recent version, is a change nobody reviewed)."""

    def __post_init__(self) -> None:
        self._by_urn = {r.urn: r for r in self.resources}

    def __iter__(self) -> Iterator[RecordedResource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)

    @property
    def managed(self) -> list[RecordedResource]:
        """Everything but the root stack."""
        return [r for r in self.resources if r.type != STACK_TYPE]

    def by_urn(self, urn: str) -> RecordedResource:
        return self._by_urn[urn]

    def of_type(self, type_: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str) -> RecordedResource:
        matches = [r for r in self.resources if r.name == name]
        if len(matches) != 1:
            raise LookupError(f"{len(matches)} resources named {name!r}")
        return matches[0]

    def one(self, type_: str, name: str | None = None) -> RecordedResource:
        matches = [r for r in self.of_type(type_) if name is None or r.name == name]
        if len(matches) != 1:
            names = [r.name for r in self.of_type(type_)]
            raise LookupError(f"{len(matches)} {type_} named {name!r}; have {names}")
        return matches[0]

    def children(self, urn: str) -> list[RecordedResource]:
        return [r for r in self.resources if r.parent == urn]

    def descendants(self, urn: str) -> list[RecordedResource]:
        out: list[RecordedResource] = []
        stack = [urn]
        while stack:
            current = stack.pop()
            for child in self.children(current):
                out.append(child)
                stack.append(child.urn)
        return out

    def ancestors(self, resource: RecordedResource) -> list[RecordedResource]:
        out = []
        while resource.parent and resource.parent in self._by_urn:
            resource = self._by_urn[resource.parent]
            out.append(resource)
        return out

    def waits_for(self, resource: RecordedResource) -> set[str]:
        """URNs of everything `resource` waits for before the engine creates it, transitively: its
        `dependsOn` and the resources its inputs' Outputs come from."""
        seen: set[str] = set()
        todo = [
            *resource.dependencies,
            *(u for deps in resource.property_dependencies.values() for u in deps),
        ]
        while todo:
            urn = todo.pop()
            if urn in seen:
                continue
            seen.add(urn)
            dep = self.by_urn(urn)
            todo.extend(dep.dependencies)
            todo.extend(u for deps in dep.property_dependencies.values() for u in deps)
        return seen

    def by_type_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.managed:
            counts[r.type] = counts.get(r.type, 0) + 1
        return dict(sorted(counts.items()))
