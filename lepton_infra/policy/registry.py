"""The registry: every rule, in a stable order, registered by the decorators its module uses."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from lepton_infra.policy.model import (
    Enforcement,
    Finding,
    ResourceCheck,
    ResourceRule,
    ResourceView,
    Rule,
    Severity,
    StackCheck,
    StackRule,
    StackView,
)

_RULE_MODULES = (
    "lepton_infra.policy.rules.common",
    "lepton_infra.policy.rules.aws.dns",
    "lepton_infra.policy.rules.aws.ecr",
    "lepton_infra.policy.rules.aws.eks",
    "lepton_infra.policy.rules.aws.iam",
    "lepton_infra.policy.rules.aws.kms",
    "lepton_infra.policy.rules.aws.logs",
    "lepton_infra.policy.rules.aws.network",
    "lepton_infra.policy.rules.aws.nodes",
    "lepton_infra.policy.rules.aws.s3",
    "lepton_infra.policy.rules.aws.sns",
    "lepton_infra.policy.rules.azure.acr",
    "lepton_infra.policy.rules.azure.aks",
    "lepton_infra.policy.rules.azure.dns",
    "lepton_infra.policy.rules.azure.iam",
    "lepton_infra.policy.rules.azure.key_vault",
    "lepton_infra.policy.rules.azure.logs",
    "lepton_infra.policy.rules.azure.network",
    "lepton_infra.policy.rules.azure.nodes",
    "lepton_infra.policy.rules.azure.storage",
    "lepton_infra.policy.rules.gcp.artifact_registry",
    "lepton_infra.policy.rules.gcp.binary_authorization",
    "lepton_infra.policy.rules.gcp.dns",
    "lepton_infra.policy.rules.gcp.gke",
    "lepton_infra.policy.rules.gcp.iam",
    "lepton_infra.policy.rules.gcp.kms",
    "lepton_infra.policy.rules.gcp.network",
    "lepton_infra.policy.rules.gcp.nodes",
    "lepton_infra.policy.rules.gcp.storage",
    "lepton_infra.policy.rules.kubernetes.jobs",
    "lepton_infra.policy.rules.kubernetes.pod_security",
    "lepton_infra.policy.rules.kubernetes.tenancy",
    "lepton_infra.policy.rules.kubernetes.traffic",
    "lepton_infra.policy.rules.kubernetes.workloads",
)
_REGISTERED: dict[str, Rule] = {}


def _register(rule: Rule) -> None:
    if any(len(a) < 2 for a in rule.anchors) or any(len(t) < 2 for t in getattr(rule, "types", ())):
        raise TypeError(f"{rule.id}: anchors and types must be tuples of strings, not one string")
    if rule.id in _REGISTERED:
        raise ValueError(f"duplicate policy id {rule.id}")
    _REGISTERED[rule.id] = rule


def resource_rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    types: Iterable[str],
    clouds: Iterable[str],
    description: str,
    remediation: str,
    enforcement: Enforcement = Enforcement.MANDATORY,
    anchors: Iterable[str] = (),
    config_schema: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[Callable[[ResourceView], Iterable[str]]], ResourceCheck]:
    def register(check: Callable[[ResourceView], Iterable[str]]) -> ResourceCheck:
        _register(
            ResourceRule(
                id=id,
                title=title,
                severity=severity,
                description=description,
                remediation=remediation,
                enforcement=enforcement,
                clouds=tuple(clouds),
                anchors=tuple(anchors),
                config_schema=dict(config_schema or {}),
                types=tuple(types),
                check=check,
            )
        )
        return check

    return register


def stack_rule(
    *,
    id: str,
    title: str,
    severity: Severity,
    clouds: Iterable[str],
    description: str,
    remediation: str,
    enforcement: Enforcement = Enforcement.MANDATORY,
    anchors: Iterable[str] = (),
    config_schema: Mapping[str, Mapping[str, Any]] | None = None,
) -> Callable[[Callable[[StackView], Iterable[Finding]]], StackCheck]:
    def register(check: Callable[[StackView], Iterable[Finding]]) -> StackCheck:
        _register(
            StackRule(
                id=id,
                title=title,
                severity=severity,
                description=description,
                remediation=remediation,
                enforcement=enforcement,
                clouds=tuple(clouds),
                anchors=tuple(anchors),
                config_schema=dict(config_schema or {}),
                check=check,
            )
        )
        return check

    return register


def all_rules() -> list[Rule]:
    """Every rule, ordered by id (the order of reports and of the pack)."""
    for module in _RULE_MODULES:
        importlib.import_module(module)
    return sorted(_REGISTERED.values(), key=lambda r: r.id)


def get_rule(rule_id: str) -> Rule:
    rules = {r.id: r for r in all_rules()}
    try:
        return rules[rule_id]
    except KeyError:
        raise KeyError(f"no policy {rule_id!r}; known: {', '.join(sorted(rules))}") from None


def resource_rules_by_type() -> dict[str, list[ResourceRule]]:
    """Index for evaluation: one dict lookup per resource, however many rules exist."""
    index: dict[str, list[ResourceRule]] = {}
    for rule in all_rules():
        if isinstance(rule, ResourceRule):
            for type_ in rule.types:
                index.setdefault(type_, []).append(rule)
    return index


def rules_per_cloud() -> dict[str, int]:
    counts: dict[str, int] = {}
    for rule in all_rules():
        for cloud in rule.clouds:
            counts[cloud] = counts.get(cloud, 0) + 1
    return dict(sorted(counts.items()))
