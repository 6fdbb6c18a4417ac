"""Virtual network rules: no ingress from the whole internet, flow logs on the VNet."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.policy.model import Finding, ResourceView, Severity, StackView
from lepton_infra.policy.props import (
    as_bool,
    as_list,
    as_mapping,
    is_world,
)
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules._shared import WEB_PORTS, networks_without_flow_logs
from lepton_infra.policy.rules.azure.tokens import AZURE, FLOW_LOG, NSG, SECURITY_RULE, VNET


def _rule_problems(rule: Mapping[str, Any]) -> str | None:
    if str(rule.get("direction", "")).lower() != "inbound" or str(rule.get("access", "")).lower() != "allow":
        return None
    sources = [rule.get("sourceAddressPrefix"), *as_list(rule.get("sourceAddressPrefixes"))]
    if not any(is_world(s) for s in sources):
        return None
    ports = [rule.get("destinationPortRange"), *as_list(rule.get("destinationPortRanges"))]
    ports = [str(p) for p in ports if p is not None]
    protocol = str(rule.get("protocol", "*")).lower()
    if protocol == "tcp" and ports and all(p.isdigit() and int(p) in WEB_PORTS for p in ports):
        return None
    return f"rule {rule.get('name', '')} allows {protocol} ports {','.join(ports) or '*'} from the internet"


@resource_rule(
    id="lepton-azure-no-world-ingress",
    title="No NSG rule admits the internet except HTTP(S)",
    severity=Severity.CRITICAL,
    types=(NSG, SECURITY_RULE),
    clouds=AZURE,
    description="No inbound Allow rule from *, Internet, 0.0.0.0/0 or ::/0, except TCP 80/443.",
    remediation="Narrow `source_address_prefix` to known ranges or service tags.",
    anchors=("checkov:CKV_AZURE_9", "checkov:CKV_AZURE_10"),
)
def no_world_ingress(r: ResourceView) -> Iterator[str]:
    rules = [r.props] if r.type == SECURITY_RULE else [as_mapping(x) for x in as_list(r.get("securityRules"))]
    for rule in rules:
        problem = _rule_problems(as_mapping(rule.get("properties")) or rule)
        if problem:
            yield problem


@stack_rule(
    id="lepton-azure-vnet-flow-logs",
    title="Virtual networks have flow logs",
    severity=Severity.MEDIUM,
    clouds=AZURE,
    description="Every virtual network is the target of an `azure-native:network:FlowLog` (VNet flow logs).",
    remediation="Add `network.FlowLog(target_resource_id=vnet.id, storage_id=..., enabled=True, ...)`.",
    anchors=("checkov:CKV_AZURE_12",),
)
def vnet_flow_logs(stack: StackView) -> Iterator[Finding]:
    yield from networks_without_flow_logs(
        stack, VNET, FLOW_LOG, "virtual network", counts=lambda log: as_bool(log.get("enabled")) is not False
    )
