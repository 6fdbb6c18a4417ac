"""Policy as code: rules as plain functions over (type token, props) or the whole stack, with their
metadata as data, and two runners (the CrossGuard pack in `policies/`, the offline plan).

Imports no provider SDK; only `lepton_infra.policy.pack` imports `pulumi_policy`.
"""

from lepton_infra.policy.model import (
    Enforcement,
    Finding,
    NotApplicable,
    ResourceRule,
    ResourceView,
    Rule,
    Severity,
    StackRule,
    StackView,
)
from lepton_infra.policy.rules import all_rules, get_rule, rules_per_cloud

__all__ = [
    "Enforcement",
    "Finding",
    "NotApplicable",
    "ResourceRule",
    "ResourceView",
    "Rule",
    "Severity",
    "StackRule",
    "StackView",
    "all_rules",
    "get_rule",
    "rules_per_cloud",
]
