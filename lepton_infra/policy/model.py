"""What a rule is, and what it sees: plain data, no provider SDK, no pulumi_policy.

A rule is one function with its metadata next to it. It reads a resource's type token and inputs
(camelCase, as the engine receives them) or the whole stack, and has three outcomes, as in cdk-nag and
checkov: it yields violation messages (non-compliant), yields nothing (compliant), or raises
`NotApplicable` with a reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from lepton_infra.policy.props import dig


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Enforcement(StrEnum):
    """The levels of Pulumi CrossGuard, so pack config means the same thing to both runners."""

    ADVISORY = "advisory"
    MANDATORY = "mandatory"
    DISABLED = "disabled"


class NotApplicable(Exception):
    """The rule does not apply to this resource or stack (with the reason, shown in reports)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ResourceView:
    """One resource as a rule sees it, whichever runner built it."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    protect: bool = False
    # The inputs of the resource's provider (for AWS `defaultTags` and GCP `defaultLabels`).
    provider_props: Mapping[str, Any] = field(default_factory=dict)
    # dev | staging | prod when known (rule config, the stack's spec, or the resource's tags).
    environment: str | None = None
    # This rule's own config (pack config properties other than enforcement and waivers).
    config: Mapping[str, Any] = field(default_factory=dict)
    parent: str | None = None
    dependencies: Sequence[str] = ()

    def get(self, path: str, default: Any = None) -> Any:
        return dig(self.props, path, default)


@dataclass(frozen=True)
class StackView:
    """The whole stack as a stack rule sees it."""

    resources: Sequence[ResourceView]
    environment: str | None = None
    config: Mapping[str, Any] = field(default_factory=dict)
    # From the offline plan's cost model and the spec; None where the runner has no such number.
    monthly_usd_max: float | None = None
    budget_monthly_usd: float | None = None

    def of_type(self, *types: str) -> list[ResourceView]:
        wanted = set(types)
        return [r for r in self.resources if r.type in wanted]


@dataclass(frozen=True)
class Finding:
    """A stack rule's violation, attached to a resource when one is at fault."""

    message: str
    urn: str | None = None


ResourceCheck = Callable[[ResourceView], Iterable[str]]
StackCheck = Callable[[StackView], Iterable[Finding]]


@dataclass(frozen=True, kw_only=True)
class Rule:
    """A rule's metadata, as data. `clouds` says where it applies (aws, gcp, azure, kubernetes)."""

    id: str
    title: str
    severity: Severity
    description: str
    remediation: str
    enforcement: Enforcement = Enforcement.MANDATORY
    clouds: tuple[str, ...]
    # Comparable rules elsewhere (checkov ids, pulumi compliance-policies names), for traceability.
    anchors: tuple[str, ...] = ()
    # Extra pack-config properties this rule reads (JSON schema per property).
    config_schema: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ResourceRule(Rule):
    types: tuple[str, ...]
    check: ResourceCheck

    def applies_to(self, type_: str) -> bool:
        return type_ in self.types


@dataclass(frozen=True, kw_only=True)
class StackRule(Rule):
    check: StackCheck
