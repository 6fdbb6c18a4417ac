"""Compare two plan reports (the JSON contract) the way the engine would pair their resources.

Pairing follows the engine's step generator: a new resource matches the old one with the same URN, or
the first of its aliases found among the old URNs; a child of a parent that matched through an alias
also answers to the parent's alias (`inheritedChildAlias`). What stays unpaired is created or deleted.

On top of that, what a reviewer must not miss:
- a deletion paired with a creation of the same type and the same cloud-side name, or the same URN name
  under another parent, without an alias: an accidental replace-and-delete (the cloud object is deleted
  and created again, data and all);
- a change to an input the provider replaces the resource for (`replacements.yaml`);
- a provider whose region, project or subscription changes: its resources would be created in the new
  place and the old ones deleted;
- a protected resource that would be deleted, replaced or moved (the engine refuses to delete a protected
  resource; the diff says so on the pull request first).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from lepton_infra.plan.record import STACK_TYPE
from lepton_infra.plan.urns import inherited_child_alias, urn_name

# Inputs that name the object itself in the cloud (not a parent's name, not a prefix), the first present.
CLOUD_NAME_INPUTS = (
    "name",
    "bucket",
    "nodeGroupName",
    "repositoryId",
    "roleName",
    "functionName",
    "topicName",
    "queueName",
    "accountId",
)
# Provider inputs whose change moves every resource of that provider elsewhere: the provider reports
# it as a replacement of each of them (another region, project or subscription is another place).
PROVIDER_PLACEMENT_INPUTS = {
    "aws": ("region",),
    "gcp": ("project", "region"),
    "azure-native": ("location", "subscriptionId"),
}


@cache
def replacement_inputs() -> dict[str, tuple[str, ...]]:
    table = yaml.safe_load(resources.files("lepton_infra.plan").joinpath("replacements.yaml").read_text())
    return {type_: tuple(entry["inputs"]) for type_, entry in table["types"].items()}


def _get(inputs: dict[str, Any], path: str) -> Any:
    node: Any = inputs
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def cloud_name(resource: dict[str, Any]) -> str | None:
    inputs = resource.get("inputs") or {}
    if str(resource.get("type", "")).startswith("kubernetes:"):
        name = _get(inputs, "metadata.name")
        return f"{_get(inputs, 'metadata.namespace') or ''}/{name}" if isinstance(name, str) else None
    for key in CLOUD_NAME_INPUTS:
        value = _get(inputs, key)
        if isinstance(value, str) and value:
            return value
    tags = inputs.get("tags")
    if isinstance(tags, dict) and isinstance(tags.get("Name"), str):
        return tags["Name"]
    return None


def _as_json_document(value: Any) -> Any:
    """A string holding a JSON object (IAM policies, chart values) as that object, else the value."""
    if isinstance(value, str) and value[:1] in "{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def changed_paths(old: Any, new: Any, prefix: str = "") -> list[tuple[str, Any, Any]]:
    """(path, old, new) for every leaf that differs; lists of one length element by element (`subnets.0`),
    others whole.
    A JSON document inside a string is compared key by key, so a policy shows the statement that moved."""
    if isinstance(old, str) and isinstance(new, str) and old != new:
        parsed_old, parsed_new = _as_json_document(old), _as_json_document(new)
        if isinstance(parsed_old, dict) and isinstance(parsed_new, dict):
            return changed_paths(parsed_old, parsed_new, prefix)
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[tuple[str, Any, Any]] = []
        for key in sorted(set(old) | set(new)):
            path = f"{prefix}.{key}" if prefix else key
            if key not in old:
                out.append((path, None, new[key]))
            elif key not in new:
                out.append((path, old[key], None))
            else:
                out.extend(changed_paths(old[key], new[key], path))
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new) and old != new:
        return [
            c
            for i, (a, b) in enumerate(zip(old, new, strict=True))
            for c in changed_paths(a, b, f"{prefix}.{i}" if prefix else str(i))
        ]
    return [] if old == new else [(prefix, old, new)]


def _forces(type_: str, path: str) -> bool:
    return any(path == key or path.startswith(f"{key}.") for key in replacement_inputs().get(type_, ()))


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any
    forces_replacement: bool


@dataclass
class Paired:
    old: dict[str, Any]
    new: dict[str, Any]
    via_alias: str | None  # the old URN when found through an alias (a rename the engine follows)
    changes: list[Change] = field(default_factory=list)

    @property
    def replaced(self) -> bool:
        return any(c.forces_replacement for c in self.changes)


@dataclass
class PlanDiff:
    base: dict[str, Any]
    head: dict[str, Any]
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[Paired] = field(default_factory=list)
    renamed: list[Paired] = field(default_factory=list)  # paired through an alias (changed or not)
    accidental: list[tuple[dict[str, Any], dict[str, Any], str]] = field(
        default_factory=list
    )  # old, new, why
    policy_new: list[dict[str, Any]] = field(default_factory=list)
    policy_fixed: list[dict[str, Any]] = field(default_factory=list)

    moved_providers: dict[str, str] = field(default_factory=dict)  # provider URN -> "region: a → b"
    moved_protected: list[tuple[dict[str, Any], str]] = field(default_factory=list)  # (old, how it moves)

    @property
    def replaced(self) -> list[Paired]:
        return [p for p in self.changed if p.replaced]

    @property
    def protected_at_risk(self) -> list[tuple[dict[str, Any], str]]:
        """(old resource, what happens to it) for every protected resource deleted or replaced."""
        out = [(r, "deleted") for r in self.removed if r.get("protect")]
        out += [(p.old, "replaced") for p in self.replaced if p.old.get("protect")]
        seen = {r["urn"] for r, _ in out}
        out += [(r, f"moved ({how})") for r, how in self.moved_protected if r["urn"] not in seen]
        return out

    def cost_delta(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        for key in ("monthly_usd_idle", "monthly_usd_max"):
            before, after = self.base.get("cost", {}).get(key), self.head.get("cost", {}).get(key)
            out[key] = (
                round(after - before, 2)
                if isinstance(before, int | float) and isinstance(after, int | float)
                else None
            )
        return out

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.renamed)


def _managed(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in report.get("resources", []) if r.get("type") != STACK_TYPE]


def _parents_first(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """By depth in the tree, stable within a depth (reports of this version are in tree order already)."""
    parent_of = {r["urn"]: r.get("parent") for r in resources}

    def depth(urn: str) -> int:
        level, current = 0, parent_of.get(urn)
        while current in parent_of and level < len(parent_of):
            level, current = level + 1, parent_of[current]
        return level

    return sorted(resources, key=lambda r: depth(r["urn"]))


def pair(base: dict[str, Any], head: dict[str, Any]) -> tuple[dict[str, tuple[str, str | None]], set[str]]:
    """new URN -> (old URN, alias used or None); and the old URNs claimed. Head resources come in tree
    order (parents first), as the engine registers them, so a parent's alias is known to its children."""
    olds = {r["urn"] for r in _managed(base)}
    claimed: set[str] = set()
    matched: dict[str, tuple[str, str | None]] = {}
    aliased_parent: dict[str, str] = {}  # new URN -> old URN, for resources paired through an alias
    for r in _parents_first(_managed(head)):
        candidates = [r["urn"], *r.get("aliases", [])]
        parent = r.get("parent")
        if parent in aliased_parent:
            parent_name = urn_name(parent)
            candidates.append(
                inherited_child_alias(r["type"], r["name"], parent_name, aliased_parent[parent])
            )
            for alias in r.get("aliases", []):
                candidates.append(
                    inherited_child_alias(
                        alias.split("::")[2].split("$")[-1],
                        urn_name(alias),
                        parent_name,
                        aliased_parent[parent],
                    )
                )
        for candidate in candidates:
            if candidate in olds and candidate not in claimed:
                claimed.add(candidate)
                matched[r["urn"]] = (candidate, None if candidate == r["urn"] else candidate)
                if candidate != r["urn"]:
                    aliased_parent[r["urn"]] = candidate
                break
    return matched, claimed


def diff_plans(base: dict[str, Any], head: dict[str, Any]) -> PlanDiff:
    result = PlanDiff(base=base, head=head)
    old_by_urn = {r["urn"]: r for r in _managed(base)}
    matched, claimed = pair(base, head)
    pairs: list[Paired] = []
    for r in _managed(head):
        if r["urn"] not in matched:
            result.added.append(r)
            continue
        old_urn, alias = matched[r["urn"]]
        old = old_by_urn[old_urn]
        changes = [
            Change(path, before, after, _forces(r["type"], path))
            for path, before, after in changed_paths(old.get("inputs", {}), r.get("inputs", {}))
        ]
        if old.get("protect") != r.get("protect"):
            changes.append(Change("(protect)", old.get("protect"), r.get("protect"), False))
        paired = Paired(old, r, alias, changes)
        pairs.append(paired)
        if r["type"].startswith("pulumi:providers:"):
            keys = PROVIDER_PLACEMENT_INPUTS.get(r["type"].split(":")[2], ())
            moved = [c for c in changes if c.path in keys]
            if moved:
                result.moved_providers[r["urn"]] = ", ".join(f"{c.path}: {c.old} → {c.new}" for c in moved)
        if alias is not None:
            result.renamed.append(paired)
    for paired in pairs:
        if paired.changes:
            result.changed.append(paired)
    # After the loop: a provider may come after the resources it serves. Which of them are regional
    # (recreated elsewhere) and which global (IAM) is the provider's business; a protected resource
    # under a moved provider is at risk either way, so it is named.
    result.moved_protected = [
        (p.old, result.moved_providers[str(p.new.get("provider"))])
        for p in pairs
        if p.new.get("protect") and str(p.new.get("provider")) in result.moved_providers
    ]
    result.removed = [r for r in _managed(base) if r["urn"] not in claimed]
    result.accidental = _accidental_replacements(result.removed, result.added)
    result.policy_new, result.policy_fixed = _policy_delta(base, head, matched)
    return result


def _accidental_replacements(
    removed: list[dict[str, Any]], added: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any], str]]:
    out = []
    taken: set[str] = set()
    for old in removed:
        if not old.get("custom"):
            continue  # a component holds no cloud object; its children are judged one by one
        for new in added:
            if new["urn"] in taken or new["type"] != old["type"]:
                continue
            name = cloud_name(old)
            if name is not None and name == cloud_name(new):
                why = f"same cloud-side name {name!r}"
            elif old["name"] == new["name"]:
                why = f"same name {old['name']!r} under another parent"
            else:
                continue
            out.append((old, new, why))
            taken.add(new["urn"])
            break
    return out


def _policy_key(violation: dict[str, Any], old_of: dict[str, str] | None = None) -> tuple[str, str, str]:
    urn = str(violation.get("urn", ""))
    return (str(violation.get("policy", "")), (old_of or {}).get(urn, urn), str(violation.get("message", "")))


def _policy_delta(
    base: dict[str, Any], head: dict[str, Any], matched: dict[str, tuple[str, str | None]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Violations new in head and fixed since base, a renamed resource's findings following it."""
    old_of = {new: old for new, (old, _) in matched.items()}
    before_list = base.get("policy", {}).get("violations", [])
    after_list = head.get("policy", {}).get("violations", [])
    before = {_policy_key(v) for v in before_list}
    after = {_policy_key(v, old_of) for v in after_list}
    new = [v for v in after_list if _policy_key(v, old_of) not in before]
    fixed = [v for v in before_list if _policy_key(v) not in after]
    return new, fixed
