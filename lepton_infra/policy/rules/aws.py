"""AWS rules for the cluster, its nodes and its network, over `aws:*` type tokens and the inputs
pulumi-aws 7 sends the engine. Keys, stores and identity are in `aws_data`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import (
    any_world,
    as_bool,
    as_int,
    as_list,
    as_mapping,
    is_set,
    is_unknown,
    shown,
)
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules._shared import (
    ceiling_problems,
    gpu_labelled,
    has_gpu_taint,
    networks_without_flow_logs,
    ports_only_web,
)

AWS = ("aws",)
EKS_CLUSTER = "aws:eks/cluster:Cluster"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
INSTANCE = "aws:ec2/instance:Instance"
SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_SECURITY_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule"
INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
VPC = "aws:ec2/vpc:Vpc"
FLOW_LOG = "aws:ec2/flowLog:FlowLog"
HOSTED_ZONE = "aws:route53/zone:Zone"
DNS_RECORD = "aws:route53/record:Record"
# The DNS name ELB gives an internal Application or Classic Load Balancer (internet-facing ones lack the
# prefix).
INTERNAL_ELB_NAME = re.compile(
    r"^(dualstack\.)?internal-[^.]+\.[a-z0-9-]+\.elb\.amazonaws\.com(\.cn)?\.?$", re.IGNORECASE
)
GPU_INSTANCE = re.compile(r"^(p\d|g\d|gr\d)[a-z0-9-]*\.", re.IGNORECASE)
REQUIRED_LOG_TYPES = ("api", "audit", "authenticator")


# --- encryption at rest ---------------------------------------------------------------------------


@resource_rule(
    id="lepton-aws-eks-secrets-encryption",
    title="EKS secrets are envelope-encrypted with a KMS key",
    severity=Severity.HIGH,
    types=(EKS_CLUSTER,),
    clouds=AWS,
    description="Kubernetes secrets in etcd are encrypted with a customer-managed KMS key "
    "(`encryptionConfig.resources` holds `secrets`, `encryptionConfig.provider.keyArn` is set).",
    remediation="Set `encryption_config=aws.eks.ClusterEncryptionConfigArgs(resources=['secrets'], "
    "provider=...(key_arn=key.arn))`.",
    anchors=("checkov:CKV_AWS_58",),
)
def eks_secrets_encryption(r: ResourceView) -> Iterator[str]:
    config: Any = r.get("encryptionConfig")
    if isinstance(config, list):  # older providers took a list of blocks
        config = config[0] if config else None
    config = as_mapping(config)
    if not config:
        yield "no encryptionConfig: secrets are stored without envelope encryption"
        return
    resources = config.get("resources")
    if not is_unknown(resources) and "secrets" not in as_list(resources):
        yield "encryptionConfig.resources does not include 'secrets'"
    if not is_set(as_mapping(config.get("provider")).get("keyArn")):
        yield "encryptionConfig.provider.keyArn is not set"


@resource_rule(
    id="lepton-aws-node-disk-cmk",
    title="Node disks are encrypted with a customer-managed KMS key",
    severity=Severity.HIGH,
    types=(LAUNCH_TEMPLATE, NODE_GROUP, INSTANCE),
    clouds=AWS,
    description="Every EBS volume of a launch template or instance is encrypted with a KMS key of ours; "
    "an EKS node group uses a launch template (without one, its disks get the default settings).",
    remediation="In the launch template, `block_device_mappings=[...ebs=...(encrypted='true', "
    "kms_key_id=key.arn)]`; give every node group `launch_template=...`.",
)
def node_disk_cmk(r: ResourceView) -> Iterator[str]:
    if r.type == NODE_GROUP:
        template = as_mapping(r.get("launchTemplate"))
        if not (is_set(template.get("id")) or is_set(template.get("name"))):
            yield "the node group has no launch template: its disks use EKS defaults, not our KMS key"
        return
    if r.type == INSTANCE:
        devices = [("rootBlockDevice", as_mapping(r.get("rootBlockDevice")))]
        devices += [
            (f"ebsBlockDevices[{i}]", as_mapping(d)) for i, d in enumerate(as_list(r.get("ebsBlockDevices")))
        ]
        if not devices[0][1]:
            yield "rootBlockDevice is not set: the root volume uses the AMI's defaults"
        for where, device in devices:
            if device:
                yield from _ebs_problems(where, device)
        return
    mappings = [as_mapping(m) for m in as_list(r.get("blockDeviceMappings"))]
    ebs_mappings = [(i, as_mapping(m.get("ebs"))) for i, m in enumerate(mappings) if m.get("ebs")]
    if not ebs_mappings and not is_unknown(r.get("blockDeviceMappings")):
        yield "no EBS block device mapping: the root volume uses the AMI's defaults, not our KMS key"
    for i, ebs in ebs_mappings:
        yield from _ebs_problems(f"blockDeviceMappings[{i}].ebs", ebs)


def _ebs_problems(where: str, ebs: Mapping[str, Any]) -> Iterator[str]:
    encrypted = ebs.get("encrypted")
    if not is_unknown(encrypted) and as_bool(encrypted) is not True:
        yield f"{where}.encrypted is not true"
    if not is_set(ebs.get("kmsKeyId")):
        yield f"{where}.kmsKeyId is not set (the AWS-managed key is not ours to control)"


# --- network exposure -----------------------------------------------------------------------------


@resource_rule(
    id="lepton-aws-eks-endpoint-not-public",
    title="The EKS API is not open to the internet",
    severity=Severity.HIGH,
    types=(EKS_CLUSTER,),
    clouds=AWS,
    description="The cluster endpoint is private, or public only to listed networks "
    "(`vpcConfig.endpointPublicAccess` false, or `vpcConfig.publicAccessCidrs` without 0.0.0.0/0). "
    "AWS's defaults are a public endpoint open to 0.0.0.0/0.",
    remediation="Set `vpc_config.endpoint_public_access=False`, or `public_access_cidrs=[<office/CI "
    "ranges>]`.",
    anchors=("checkov:CKV_AWS_38", "checkov:CKV_AWS_39"),
)
def eks_endpoint_not_public(r: ResourceView) -> Iterator[str]:
    public = r.get("vpcConfig.endpointPublicAccess")
    if is_unknown(public) or as_bool(public) is False:
        return
    cidrs = r.get("vpcConfig.publicAccessCidrs")
    if is_unknown(cidrs):
        return
    if not as_list(cidrs):
        yield "the endpoint is public and publicAccessCidrs is empty, which AWS reads as 0.0.0.0/0"
    elif any_world(as_list(cidrs)):
        yield "the endpoint is public to 0.0.0.0/0 (vpcConfig.publicAccessCidrs)"


@resource_rule(
    id="lepton-aws-eks-control-plane-logs",
    title="EKS control-plane audit logs are on",
    severity=Severity.MEDIUM,
    types=(EKS_CLUSTER,),
    clouds=AWS,
    description="`enabledClusterLogTypes` includes api, audit and authenticator.",
    remediation="Set `enabled_cluster_log_types=['api', 'audit', 'authenticator', 'controllerManager', "
    "'scheduler']`.",
    anchors=("checkov:CKV_AWS_37",),
)
def eks_control_plane_logs(r: ResourceView) -> Iterator[str]:
    enabled = r.get("enabledClusterLogTypes")
    if is_unknown(enabled):
        return
    missing = [t for t in REQUIRED_LOG_TYPES if t not in as_list(enabled)]
    if missing:
        yield f"enabledClusterLogTypes lacks {', '.join(missing)}"


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


@stack_rule(
    id="lepton-aws-internal-lb-private-dns",
    title="Internal load balancers are named only in private hosted zones",
    severity=Severity.MEDIUM,
    clouds=AWS,
    description="A Route 53 record aliasing an internal load balancer (DNS name "
    "`internal-...elb.amazonaws.com`) "
    "lies in a private hosted zone of this stack: its `zoneId` comes from an `aws:route53/zone:Zone` with "
    "`vpcs`. "
    "In a public zone the record tells the internet that the internal service exists and which private "
    "addresses serve it, while nobody outside the network can reach them.",
    remediation="Write internal hosts in a private hosted zone associated with the VPC "
    "(`aws.route53.Zone(vpcs="
    "[...])`, `zone_id=zone.zone_id`); keep public zones for internet-facing load balancers.",
)
def internal_lb_private_dns(stack: StackView) -> Iterator[Finding]:
    private = {z.urn for z in stack.of_type(HOSTED_ZONE) if as_list(z.get("vpcs"))}
    internal = [
        (r, target)
        for r in stack.of_type(DNS_RECORD)
        for a in as_list(r.get("aliases"))
        if isinstance(target := as_mapping(a).get("name"), str) and INTERNAL_ELB_NAME.match(target)
    ]
    if not internal:  # unknown alias targets (a first preview) are not judged
        raise NotApplicable("no record aliases an internal load balancer")
    for record, target in internal:
        if not private & set(record.dependencies):
            yield Finding(
                f"record {shown(record.get('name'))} in zone {shown(record.get('zoneId'))} aliases the "
                f"internal load balancer {target}, and that zone is not a private hosted zone of this stack",
                record.urn,
            )


# --- compute hardening ----------------------------------------------------------------------------


@resource_rule(
    id="lepton-aws-imdsv2",
    title="IMDSv2 required with hop limit 1",
    severity=Severity.HIGH,
    types=(LAUNCH_TEMPLATE, INSTANCE),
    clouds=AWS,
    description="Instance metadata needs session tokens (`metadataOptions.httpTokens` required) and "
    "answers only the node itself (`httpPutResponseHopLimit` 1), so pods cannot borrow the node's role.",
    remediation="Set `metadata_options=...(http_endpoint='enabled', http_tokens='required', "
    "http_put_response_hop_limit=1)`.",
    anchors=("checkov:CKV_AWS_79", "checkov:CKV_AWS_341"),
)
def imdsv2(r: ResourceView) -> Iterator[str]:
    options = as_mapping(r.get("metadataOptions"))
    if options.get("httpEndpoint") == "disabled":
        return
    tokens = options.get("httpTokens")
    if not is_unknown(tokens) and tokens != "required":
        yield f"metadataOptions.httpTokens is {shown(tokens)}, not 'required' (IMDSv1 stays on)"
    hops = options.get("httpPutResponseHopLimit")
    if not is_unknown(hops) and as_int(hops) != 1:
        yield (
            f"metadataOptions.httpPutResponseHopLimit is {shown(hops)}, not 1 "
            "(pods can reach node credentials)"
        )


@resource_rule(
    id="lepton-aws-nodes-no-public-ip",
    title="Nodes get no public IP addresses",
    severity=Severity.HIGH,
    types=(LAUNCH_TEMPLATE, INSTANCE),
    clouds=AWS,
    description="Launch-template network interfaces and instances do not set `associatePublicIpAddress`.",
    remediation="Run nodes in private subnets behind NAT; drop `associate_public_ip_address`.",
    anchors=("checkov:CKV_AWS_88",),
)
def nodes_no_public_ip(r: ResourceView) -> Iterator[str]:
    if r.type == INSTANCE:
        if as_bool(r.get("associatePublicIpAddress")) is True:
            yield "associatePublicIpAddress is true"
        return
    for i, nic in enumerate(as_list(r.get("networkInterfaces"))):
        if as_bool(as_mapping(nic).get("associatePublicIpAddress")) is True:
            yield f"networkInterfaces[{i}].associatePublicIpAddress is true"


def _is_gpu_node_group(r: ResourceView) -> bool:
    ami = str(r.get("amiType", ""))
    if "NVIDIA" in ami or "GPU" in ami:
        return True
    if any(GPU_INSTANCE.match(str(t)) for t in as_list(r.get("instanceTypes"))):
        return True
    return gpu_labelled(r.get("labels"))


@resource_rule(
    id="lepton-aws-node-pool-max",
    title="Node groups have an autoscaling maximum",
    severity=Severity.MEDIUM,
    types=(NODE_GROUP,),
    clouds=AWS,
    description="`scalingConfig.maxSize` is set, at least 1 and not below `minSize`.",
    remediation="Set `scaling_config=...(min_size=0, max_size=<ceiling>, desired_size=...)`.",
)
def node_pool_max(r: ResourceView) -> Iterator[str]:
    scaling = as_mapping(r.get("scalingConfig"))
    yield from ceiling_problems(
        scaling.get("maxSize"),
        scaling.get("minSize"),
        max_name="scalingConfig.maxSize",
        min_name="scalingConfig.minSize",
    )


@resource_rule(
    id="lepton-aws-gpu-pool-tainted",
    title="GPU node groups carry the GPU taint",
    severity=Severity.MEDIUM,
    types=(NODE_GROUP,),
    clouds=AWS,
    description="A GPU node group (NVIDIA AMI, p*/g* instances or our GPU labels) is tainted "
    "`nvidia.com/gpu:NO_SCHEDULE`, so only pods that ask for GPUs land on expensive nodes.",
    remediation="Add `taints=[...(key='nvidia.com/gpu', value='present', effect='NO_SCHEDULE')]`.",
)
def gpu_pool_tainted(r: ResourceView) -> Iterator[str]:
    if not _is_gpu_node_group(r):
        raise NotApplicable("not a GPU node group")
    if not has_gpu_taint(as_mapping(t) for t in as_list(r.get("taints"))):
        yield "GPU node group without the nvidia.com/gpu NO_SCHEDULE taint"


@resource_rule(
    id="lepton-aws-spot-gpu-min-zero",
    title="Spot GPU node groups scale to zero",
    severity=Severity.MEDIUM,
    types=(NODE_GROUP,),
    clouds=AWS,
    description="A spot GPU node group has `scalingConfig.minSize` 0: idle spot GPUs cost money and "
    "cannot be relied on anyway.",
    remediation="Set `scaling_config.min_size=0`.",
)
def spot_gpu_min_zero(r: ResourceView) -> Iterator[str]:
    if r.get("capacityType") != "SPOT" or not _is_gpu_node_group(r):
        raise NotApplicable("not a spot GPU node group")
    low = r.get("scalingConfig.minSize")
    if not is_unknown(low) and as_int(low) != 0:
        yield f"spot GPU node group with scalingConfig.minSize {shown(low)}"
