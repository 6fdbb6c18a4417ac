"""A `MockMonitor` that records every registration the way the engine would see it."""

from __future__ import annotations

from typing import Any

from pulumi.runtime import rpc
from pulumi.runtime.mocks import MockMonitor

from lepton_infra.plan.record import SECRET, STACK_TYPE, RecordedResource


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


class RecordingMonitor(MockMonitor):
    def __init__(self, mocks: Any, disabled_default_providers: set[str] | None = None) -> None:
        super().__init__(mocks)
        self.records: dict[str, RecordedResource] = {}
        self.order: list[str] = []
        self.stack_outputs: dict[str, Any] = {}
        self.disabled_default_providers = disabled_default_providers or set()

    def RegisterResource(self, request: Any) -> Any:
        self._check_default_provider(request)
        response = super().RegisterResource(request)
        urn = response.urn
        inputs = redact(rpc.deserialize_properties(request.object)) if request.type != STACK_TYPE else {}
        deps = list(dict.fromkeys(request.dependencies))
        prop_deps = {k: list(v.urns) for k, v in request.propertyDependencies.items()}
        for urns in prop_deps.values():
            for dep in urns:
                if dep not in deps:
                    deps.append(dep)
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
            delete_before_replace=bool(request.deleteBeforeReplace),
            aliases=[str(a) for a in request.aliasURNs] + [str(a) for a in request.aliases],
            remote=bool(request.remote),
        )
        if urn not in self.records:
            self.order.append(urn)
        self.records[urn] = record
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
        return [self.records[u] for u in self.order]
