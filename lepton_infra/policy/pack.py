"""The CrossGuard adapter: the registry's rules as `pulumi_policy` policies.

The only module of `lepton_infra.policy` that imports `pulumi_policy`. `policies/__main__.py` passes
`pack_arguments()` to `PolicyPack`; tests call the policies' `validate` with pulumi_policy's own argument
classes. During `pulumi preview`, values computed by other resources are unknown: rules see them as
`UNKNOWN` (set, value not known) instead of failing, so a key ARN that does not exist yet still counts
as "a key is configured".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import proxy as _proxy

from lepton_infra.policy.config import (
    ENFORCEMENT_KEY,
    WAIVERS_KEY,
    WAIVERS_SCHEMA,
    PolicyConfig,
    RuleSettings,
)
from lepton_infra.policy.evaluate import (
    check_resource,
    check_stack,
    environment_from_tags,
    resolve_environment,
)
from lepton_infra.policy.model import ResourceRule, ResourceView, Rule, StackRule, StackView
from lepton_infra.policy.props import UNKNOWN
from lepton_infra.policy.rules import all_rules

PACK_NAME = "lepton"
PACK_DESCRIPTION = (
    "lepton-infra's guardrails for GPU platforms on AWS, GCP and Azure: encryption with our "
    "keys, no internet exposure, hardened nodes, least privilege, protected data, "
    "tenant isolation, tags and budget."
)
_UNKNOWN_SENTINELS = frozenset(
    {
        _proxy.UNKNOWN_BOOLEAN_VALUE,
        _proxy.UNKNOWN_NUMBER_VALUE,
        _proxy.UNKNOWN_STRING_VALUE,
        _proxy.UNKNOWN_ARRAY_VALUE,
        _proxy.UNKNOWN_ASSET_VALUE,
        _proxy.UNKNOWN_ARCHIVE_VALUE,
        _proxy.UNKNOWN_OBJECT_VALUE,
    }
)


def plain(value: Any) -> Any:
    """The engine's props without pulumi_policy's unknown-checking proxies, unknowns as `UNKNOWN`."""
    if isinstance(value, str):
        return UNKNOWN if value in _UNKNOWN_SENTINELS else value
    if isinstance(value, Mapping):
        target = value["__target"] if isinstance(value, _proxy._DictProxy) else value
        return {k: plain(v) for k, v in target.items()}
    if isinstance(value, _proxy._ListProxy | list | tuple):
        target = value["__target"] if isinstance(value, _proxy._ListProxy) else value  # type: ignore[index]
        return [plain(v) for v in target]
    return value


def _settings(rule: Rule, config: Mapping[str, Any]) -> RuleSettings:
    """This rule's pack config (the engine has already applied its enforcement level)."""
    parsed = PolicyConfig.parse(
        {rule.id: {k: v for k, v in config.items() if k != ENFORCEMENT_KEY}},
        [rule.id],
        source="policy pack config",
    )
    return parsed.rules.get(rule.id, RuleSettings())


def _waived(settings: RuleSettings, urn: str | None, name: str | None) -> bool:
    return any(w.matches(urn, name) for w in settings.waivers)


def view_of_args(args: ResourceValidationArgs, settings: RuleSettings) -> ResourceView:
    props = plain(args.props)
    provider_props = plain(args.provider.props) if args.provider is not None else {}
    return ResourceView(
        type=args.resource_type,
        name=args.name,
        urn=args.urn,
        props=props,
        protect=bool(args.opts.protect),
        provider_props=provider_props,
        config=settings.properties,
        environment=resolve_environment(settings.properties, environment_from_tags(props, provider_props)),
        parent=args.opts.parent,
    )


def view_of_resource(resource: PolicyResource, settings: RuleSettings) -> ResourceView:
    props = plain(resource.props)
    provider_props = plain(resource.provider.props) if resource.provider is not None else {}
    deps = [d.urn for d in resource.dependencies]
    deps += [d.urn for ds in resource.property_dependencies.values() for d in ds if d.urn not in deps]
    return ResourceView(
        type=resource.resource_type,
        name=resource.name,
        urn=resource.urn,
        props=props,
        protect=bool(resource.opts.protect),
        provider_props=provider_props,
        config=settings.properties,
        environment=resolve_environment(settings.properties, environment_from_tags(props, provider_props)),
        parent=resource.parent.urn if resource.parent is not None else None,
        dependencies=tuple(dict.fromkeys(deps)),
    )


def resource_validator(rule: ResourceRule):
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if not rule.applies_to(args.resource_type):
            return
        settings = _settings(rule, args.get_config())
        messages, reason = check_resource(rule, view_of_args(args, settings))
        if reason is not None:
            args.not_applicable(reason)
        if _waived(settings, args.urn, args.name):
            return  # the config under review holds the reason; the offline plan lists waived findings
        for message in messages:
            report_violation(message, None)

    return validate


def stack_validator(rule: StackRule):
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        settings = _settings(rule, args.get_config())
        views = [view_of_resource(r, settings) for r in args.resources]
        names = {v.urn: v.name for v in views}
        budget = settings.properties.get("budgetMonthlyUsd")
        stack = StackView(
            views,
            resolve_environment(settings.properties),
            settings.properties,
            None,
            float(budget) if isinstance(budget, int | float) else None,
        )
        findings, reason = check_stack(rule, stack)
        if reason is not None:
            args.not_applicable(reason)
        for finding in findings:
            if not _waived(settings, finding.urn, names.get(finding.urn or "")):
                report_violation(finding.message, finding.urn)

    return validate


def to_policy(rule: Rule) -> Policy:
    schema = PolicyConfigSchema(
        properties={WAIVERS_KEY: WAIVERS_SCHEMA, **{k: dict(v) for k, v in rule.config_schema.items()}}
    )
    common: dict[str, Any] = {
        "name": rule.id,
        "description": rule.description,
        "enforcement_level": EnforcementLevel(rule.enforcement.value),
        "config_schema": schema,
        "display_name": rule.title,
        "severity": Severity(rule.severity.value),
        "tags": list(rule.clouds),
        "remediation_steps": rule.remediation,
    }
    if isinstance(rule, ResourceRule):
        return ResourceValidationPolicy(validate=resource_validator(rule), **common)
    assert isinstance(rule, StackRule)
    return StackValidationPolicy(validate=stack_validator(rule), **common)


def policies() -> list[Policy]:
    return [to_policy(rule) for rule in all_rules()]


def pack_arguments() -> dict[str, Any]:
    """Keyword arguments for `pulumi_policy.PolicyPack` (building the pack starts its server)."""
    return {
        "name": PACK_NAME,
        "policies": policies(),
        "description": PACK_DESCRIPTION,
        "display_name": "lepton-infra guardrails",
        "tags": ["aws", "gcp", "azure", "kubernetes"],
    }
