"""Every cost rule: one module per priced concept (control planes, node pools, the network, managed
services, DNS, the load balancers the clouds' controllers create from routing objects).

A rule module registers one function per type token into `lepton_infra.cost.registry` as it is imported;
this is the one place that imports every rule module, so `rule_for` sees them all. A new rule module is
added to `RULE_MODULES` (tests/unit/test_registries.py fails until it is)."""

from __future__ import annotations

from types import ModuleType

from lepton_infra.cost.registry import RULES, Rule
from lepton_infra.cost.rules import (
    control_planes,
    dns,
    filesystems,
    load_balancers,
    managed_services,
    network,
    node_pools,
)

RULE_MODULES: tuple[ModuleType, ...] = (
    control_planes,
    node_pools,
    network,
    managed_services,
    dns,
    load_balancers,
    filesystems,
)


def rule_for(type_token: str) -> Rule | None:
    """The rule that prices resources of this type; None: the type costs nothing the model knows of."""
    return RULES.get(type_token)
