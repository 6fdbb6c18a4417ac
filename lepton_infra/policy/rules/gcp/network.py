"""VPC rules: no ingress from the whole internet, flow logs on subnets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lepton_infra.policy.model import NotApplicable, ResourceView, Severity
from lepton_infra.policy.props import (
    any_world,
    as_bool,
    as_list,
    as_mapping,
)
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules._shared import ports_only_web
from lepton_infra.policy.rules.gcp.tokens import FIREWALL, GCP, SUBNETWORK

# Subnets for proxies and Private Service Connect cannot carry flow logs.
NO_FLOW_LOG_PURPOSES = frozenset(
    {
        "REGIONAL_MANAGED_PROXY",
        "GLOBAL_MANAGED_PROXY",
        "PRIVATE_SERVICE_CONNECT",
        "INTERNAL_HTTPS_LOAD_BALANCER",
    }
)


@resource_rule(
    id="lepton-gcp-no-world-ingress",
    title="No firewall rule admits the internet except HTTP(S)",
    severity=Severity.CRITICAL,
    types=(FIREWALL,),
    clouds=GCP,
    description="An enabled INGRESS allow rule with 0.0.0.0/0 or ::/0 in `sourceRanges` (or no source at "
    "all, which GCP reads as 0.0.0.0/0) opens only TCP 80/443.",
    remediation="Narrow `source_ranges` (IAP: 35.235.240.0/20; health checks: Google's ranges).",
    anchors=("checkov:CKV_GCP_2", "checkov:CKV_GCP_3"),
)
def no_world_ingress(r: ResourceView) -> Iterator[str]:
    if r.get("direction", "INGRESS") != "INGRESS" or as_bool(r.get("disabled")) is True:
        raise NotApplicable("an egress or disabled rule")
    sources = as_list(r.get("sourceRanges"))
    # An ingress rule with no source at all admits 0.0.0.0/0 (GCP's default).
    unsourced = not sources and not r.get("sourceTags") and not r.get("sourceServiceAccounts")
    if not unsourced and not any_world(sources):
        return
    for allow in (as_mapping(a) for a in as_list(r.get("allows"))):
        protocol, ports = str(allow.get("protocol", "")), as_list(allow.get("ports"))
        if not ports or not all(_web_port(protocol, p) for p in ports):
            yield f"allows {protocol} {','.join(map(str, ports)) or 'all ports'} from the internet"


def _web_port(protocol: str, port: Any) -> bool:
    low, _, high = str(port).partition("-")
    return ports_only_web(low, high or low, protocol)


@resource_rule(
    id="lepton-gcp-subnet-flow-logs",
    title="Subnets have flow logs",
    severity=Severity.MEDIUM,
    types=(SUBNETWORK,),
    clouds=GCP,
    description="`logConfig` is set on every subnet that supports it.",
    remediation="Set `log_config=...(aggregation_interval='INTERVAL_5_SEC', flow_sampling=0.5, "
    "metadata='INCLUDE_ALL_METADATA')`.",
    anchors=("checkov:CKV_GCP_26",),
)
def subnet_flow_logs(r: ResourceView) -> Iterator[str]:
    if r.get("purpose") in NO_FLOW_LOG_PURPOSES:
        raise NotApplicable(f"{r.get('purpose')} subnets carry no flow logs")
    if not r.get("logConfig"):
        yield "logConfig is not set: no VPC flow logs"
