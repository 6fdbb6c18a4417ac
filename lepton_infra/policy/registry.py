"""The registry: what a rule module registers into, through the decorators it uses (`resource_rule`,
`stack_rule`). It imports no rule module: `lepton_infra.policy.rules` imports them all and reads the rules
back from here."""

from __future__ import annotations

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


def registered() -> list[Rule]:
    """The rules registered so far, ordered by id (the order of reports and of the pack). Complete only
    once every rule module is imported: call `lepton_infra.policy.rules.all_rules()`."""
    return sorted(_REGISTERED.values(), key=lambda r: r.id)
