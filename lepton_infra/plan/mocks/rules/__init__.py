"""Every mock rule: one module per cloud (AWS in three: resources, invokes, the ways in), and one for
Kubernetes objects.

A rule module registers plausible outputs per type token (or token prefix) and answers per invoke token
into `lepton_infra.plan.mocks.registry` as it is imported; this is the one place that imports every rule
module, so the lookups below see them all. A new rule module is added to `RULE_MODULES`
(tests/unit/test_registries.py fails until it is)."""

from __future__ import annotations

from types import ModuleType

from lepton_infra.plan.mocks.registry import INVOKE_RULES, OUTPUT_RULES, PREFIX_RULES, InvokeRule, OutputRule
from lepton_infra.plan.mocks.rules import aws, aws_invokes, aws_traffic, azure, gcp, gcp_files, kubernetes

# Prefix rules are tried in this order (registration order); no two prefixes overlap today.
RULE_MODULES: tuple[ModuleType, ...] = (aws, aws_invokes, aws_traffic, azure, gcp, gcp_files, kubernetes)


def output_rule_for(type_token: str) -> OutputRule | None:
    """The rule for this exact type token, else the first one registered for a prefix of it."""
    rule = OUTPUT_RULES.get(type_token)
    if rule is None:
        for prefix, candidate in PREFIX_RULES.items():
            if type_token.startswith(prefix):
                return candidate
    return rule


def invoke_rule_for(token: str) -> InvokeRule | None:
    return INVOKE_RULES.get(token)
