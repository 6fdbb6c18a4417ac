"""VPC rules: no ingress from the whole internet, flow logs on every VPC."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import (
    any_world,
    as_list,
    as_mapping,
    is_set,
    shown,
)
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules._shared import networks_without_flow_logs, ports_only_web
from lepton_infra.policy.rules.aws.tokens import (
    AWS,
    DEFAULT_SECURITY_GROUP,
    FLOW_LOG,
    INGRESS_RULE,
    NODE_GROUP,
    SECURITY_GROUP,
    SECURITY_GROUP_RULE,
    VPC,
)


@resource_rule(
    id="lepton-aws-no-world-ingress",
    title="No ingress from the internet except HTTP(S)",
    severity=Severity.CRITICAL,
    clouds=AWS,
    types=(SECURITY_GROUP, DEFAULT_SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE, NODE_GROUP),
    description="No security group rule admits 0.0.0.0/0 or ::/0, except TCP 80 or 443 (load balancers); no "
    "node group has SSH remote access without source security groups (EKS then opens 22 to the world).",
    remediation="Narrow the source to known CIDRs or security groups; put public services behind a load "
    "balancer on 80/443.",
    anchors=("checkov:CKV_AWS_24", "checkov:CKV_AWS_25", "checkov:CKV_AWS_260"),
)
def no_world_ingress(r: ResourceView) -> Iterator[str]:
    if r.type == NODE_GROUP:
        access = as_mapping(r.get("remoteAccess"))
        if is_set(access.get("ec2SshKey")) and not as_list(access.get("sourceSecurityGroupIds")):
            yield "remoteAccess.ec2SshKey without sourceSecurityGroupIds opens SSH to 0.0.0.0/0"
        return
    if r.type == SECURITY_GROUP_RULE:
        if r.get("type") != "ingress":
            raise NotApplicable("an egress rule")
        rules = [dict(r.props)]
    elif r.type == INGRESS_RULE:
        rules = [
            {
                "cidrBlocks": as_list(r.get("cidrIpv4")),
                "ipv6CidrBlocks": as_list(r.get("cidrIpv6")),
                "fromPort": r.get("fromPort"),
                "toPort": r.get("toPort"),
                "protocol": r.get("ipProtocol"),
            }
        ]
    else:
        rules = [as_mapping(x) for x in as_list(r.get("ingress"))]
    for rule in rules:
        sources = as_list(rule.get("cidrBlocks")) + as_list(rule.get("ipv6CidrBlocks"))
        if not any_world(sources):
            continue
        if ports_only_web(rule.get("fromPort"), rule.get("toPort"), rule.get("protocol")):
            continue
        low, high = shown(rule.get("fromPort")), shown(rule.get("toPort"))
        ports = low if low == high else f"{low}-{high}"
        yield f"ingress from the internet on {rule.get('protocol')} ports {ports}"


@stack_rule(
    id="lepton-aws-vpc-flow-logs",
    title="VPCs have flow logs",
    severity=Severity.MEDIUM,
    clouds=AWS,
    description="Every VPC in the stack has an `aws:ec2/flowLog:FlowLog` that refers to it.",
    remediation="Add `aws.ec2.FlowLog(vpc_id=vpc.id, traffic_type='ALL', log_destination=<log group>)`.",
    anchors=("checkov:CKV2_AWS_11",),
)
def vpc_flow_logs(stack: StackView) -> Iterator[Finding]:
    yield from networks_without_flow_logs(stack, VPC, FLOW_LOG, "VPC")
