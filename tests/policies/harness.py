"""Run one rule's fixture through both runners: the CrossGuard adapter with pulumi_policy's own argument
classes, and the offline runner over a `PlannedGraph`."""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import unknown_checking_proxy

from lepton_infra.plan.record import STACK_TYPE, PlannedGraph, RecordedResource
from lepton_infra.policy.evaluate import evaluate_graph
from lepton_infra.policy.pack import policies

DELETE = object()
STACK_URN = "urn:pulumi:test::lepton-test::pulumi:pulumi:Stack::lepton-test-test"
_POLICIES = {p.name: p for p in policies()}


@dataclass
class Res:
    type: str
    name: str
    props: dict[str, Any]
    deps: list[str] = field(default_factory=list)  # names of resources it refers to
    protect: bool = False
    provider: dict[str, Any] | None = None  # the explicit provider's inputs, None for no provider

    @property
    def urn(self) -> str:
        return f"urn:pulumi:test::lepton-test::{self.type}::{self.name}"

    @property
    def package(self) -> str:
        return self.type.split(":")[0]

    @property
    def provider_urn(self) -> str:
        return f"urn:pulumi:test::lepton-test::pulumi:providers:{self.package}::{self.name}-provider"


@dataclass
class Case:
    """A rule, a compliant fixture, and the ways to break it (each changes one field)."""

    rule: str
    resources: list[Res]
    violations: dict[
        str, tuple[str, Any]
    ]  # why -> ("<resource name>:<path>" | "<name>:@protect" | "<name>:@drop", value)
    config: dict[str, Any] = field(default_factory=dict)

    def changed(self, why: str) -> Case:
        where, value = self.violations[why]
        name, _, path = where.partition(":")
        resources = copy.deepcopy(self.resources)
        target = next(r for r in resources if r.name == name)
        if path == "@drop":
            resources.remove(target)
        elif path == "@protect":
            target.protect = value
        elif path.startswith("@provider."):
            assert target.provider is not None
            set_path(target.provider, path[len("@provider.") :], value)
        else:
            set_path(target.props, path, value)
        return Case(self.rule, resources, {}, copy.deepcopy(self.config))


def set_path(node: Any, path: str, value: Any) -> None:
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node.setdefault(part, {})
    last = parts[-1]
    if isinstance(node, list):
        if value is DELETE:
            del node[int(last)]
        else:
            node[int(last)] = value
    elif value is DELETE:
        node.pop(last, None)
    else:
        node[last] = value


def _options(r: Res, parent: str | None = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(r.protect, [], False, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def _provider(r: Res) -> PolicyProviderResource | None:
    if r.provider is None:
        return None
    return PolicyProviderResource(
        f"pulumi:providers:{r.package}", copy.deepcopy(r.provider), r.provider_urn, f"{r.name}-provider"
    )


def run_pack(case: Case) -> list[str]:
    """Violations the CrossGuard policy reports (messages, prefixed by the resource name for stack rules)."""
    policy = _POLICIES[case.rule]
    reported: list[str] = []
    config = copy.deepcopy(case.config.get(case.rule, {}))
    if isinstance(policy, ResourceValidationPolicy):
        for r in case.resources:
            args = ResourceValidationArgs(
                r.type,
                unknown_checking_proxy(copy.deepcopy(r.props)),
                r.urn,
                r.name,
                _options(r),
                _provider(r),
                config,
            )
            with contextlib.suppress(_NotApplicableError):
                policy.validate(args, lambda message, urn=None, r=r: reported.append(f"{r.name}: {message}"))
        return reported
    assert isinstance(policy, StackValidationPolicy)
    by_name: dict[str, PolicyResource] = {}
    for r in case.resources:
        by_name[r.name] = PolicyResource(
            r.type,
            unknown_checking_proxy(copy.deepcopy(r.props)),
            r.urn,
            r.name,
            _options(r),
            _provider(r),
            None,
            [],
            {},
        )
    for r in case.resources:
        by_name[r.name].dependencies = [by_name[d] for d in r.deps if d in by_name]
    names = {r.urn: r.name for r in case.resources}
    with contextlib.suppress(_NotApplicableError):
        policy.validate(
            StackValidationArgs(list(by_name.values()), config),
            lambda message, urn=None: reported.append(f"{names.get(urn or '', 'stack')}: {message}"),
        )
    return reported


def graph_of(resources: list[Res], config: Mapping[str, Any] | None = None) -> PlannedGraph:
    recorded = [RecordedResource(STACK_URN, STACK_TYPE, "lepton-test-test", None, False, False, {}, [])]
    urns = {r.name: r.urn for r in resources}
    for r in resources:
        provider_urn = None
        if r.provider is not None:
            provider_urn = r.provider_urn
            recorded.append(
                RecordedResource(
                    provider_urn,
                    f"pulumi:providers:{r.package}",
                    f"{r.name}-provider",
                    STACK_URN,
                    True,
                    False,
                    copy.deepcopy(r.provider),
                    [],
                )
            )
        recorded.append(
            RecordedResource(
                r.urn,
                r.type,
                r.name,
                STACK_URN,
                True,
                r.protect,
                copy.deepcopy(r.props),
                [urns[d] for d in r.deps if d in urns],
                provider=provider_urn,
            )
        )
    flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (config or {}).items()}
    return PlannedGraph("lepton-test", "test", recorded, {}, config=flat)


def run_offline(case: Case) -> list[str]:
    graph = graph_of(case.resources)
    outcome = evaluate_graph(graph, case.config)
    names = {r.urn: r.name for r in case.resources}
    return [f"{names.get(v.urn, 'stack')}: {v.message}" for v in outcome.by_policy(case.rule)]


RUNNERS = {"pack": run_pack, "offline": run_offline}
