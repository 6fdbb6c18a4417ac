"""`PlausibleMocks`: Pulumi's mocks answered by the registered mock rules, plausible outputs per resource
type and answers per invoke, so every `apply` in a program runs offline as under `pulumi up`."""

from __future__ import annotations

import threading

import pulumi

from lepton_infra.plan.mocks.registry import MockContext, short_hash
from lepton_infra.plan.mocks.rules import invoke_rule_for, output_rule_for


class UnmockedInvoke(RuntimeError):
    """A program called a data source the offline plan cannot answer. Failing beats returning `{}`:
    an empty answer would make the program's applies read `None` and pass without checking anything."""


class PlausibleMocks(pulumi.runtime.Mocks):
    def __init__(self, context: MockContext | None = None) -> None:
        self.context = context or MockContext()
        # The name outputs derive from, set by the monitor around each registration (its old name when
        # renamed through an alias: monitor.identity_name); the registering thread's own.
        self.identity = threading.local()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        inputs = dict(args.inputs)
        name = getattr(self.identity, "name", None) or args.name
        resource_id = args.resource_id or f"{name}-{short_hash(args.typ, name)}"
        state = dict(inputs)
        rule = output_rule_for(args.typ)
        if rule is not None:
            extra = rule(name, inputs, self.context, {"id": resource_id, "type": args.typ})
            resource_id = extra.pop("__id__", resource_id)
            state.update(extra)
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        rule = invoke_rule_for(args.token)
        if rule is None:
            raise UnmockedInvoke(
                f"invoke {args.token} has no offline answer; add one with "
                "lepton_infra.plan.mocks.registry.invoke()"
            )
        # An empty failure list, not None: MockMonitor.Invoke iterates it.
        return rule(dict(args.args), self.context), []
