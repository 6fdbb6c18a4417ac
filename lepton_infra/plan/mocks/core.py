"""The mock dispatcher: per-type output rules and per-token invoke answers, registered by module."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi


@dataclass(frozen=True)
class MockContext:
    """Facts a cloud would know: the account/project and region the program targets."""

    aws_region: str = "us-east-1"
    aws_account: str = "123456789012"
    gcp_project: str = "lepton-offline"
    gcp_region: str = "us-central1"
    azure_subscription: str = "00000000-0000-0000-0000-000000000000"

    @staticmethod
    def from_config(config: dict[str, str]) -> MockContext:
        return MockContext(
            aws_region=config.get("aws:region", "us-east-1"),
            gcp_project=config.get("gcp:project", "lepton-offline"),
            gcp_region=config.get("gcp:region", "us-central1"),
            azure_subscription=config.get(
                "azure-native:subscriptionId", "00000000-0000-0000-0000-000000000000"
            ),
        )


def short_hash(*parts: str, length: int = 8) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length]


OutputRule = Callable[[str, dict[str, Any], MockContext, dict[str, Any]], dict[str, Any]]
InvokeRule = Callable[[dict[str, Any], MockContext], dict[str, Any]]

# Exact type token -> rule; prefix ("aws:", "gcp:", "kubernetes:") -> rule for the rest.
OUTPUT_RULES: dict[str, OutputRule] = {}
PREFIX_RULES: dict[str, OutputRule] = {}
INVOKE_RULES: dict[str, InvokeRule] = {}


def outputs_for(type_token: str) -> Callable[[OutputRule], OutputRule]:
    def register(fn: OutputRule) -> OutputRule:
        OUTPUT_RULES[type_token] = fn
        return fn

    return register


def outputs_for_prefix(prefix: str) -> Callable[[OutputRule], OutputRule]:
    def register(fn: OutputRule) -> OutputRule:
        PREFIX_RULES[prefix] = fn
        return fn

    return register


def invoke(token: str) -> Callable[[InvokeRule], InvokeRule]:
    def register(fn: InvokeRule) -> InvokeRule:
        INVOKE_RULES[token] = fn
        return fn

    return register


class UnmockedInvoke(RuntimeError):
    """A program called a data source the offline plan cannot answer. Failing beats returning `{}`:
    an empty answer would make the program's applies read `None` and pass without checking anything."""


class PlausibleMocks(pulumi.runtime.Mocks):
    def __init__(self, context: MockContext | None = None) -> None:
        from lepton_infra.plan.mocks import aws, azure, gcp, kubernetes  # noqa: F401  (register rules)

        self.context = context or MockContext()
        # The name outputs derive from, set by the monitor around each registration (its old name when
        # renamed through an alias: monitor.identity_name); the registering thread's own.
        self.identity = threading.local()

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str | None, dict]:
        inputs = dict(args.inputs)
        name = getattr(self.identity, "name", None) or args.name
        resource_id = args.resource_id or f"{name}-{short_hash(args.typ, name)}"
        state = dict(inputs)
        rule = OUTPUT_RULES.get(args.typ)
        if rule is None:
            for prefix, candidate in PREFIX_RULES.items():
                if args.typ.startswith(prefix):
                    rule = candidate
                    break
        if rule is not None:
            extra = rule(name, inputs, self.context, {"id": resource_id, "type": args.typ})
            resource_id = extra.pop("__id__", resource_id)
            state.update(extra)
        return resource_id, state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        rule = INVOKE_RULES.get(args.token)
        if rule is None:
            raise UnmockedInvoke(
                f"invoke {args.token} has no offline answer; add one with "
                "lepton_infra.plan.mocks.core.invoke()"
            )
        # An empty failure list, not None: MockMonitor.Invoke iterates it.
        return rule(dict(args.args), self.context), []
