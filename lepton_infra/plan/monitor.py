"""A `MockMonitor` that records every registration the way the engine would see it."""

from __future__ import annotations

from typing import Any

from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.settings import get_project, get_stack

from lepton_infra.plan.mocks.plausible import PlausibleMocks
from lepton_infra.plan.record import SECRET, STACK_TYPE, RecordedInvoke, RecordedResource
from lepton_infra.plan.urns import AliasSpec, collapse_alias, engine_urn, urn_name


class DefaultProviderDisabled(RuntimeError):
    pass


def redact(value: Any) -> Any:
    """Replace secret envelopes with "[secret]" all the way down; keep everything else as given."""
    if rpc.is_rpc_secret(value):
        return SECRET
    if isinstance(value, dict):
        return {k: redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)  # assets, archives, resource references: keep a readable trace


def resolve_aliases(request: Any, stack: str, project: str) -> list[str]:
    """The request's aliases as the URNs the engine would look up in state (its `collapseAliasToUrn`).
    Aliases inherited from an aliased parent depend on the old state; the diff adds those."""
    out: list[str] = [str(u) for u in request.aliasURNs]
    for alias in request.aliases:
        if alias.WhichOneof("alias") == "urn":
            urn = alias.urn
        else:
            spec = alias.spec
            urn = collapse_alias(
                AliasSpec(
                    name=spec.name,
                    type=spec.type,
                    stack=spec.stack,
                    project=spec.project,
                    parent_urn=spec.parentUrn,
                    no_parent=spec.noParent,
                ),
                name=request.name,
                type_=request.type,
                parent_urn=request.parent or None,
                stack=stack,
                project=project,
            )
        if urn not in out:
            out.append(urn)
    return out


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: PlausibleMocks, disabled_default_providers: set[str] | None = None) -> None:
        super().__init__(mocks)
        self.plausible = mocks
        self.records: dict[str, RecordedResource] = {}
        self.order: list[str] = []
        self.stack_outputs: dict[str, Any] = {}
        self.invokes: list[RecordedInvoke] = []
        self.disabled_default_providers = disabled_default_providers or set()
        self.identities: dict[str, str] = {}  # URN -> the name its mocked outputs derive from

    def identity_name(self, request: Any, aliases: list[str]) -> str:
        """The name a resource's mocked outputs (ids, ARNs) derive from: the name it had before it was
        renamed through an alias, so a rename the engine follows (the same URN after aliasing) keeps its
        outputs, as it keeps the cloud object. An explicit alias's name first (the first that renames);
        else the name inherited from an aliased parent, its parent-name prefix swapped as the engine's
        `inheritedChildAlias` does; else the resource's own name."""
        for alias in aliases:
            if urn_name(alias) != request.name:
                return urn_name(alias)
        parent = self.records.get(request.parent) if request.parent else None
        parent_identity = self.identities.get(request.parent or "")
        renamed = parent is not None and parent_identity and parent_identity != parent.name
        if renamed and parent is not None and request.name.startswith(parent.name):
            return f"{parent_identity}{request.name[len(parent.name) :]}"
        return request.name

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        return engine_urn(get_stack(), get_project(), parent or None, type_, name)

    def RegisterResource(self, request: Any) -> Any:
        self._check_default_provider(request)
        aliases = resolve_aliases(request, get_stack(), get_project())
        identity = self.identity_name(request, aliases)
        self.plausible.identity.name = identity  # per thread: the SDK registers from several at once
        try:
            response = super().RegisterResource(request)
        finally:
            self.plausible.identity.name = None
        urn = response.urn
        self.identities[urn] = identity
        inputs = redact(rpc.deserialize_properties(request.object)) if request.type != STACK_TYPE else {}
        # The SDK gathers dependencies in sets, so their order follows string hashing (PYTHONHASHSEED):
        # sort them, and the property names, for a report that is the same byte for byte every run.
        prop_deps = {
            k: sorted(set(request.propertyDependencies[k].urns)) for k in sorted(request.propertyDependencies)
        }
        deps = sorted({*request.dependencies, *(u for urns in prop_deps.values() for u in urns)})
        record = RecordedResource(
            urn=urn,
            type=request.type,
            name=request.name,
            parent=request.parent or None,
            custom=bool(request.custom),
            protect=bool(request.protect),
            inputs=inputs,
            dependencies=deps,
            provider=request.provider.rsplit("::", 1)[0] if request.provider else None,
            property_dependencies=prop_deps,
            ignore_changes=list(request.ignoreChanges),
            replace_on_changes=list(request.replaceOnChanges),
            delete_before_replace=bool(request.deleteBeforeReplace),
            aliases=aliases,
            retain_on_delete=bool(request.retainOnDelete),
            remote=bool(request.remote),
        )
        if request.custom and request.type != STACK_TYPE:
            # What the mocks answered (the cloud's view once created): tests follow a value from the resource
            # that reports it (an Ingress's load-balancer status) to the inputs that use it.
            record.outputs = (
                {**redact(rpc.deserialize_properties(response.object)), "id": response.id}
                if response.object
                else {"id": response.id}
            )
        if urn not in self.records:
            self.order.append(urn)
        self.records[urn] = record
        return response

    def Invoke(self, request: Any) -> Any:
        response = super().Invoke(request)  # first: it sets up the event loop deserializing needs
        if request.tok != "pulumi:pulumi:getResource":  # the SDK's own lookups, not the program's
            args = redact(rpc.deserialize_properties(request.args))
            self.invokes.append(RecordedInvoke(request.tok, args, request.provider or None))
        return response

    def RegisterResourceOutputs(self, request: Any) -> Any:
        outputs = redact(rpc.deserialize_properties(request.outputs)) if request.outputs else {}
        record = self.records.get(request.urn)
        if record is not None:
            record.outputs = outputs
            if record.type == STACK_TYPE:
                self.stack_outputs = outputs
        return super().RegisterResourceOutputs(request)

    def _check_default_provider(self, request: Any) -> None:
        """What the engine does with `pulumi:disable-default-providers`: a custom resource without an
        explicit provider fails the deployment."""
        if not request.custom or request.type.startswith("pulumi:providers:") or request.provider:
            return
        package = request.type.split(":")[0]
        if "*" in self.disabled_default_providers or package in self.disabled_default_providers:
            raise DefaultProviderDisabled(
                f"default provider for '{package}' disabled: {request.type} '{request.name}' must be given "
                "an explicit provider"
            )

    def recorded(self) -> list[RecordedResource]:
        return canonical_order([self.records[u] for u in self.order])


def canonical_order(records: list[RecordedResource]) -> list[RecordedResource]:
    """Registration order is not stable: resources register as their inputs resolve, and asyncio wakes
    them in an order that changes between runs. The report uses the tree instead: each parent before
    its children, siblings by name then type; the root stack first."""
    known = {r.urn for r in records}
    children: dict[str | None, list[RecordedResource]] = {}
    for r in records:
        children.setdefault(r.parent if r.parent in known else None, []).append(r)
    for siblings in children.values():
        siblings.sort(key=lambda r: (r.type != STACK_TYPE, r.name, r.type, r.urn))
    out: list[RecordedResource] = []
    pending = list(reversed(children.get(None, [])))
    while pending:  # iterative depth-first walk: no recursion limit on deep trees
        current = pending.pop()
        out.append(current)
        pending.extend(reversed(children.get(current.urn, [])))
    return out
