"""FSx for Lustre rules: the shared filesystem is encrypted with a customer-managed key and admits only
the cluster's nodes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import as_list, as_mapping, is_set, is_unknown, shown
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules.aws.tokens import (
    AWS,
    INGRESS_RULE,
    LUSTRE_FILE_SYSTEM,
    SECURITY_GROUP,
    SECURITY_GROUP_RULE,
)


@resource_rule(
    id="lepton-aws-fsx-cmk",
    title="FSx for Lustre file systems are encrypted with a customer-managed key",
    severity=Severity.HIGH,
    types=(LUSTRE_FILE_SYSTEM,),
    clouds=AWS,
    description="A persistent FSx for Lustre file system names a customer-managed KMS key (`kmsKeyId`); "
    "without one FSx encrypts with the AWS-managed `aws/fsx` key, which the platform cannot scope, audit "
    "per platform or revoke. Scratch deployments cannot take a key and are refused for the shared "
    "filesystem.",
    remediation="Set `kms_key_id` to the platform's key and `deployment_type='PERSISTENT_2'`.",
    anchors=("checkov:CKV_AWS_178",),
)
def fsx_cmk(r: ResourceView) -> Iterator[str]:
    deployment = r.get("deploymentType")
    if isinstance(deployment, str) and deployment.startswith("SCRATCH"):
        yield f"deploymentType {deployment} cannot be encrypted with a customer-managed key"
        return
    key = r.get("kmsKeyId")
    if not is_unknown(key) and not is_set(key):
        yield "kmsKeyId is not set: encrypted with the AWS-managed aws/fsx key"


def _ingress_of(stack: StackView, group: ResourceView) -> Iterator[tuple[ResourceView, Mapping[str, Any]]]:
    """The ingress rules that target `group`: its inline `ingress`, and the standalone rules that depend on
    it and on no other security group (a rule naming it as the *source* of another group's ingress depends
    on both)."""
    for rule in as_list(group.get("ingress")):
        yield group, as_mapping(rule)
    groups = {g.urn for g in stack.of_type(SECURITY_GROUP)}
    for r in stack.of_type(INGRESS_RULE, SECURITY_GROUP_RULE):
        if r.type == SECURITY_GROUP_RULE and r.get("type") != "ingress":
            continue
        on = groups & set(r.dependencies)
        if group.urn in on and (len(on) == 1 or is_set(r.get("cidrIpv4")) or is_set(r.get("cidrBlocks"))):
            yield r, dict(r.props)


@stack_rule(
    id="lepton-aws-fsx-private",
    title="FSx for Lustre file systems admit only the cluster's nodes",
    severity=Severity.HIGH,
    clouds=AWS,
    description="Every FSx for Lustre file system names security groups of this stack (`securityGroupIds`), "
    "and no ingress rule of those groups admits an address range (IPv4 or IPv6 CIDR, prefix list): only "
    "security groups, so the file system is reachable from the cluster's nodes and not from whatever else "
    "routes into the VPC (peerings, VPNs, other subnets). Without security groups of its own it gets the "
    "VPC's default group.",
    remediation="Give the file system its own security group and admit Lustre (TCP 988, 1018-1023) with "
    "`referenced_security_group_id=<nodes' group>`, never a CIDR.",
)
def fsx_private(stack: StackView) -> Iterator[Finding]:
    systems = stack.of_type(LUSTRE_FILE_SYSTEM)
    if not systems:
        raise NotApplicable("no FSx for Lustre file system in the stack")
    for fs in systems:
        given = fs.get("securityGroupIds")
        groups = [g for g in stack.of_type(SECURITY_GROUP) if g.urn in set(fs.dependencies)]
        if not is_unknown(given) and not as_list(given):
            yield Finding(
                f"file system {fs.name} has no security group: the VPC's default one applies", fs.urn
            )
            continue
        if not groups:
            yield Finding(f"file system {fs.name} has no security group of this stack to judge", fs.urn)
            continue
        for group in groups:
            for source, rule in _ingress_of(stack, group):
                ranges = [
                    *as_list(rule.get("cidrIpv4")),
                    *as_list(rule.get("cidrIpv6")),
                    *as_list(rule.get("prefixListId")),
                    *as_list(rule.get("cidrBlocks")),
                    *as_list(rule.get("ipv6CidrBlocks")),
                    *as_list(rule.get("prefixListIds")),
                ]
                if ranges:
                    yield Finding(
                        f"security group {group.name} of file system {fs.name} admits "
                        f"{', '.join(shown(x) for x in ranges)}: an address range, not the cluster's nodes",
                        source.urn,
                    )
