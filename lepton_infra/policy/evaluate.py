"""Running the rules: the engine-neutral core both runners share, and the offline runner over a plan.

`pulumi preview --policy-pack policies/` runs the same rules through `lepton_infra.policy.pack`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lepton_infra.policy.config import CONFIG_KEY, PolicyConfig
from lepton_infra.policy.model import (
    Enforcement,
    Finding,
    NotApplicable,
    ResourceRule,
    ResourceView,
    Rule,
    StackRule,
    StackView,
)
from lepton_infra.policy.props import as_mapping
from lepton_infra.policy.rules import all_rules

if TYPE_CHECKING:
    from lepton_infra.plan.record import PlannedGraph, RecordedResource

# --- the shared core ------------------------------------------------------------------------------


def rule_failure(rule: Rule, subject: str, err: Exception) -> str:
    """A rule that raises is a finding of that rule, not the end of the run: the other rules still
    report, and the broken rule is visible where its violations would be (fails closed)."""
    return f"rule {rule.id} failed on {subject}: {type(err).__name__}: {err}"


def check_resource(rule: ResourceRule, view: ResourceView) -> tuple[list[str], str | None]:
    """(violation messages, not-applicable reason or None)."""
    try:
        return list(rule.check(view)), None
    except NotApplicable as na:
        return [], na.reason
    except Exception as err:  # a rule's bug must not hide every other rule's result
        return [rule_failure(rule, view.name, err)], None


def check_stack(rule: StackRule, view: StackView) -> tuple[list[Finding], str | None]:
    try:
        return list(rule.check(view)), None
    except NotApplicable as na:
        return [], na.reason
    except Exception as err:
        return [Finding(rule_failure(rule, "the stack", err))], None


def environment_from_tags(props: Mapping[str, Any], provider_props: Mapping[str, Any]) -> str | None:
    """The `environment` tag or label the platform's tagging function puts on everything."""
    for source in (
        props.get("tags"),
        props.get("labels"),
        props.get("resourceLabels"),
        as_mapping(provider_props.get("defaultTags")).get("tags"),
        provider_props.get("defaultLabels"),
    ):
        value = as_mapping(source).get("environment")
        if isinstance(value, str) and value:
            return value
    return None


def resolve_environment(rule_config: Mapping[str, Any], *fallbacks: str | None) -> str | None:
    """The rule's own `environment` config wins, then the spec, then tags."""
    for candidate in (rule_config.get("environment"), *fallbacks):
        if isinstance(candidate, str) and candidate:
            return candidate
    return None


# --- the offline report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    policy: str
    severity: str
    enforcement: str
    urn: str
    message: str

    def contract(self) -> dict[str, str]:
        return {
            "policy": self.policy,
            "severity": self.severity,
            "enforcement": self.enforcement,
            "urn": self.urn,
            "message": self.message,
        }


@dataclass(frozen=True)
class Waived:
    policy: str
    urn: str
    message: str
    reason: str

    def contract(self) -> dict[str, str]:
        return {"policy": self.policy, "urn": self.urn, "message": self.message, "reason": self.reason}


@dataclass
class RuleTally:
    checked: int = 0
    not_applicable: int = 0
    violations: int = 0
    waived: int = 0


@dataclass
class PolicyOutcome:
    rules: list[Rule]
    enforcement: dict[str, Enforcement]
    violations: list[Violation] = field(default_factory=list)
    waived: list[Waived] = field(default_factory=list)
    tally: dict[str, RuleTally] = field(default_factory=dict)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self.violations if v.enforcement == Enforcement.MANDATORY.value]

    def by_policy(self, policy: str) -> list[Violation]:
        return [v for v in self.violations if v.policy == policy]


def evaluate_views(
    views: list[ResourceView],
    config: PolicyConfig,
    *,
    stack_urn: str,
    spec_environment: str | None = None,
    monthly_usd_max: float | None = None,
    spec_budget: float | None = None,
) -> PolicyOutcome:
    """Every enabled rule over resource views (built by a runner), with enforcement and waivers applied."""
    rules = all_rules()
    enforcement = {r.id: config.enforcement(r) for r in rules}
    outcome = PolicyOutcome(rules=rules, enforcement=enforcement)
    by_type: dict[str, list[ResourceRule]] = {}
    for rule in rules:
        outcome.tally[rule.id] = RuleTally()
        if isinstance(rule, ResourceRule) and enforcement[rule.id] != Enforcement.DISABLED:
            for type_ in rule.types:
                by_type.setdefault(type_, []).append(rule)
    names = {v.urn: v.name for v in views}

    def record(rule: Rule, urn: str, message: str) -> None:
        waiver = config.waiver(rule.id, urn, names.get(urn))
        if waiver is not None:
            outcome.waived.append(Waived(rule.id, urn, message, waiver.reason))
            outcome.tally[rule.id].waived += 1
        else:
            outcome.violations.append(
                Violation(rule.id, rule.severity.value, enforcement[rule.id].value, urn, message)
            )
            outcome.tally[rule.id].violations += 1

    for view in views:
        for rule in by_type.get(view.type, ()):
            props = config.properties(rule.id)
            env = resolve_environment(props, spec_environment, view.environment)
            ruled = ResourceView(
                view.type,
                view.name,
                view.urn,
                view.props,
                view.protect,
                view.provider_props,
                env,
                props,
                view.parent,
                view.dependencies,
            )
            messages, reason = check_resource(rule, ruled)
            tally = outcome.tally[rule.id]
            tally.checked += 1
            tally.not_applicable += reason is not None
            for message in messages:
                record(rule, view.urn, message)
    for rule in rules:
        if not isinstance(rule, StackRule) or enforcement[rule.id] == Enforcement.DISABLED:
            continue
        props = config.properties(rule.id)
        scoped = (
            [
                ResourceView(
                    v.type,
                    v.name,
                    v.urn,
                    v.props,
                    v.protect,
                    v.provider_props,
                    v.environment,
                    props,
                    v.parent,
                    v.dependencies,
                )
                for v in views
            ]
            if props
            else views
        )
        budget = props.get("budgetMonthlyUsd", spec_budget)
        stack = StackView(
            scoped,
            resolve_environment(props, spec_environment),
            props,
            monthly_usd_max,
            float(budget) if isinstance(budget, int | float) else None,
        )
        findings, reason = check_stack(rule, stack)
        tally = outcome.tally[rule.id]
        tally.checked += 1
        tally.not_applicable += reason is not None
        for finding in findings:
            record(rule, finding.urn or stack_urn, finding.message)
    return outcome


def evaluate_graph(
    graph: PlannedGraph, config: PolicyConfig | Any = None, *, monthly_usd_max: float | None = None
) -> PolicyOutcome:
    """The offline runner: every rule over a recorded plan. `config` is a `PolicyConfig`, a raw config
    document, or None to read `lepton:policy` from the stack's config."""
    # The spec's models need pydantic, which the pack's own environment leaves out
    # (policies/requirements.txt): only this offline runner reads the spec, so the import waits for it.
    from lepton_infra.spec.platform import spec_in_config

    if not isinstance(config, PolicyConfig):
        raw = graph.config.get(CONFIG_KEY) if config is None else config
        config = PolicyConfig.parse(raw, [r.id for r in all_rules()])
    spec = spec_in_config(graph.config)
    roots = [r for r in graph.resources if r.parent is None and r.type == "pulumi:pulumi:Stack"]
    stack_urn = roots[0].urn if roots else f"urn:pulumi:{graph.stack}::{graph.project}::pulumi:pulumi:Stack"
    return evaluate_views(
        views_of(graph),
        config,
        stack_urn=stack_urn,
        spec_environment=spec.environment if spec else None,
        monthly_usd_max=monthly_usd_max,
        spec_budget=spec.budget.monthly_usd if spec and spec.budget else None,
    )


def views_of(graph: PlannedGraph) -> list[ResourceView]:
    """Resource views of a plan's custom resources, each with its provider's inputs."""
    default_providers = _default_provider_props(graph.config)
    views = []
    for r in graph.managed:
        if not r.custom or r.is_provider:
            continue
        provider_props = _provider_props(graph, r, default_providers)
        views.append(
            ResourceView(
                type=r.type,
                name=r.name,
                urn=r.urn,
                props=r.inputs,
                protect=r.protect,
                provider_props=provider_props,
                environment=environment_from_tags(r.inputs, provider_props),
                parent=r.parent,
                dependencies=tuple(r.dependencies),
            )
        )
    return views


def _provider_props(
    graph: PlannedGraph, r: RecordedResource, defaults: Mapping[str, Mapping[str, Any]]
) -> Mapping[str, Any]:
    if r.provider:
        try:
            return graph.by_urn(r.provider).inputs
        except KeyError:
            pass
    return defaults.get(r.package, {})


def _default_provider_props(config: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    """What a default provider would be configured with: the stack's `<package>:<key>` config."""
    out: dict[str, dict[str, Any]] = {}
    for key, value in config.items():
        package, _, name = key.partition(":")
        if package not in ("lepton", "pulumi") and name:
            out.setdefault(package, {})[name] = value
    return out


def summarize(outcome: PolicyOutcome) -> dict[str, int]:
    return {
        "rules": len(outcome.rules),
        "rules_enabled": sum(e != Enforcement.DISABLED for e in outcome.enforcement.values()),
        "mandatory": len(outcome.mandatory),
        "advisory": len(outcome.violations) - len(outcome.mandatory),
        "waived": len(outcome.waived),
    }
