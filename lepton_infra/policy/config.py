"""Policy config: Pulumi's policy-pack config format, read by both runners.

One JSON (or YAML) document serves `pulumi preview --policy-pack policies --policy-pack-config FILE`
and the offline plan (`lepton:policy` in the stack config, or `lepton-infra plan --policy-config FILE`):

    {"all": "mandatory",                                    # optional: every rule's level
     "lepton-aws-eks-control-plane-logs": "advisory",       # a rule's level (or "disabled")
     "lepton-aws-no-world-ingress": {
        "enforcementLevel": "mandatory",
        "waivers": [{"resource": "public-alb-sg", "reason": "internet-facing ALB for the demo, SEC-142"}]},
     "lepton-stateful-protected-in-prod": {"environment": "prod"}}

A waiver names a resource by name, URN, or a shell-style pattern of either, and must give a reason:
the reports show each waived finding with it.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lepton_infra.core.errors import MISSING, Problem, SpecError
from lepton_infra.policy.model import Enforcement, Rule

CONFIG_KEY = "lepton:policy"
ENFORCEMENT_KEY = "enforcementLevel"
WAIVERS_KEY = "waivers"
WAIVERS_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "resource": {"type": "string", "minLength": 1},
            "reason": {"type": "string", "minLength": 1},
        },
        "required": ["resource", "reason"],
    },
}
_LEVELS = {e.value: e for e in Enforcement}
# CrossGuard also knows "remediate"; our rules only validate, so it means mandatory here as in the engine.
_LEVELS["remediate"] = Enforcement.MANDATORY


@dataclass(frozen=True)
class Waiver:
    resource: str
    reason: str

    def matches(self, urn: str | None, name: str | None) -> bool:
        return any(
            c is not None and (c == self.resource or fnmatch.fnmatchcase(c, self.resource))
            for c in (name, urn)
        )


@dataclass(frozen=True)
class RuleSettings:
    enforcement: Enforcement | None = None
    waivers: tuple[Waiver, ...] = ()
    properties: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PolicyConfig:
    all_enforcement: Enforcement | None = None
    rules: Mapping[str, RuleSettings] = field(default_factory=dict)

    def enforcement(self, rule: Rule) -> Enforcement:
        own = self.rules.get(rule.id)
        if own is not None and own.enforcement is not None:
            return own.enforcement
        return self.all_enforcement or rule.enforcement

    def properties(self, rule_id: str) -> Mapping[str, Any]:
        own = self.rules.get(rule_id)
        return own.properties if own else {}

    def waiver(self, rule_id: str, urn: str | None, name: str | None) -> Waiver | None:
        own = self.rules.get(rule_id)
        for waiver in own.waivers if own else ():
            if waiver.matches(urn, name):
                return waiver
        return None

    @classmethod
    def parse(cls, raw: Any, known_ids: Iterable[str], source: str = CONFIG_KEY) -> PolicyConfig:
        """Validate and read a config document; every problem is reported at once (`SpecError`)."""
        if raw is None or raw == "":
            return cls()
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError as err:
                raise SpecError(
                    [Problem(source, raw[:40], f"not JSON: {err}", "write a JSON object")], source
                ) from None
        if not isinstance(raw, Mapping):
            raise SpecError(
                [Problem(source, raw, "must be a mapping of policy ids", "see docs/policies.md")], source
            )
        known = set(known_ids)
        problems: list[Problem] = []
        all_level: Enforcement | None = None
        rules: dict[str, RuleSettings] = {}
        for key, value in raw.items():
            if key == "all":
                level = value.get(ENFORCEMENT_KEY) if isinstance(value, Mapping) else value
                all_level = _level(f"{source}.all", level, problems)
                continue
            if key not in known:
                problems.append(
                    Problem(
                        f"{source}.{key}",
                        value,
                        "no such policy",
                        "use an id from `docs/policies.md` (lepton-...)",
                    )
                )
                continue
            rules[key] = _settings(f"{source}.{key}", value, problems)
        if problems:
            raise SpecError(problems, source)
        return cls(all_level, rules)


def _level(path: str, value: Any, problems: list[Problem]) -> Enforcement | None:
    if value is None:
        return None
    if isinstance(value, str) and value in _LEVELS:
        return _LEVELS[value]
    problems.append(Problem(path, value, "unknown enforcement level", "use advisory, mandatory or disabled"))
    return None


def _settings(path: str, value: Any, problems: list[Problem]) -> RuleSettings:
    if isinstance(value, str):
        return RuleSettings(enforcement=_level(path, value, problems))
    if not isinstance(value, Mapping):
        problems.append(
            Problem(path, value, "must be a level or a mapping", "e.g. {enforcementLevel: advisory}")
        )
        return RuleSettings()
    waivers = []
    for i, item in enumerate(value.get(WAIVERS_KEY) or []):
        where = f"{path}.{WAIVERS_KEY}[{i}]"
        if not isinstance(item, Mapping):
            problems.append(
                Problem(where, item, "a waiver is a mapping", "write {resource: ..., reason: ...}")
            )
            continue
        resource, reason = item.get("resource"), item.get("reason")
        if not isinstance(resource, str) or not resource.strip():
            problems.append(
                Problem(
                    f"{where}.resource",
                    resource if resource is not None else MISSING,
                    "a waiver must name a resource",
                    "give its name, URN or a pattern",
                )
            )
        elif not isinstance(reason, str) or not reason.strip():
            problems.append(
                Problem(
                    f"{where}.reason",
                    reason if reason is not None else MISSING,
                    "a waiver needs a reason",
                    "say why the exception is acceptable and who accepted it",
                )
            )
        else:
            waivers.append(Waiver(resource.strip(), reason.strip()))
    properties = {k: v for k, v in value.items() if k not in (ENFORCEMENT_KEY, WAIVERS_KEY)}
    return RuleSettings(
        _level(f"{path}.{ENFORCEMENT_KEY}", value.get(ENFORCEMENT_KEY), problems), tuple(waivers), properties
    )


def load_config_file(path: str | Path) -> Any:
    """A config file's document (JSON, or YAML which is a superset), read as the stack files are
    (plan/pulumi_yaml.py): a key given twice or an unquoted date is a `SpecError` naming the line."""
    from lepton_infra.plan.pulumi_yaml import parse  # only the offline runner reads files

    return parse(Path(path).read_text(encoding="utf-8"), str(path))
