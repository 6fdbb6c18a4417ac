"""Built-in roles as each cloud publishes them (deployer/data/roles_<cloud>.json, sourced and dated): which
permissions a role grants, whether a set of roles covers what a plan needs, and the smallest such set.

Matching follows each cloud's own rules: GCP roles list permissions exactly; Azure roles grant `Actions`
minus `NotActions` (wildcards, case-insensitive); AWS policies allow `Action` or everything but
`NotAction` (wildcards, case-insensitive), and an explicit Deny wins. Conditions and resource scopes are
not evaluated: a role here is assumed granted where the deployer works (the project, the subscription, the
account), which is how the guides tell users to grant it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import translate
from functools import cache
from importlib import resources
from typing import Any

BROAD_ROLES = {"aws": ("AdministratorAccess",), "azure": ("Owner",), "gcp": ()}
"""Roles that grant everything: a cover uses one only when nothing narrower does."""


@dataclass(frozen=True)
class RoleData:
    cloud: str
    source: str
    read: str
    roles: Mapping[str, Any]


@cache
def role_data(cloud: str) -> RoleData:
    text = resources.files("lepton_infra.deployer").joinpath("data", f"roles_{cloud}.json").read_text()
    raw = json.loads(text)
    return RoleData(cloud=cloud, source=raw["source"], read=raw["read"], roles=raw["roles"])


def _listify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


@cache
def _wildcards(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """A list of wildcard patterns (fnmatch's syntax, as the clouds write them) as one compiled regex over
    lowercased text: a plan asks thousands of (role, permission) questions, and matching each pattern
    apart cost more than the rest of the deployer section together."""
    return re.compile("|".join(translate(p.lower()) for p in patterns) or "(?!)")


def _any_matches(patterns: list[Any], action: str) -> bool:
    return _wildcards(tuple(patterns)).match(action.lower()) is not None


def _aws_allows(document: Mapping[str, Any], action: str) -> bool:
    allowed = False
    for st in _listify(document.get("Statement", [])):
        if "Action" in st:
            hit = _any_matches(_listify(st["Action"]), action)
        else:
            hit = not _any_matches(_listify(st.get("NotAction", [])), action)
        if hit and st.get("Effect") == "Deny":
            return False
        allowed = allowed or (hit and st.get("Effect") == "Allow")
    return allowed


def _azure_allows(definition: Mapping[str, Any], action: str) -> bool:
    """Control-plane actions only (the deployer's data actions in AKS are granted by the stack itself)."""
    for block in definition["permissions"]:
        if _any_matches(block.get("actions", []), action) and not _any_matches(
            block.get("notActions", []), action
        ):
            return True
    return False


def grants(cloud: str, role: str, permission: str) -> bool:
    """Whether the built-in `role` grants `permission`. KeyError for a role the data does not hold."""
    definition = role_data(cloud).roles[role]
    if cloud == "gcp":
        return permission in _gcp_set(role)
    if cloud == "azure":
        return _azure_allows(definition, permission)
    return _aws_allows(definition["document"], permission)


@cache
def _gcp_set(role: str) -> frozenset[str]:
    return frozenset(role_data("gcp").roles[role]["permissions"])


@cache
def _size(cloud: str, role: str) -> int:
    """How much a role grants, to prefer the narrower of two roles that help equally: GCP, its permission
    count; Azure and AWS (wildcards), how many of the permission table's permissions it grants."""
    if cloud == "gcp":
        return len(role_data(cloud).roles[role]["permissions"])
    from lepton_infra.deployer.tables import permission_table

    table = permission_table(cloud)
    every = {
        p
        for row in (*table.types.values(), *table.invokes.values())
        for ps in row.permissions.values()
        for p in ps
    }
    return sum(grants(cloud, role, p) for p in every)


def smallest_cover(cloud: str, permissions: Iterable[str]) -> tuple[list[str], list[str]]:
    """Few built-in roles that together grant `permissions`: (roles, what no role in the data grants).

    Greedy (the role granting most of what is still missing; the narrower on a tie), then every role that
    the others make redundant is dropped. Roles that grant everything are tried only if the others leave a
    gap. Exact minimum set cover is NP-hard; over a few dozen candidates greedy-then-prune gives the same
    answer a person would write down."""
    needed = set(permissions)
    names = sorted(role_data(cloud).roles)
    narrow = [r for r in names if r not in BROAD_ROLES[cloud]]
    grant_sets = {r: {p for p in needed if grants(cloud, r, p)} for r in names}
    chosen: list[str] = []
    missing = set(needed)
    for pool in (narrow, list(BROAD_ROLES[cloud])):
        while missing:
            best = max(pool, key=lambda r: (len(grant_sets[r] & missing), -_size(cloud, r)), default=None)
            if best is None or not grant_sets[best] & missing:
                break
            chosen.append(best)
            missing -= grant_sets[best]
    if set(chosen) & set(BROAD_ROLES[cloud]):  # one role that grants everything: nothing else is needed
        chosen = [r for r in chosen if r in BROAD_ROLES[cloud]][:1]
    for role in sorted(chosen, key=lambda r: _size(cloud, r)):
        rest = [r for r in chosen if r != role]
        if not (needed - missing) - set().union(*(grant_sets[r] for r in rest)):
            chosen = rest
    return sorted(chosen), sorted(missing)
