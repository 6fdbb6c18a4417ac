"""EKS node rules: encrypted disks, IMDSv2, no public IPs, bounded pools, tainted GPU pools, spot GPU pools
that scale to zero."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from lepton_infra.policy.model import NotApplicable, ResourceView, Severity
from lepton_infra.policy.props import (
    as_bool,
    as_int,
    as_list,
    as_mapping,
    is_set,
    is_unknown,
    shown,
)
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules._shared import ceiling_problems, gpu_labelled, has_gpu_taint
from lepton_infra.policy.rules.aws.tokens import AWS, INSTANCE, LAUNCH_TEMPLATE, NODE_GROUP

GPU_INSTANCE = re.compile(r"^(p\d|g\d|gr\d)[a-z0-9-]*\.", re.IGNORECASE)


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
