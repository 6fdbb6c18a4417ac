"""Feed a recorded plan to the CrossGuard policies as the engine would (resource by resource, then the
stack), with pulumi_policy's own argument classes."""

from __future__ import annotations

import contextlib

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

from lepton_infra.plan.record import PlannedGraph
from lepton_infra.policy.pack import policies


def replay(graph: PlannedGraph, config: dict | None = None) -> list[tuple[str, str, str]]:
    found: list[tuple[str, str, str]] = []
    custom = [r for r in graph.managed if r.custom and not r.is_provider]

    def provider_of(r):
        if r.provider is None:
            return None
        p = graph.by_urn(r.provider)
        return PolicyProviderResource(p.type, p.inputs, p.urn, p.name)

    def options(r):
        return PolicyResourceOptions(r.protect, [], False, [], PolicyCustomTimeouts(0, 0, 0), [], r.parent)

    resources = {
        r.urn: PolicyResource(
            r.type,
            unknown_checking_proxy(dict(r.inputs)),
            r.urn,
            r.name,
            options(r),
            provider_of(r),
            None,
            [],
            {},
        )
        for r in custom
    }
    for r in custom:
        resources[r.urn].dependencies = [resources[d] for d in r.dependencies if d in resources]
    for policy in policies():
        rule_config = (config or {}).get(policy.name, {})
        try:
            if isinstance(policy, ResourceValidationPolicy):
                for r in custom:
                    args = ResourceValidationArgs(
                        r.type,
                        unknown_checking_proxy(dict(r.inputs)),
                        r.urn,
                        r.name,
                        options(r),
                        provider_of(r),
                        rule_config,
                    )
                    with contextlib.suppress(_NotApplicableError):
                        policy.validate(
                            args, lambda m, _u=None, r=r, p=policy: found.append((p.name, r.urn, m))
                        )
            elif isinstance(policy, StackValidationPolicy):
                policy.validate(
                    StackValidationArgs(list(resources.values()), rule_config),
                    lambda m, u=None, p=policy: found.append((p.name, u or "", m)),
                )
        except _NotApplicableError:
            pass
    return found
