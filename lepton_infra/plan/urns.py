"""URNs and aliases as the Pulumi engine makes them (not as `MockMonitor.make_urn` does).

The engine (pkg/resource/deploy/step_generator.go, sdk/go/common/resource/urn.go) prefixes a child's
type with its parent's *qualified* type, the whole chain of ancestor types joined by `$`, and with no
prefix at all when the parent is the root stack:

    urn:pulumi:<stack>::<project>::lepton:aws:Platform$lepton:aws:Addons$aws:eks/addon:Addon::<name>

The mock keeps only the immediate parent's type and adds `pulumi:pulumi:Stack$` to children of the
stack, so its URNs are not the ones a real `pulumi up` writes into state, and a URN snapshot or a waiver
written against them would not match the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass

ROOT_STACK_TYPE = "pulumi:pulumi:Stack"
_PREFIX = "urn:pulumi:"


def qualified_type(urn: str) -> str:
    """`A$B$C` of `urn:pulumi:s::p::A$B$C::name`."""
    return urn.split("::")[2]


def urn_type(urn: str) -> str:
    """The resource's own type (last element of the qualified type)."""
    return qualified_type(urn).split("$")[-1]


def urn_name(urn: str) -> str:
    """Everything after the qualified type: names may themselves contain `::`."""
    return urn.split("::", 3)[3]


def engine_urn(stack: str, project: str, parent_urn: str | None, type_: str, name: str) -> str:
    """The engine's `NewURN`: the parent's qualified type chain, none for the root stack."""
    qualified = type_
    if parent_urn:
        parent_type = qualified_type(parent_urn)
        if parent_type != ROOT_STACK_TYPE:
            qualified = f"{parent_type}${type_}"
    return f"{_PREFIX}{stack}::{project}::{qualified}::{name}"


@dataclass(frozen=True)
class AliasSpec:
    """An `Alias(...)` as the SDK sends it (alias_pb2.Alias.Spec); empty strings mean "the same"."""

    name: str = ""
    type: str = ""
    stack: str = ""
    project: str = ""
    parent_urn: str = ""
    no_parent: bool = False


def collapse_alias(
    spec: AliasSpec, *, name: str, type_: str, parent_urn: str | None, stack: str, project: str
) -> str:
    """The engine's `collapseAliasToUrn` for a resource registered as (name, type_, parent_urn):
    unset parts default to the resource's own; `parent=None` (no_parent) and the root stack as parent
    both mean a top-level URN."""
    parent = spec.parent_urn or parent_urn
    if spec.no_parent or (parent and qualified_type(parent) == ROOT_STACK_TYPE):
        parent = None
    return engine_urn(
        spec.stack or stack, spec.project or project, parent, spec.type or type_, spec.name or name
    )


def inherited_child_alias(child_type: str, child_name: str, parent_name: str, parent_alias: str) -> str:
    """The engine's `inheritedChildAlias`: a child of an aliased parent is also known under that alias,
    its name's parent-name prefix swapped for the alias's name (`{parent}-{role}` naming)."""
    alias_name = child_name
    if child_name.startswith(parent_name):
        alias_name = urn_name(parent_alias) + child_name[len(parent_name) :]
    stack, project = parent_alias[len(_PREFIX) :].split("::")[:2]
    return engine_urn(stack, project, parent_alias, child_type, alias_name)
