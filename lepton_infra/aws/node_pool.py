"""`NodePool`: one EKS managed node group (CPU or GPU) with a hardened launch template, and the ASG tags
that let the cluster autoscaler scale it up from zero."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from lepton_infra.aws.fabric import EFA_RESOURCE, fabric_args_problems, fabric_launch_settings
from lepton_infra.aws.node_groups import group_placements
from lepton_infra.aws.reserved_capacity import capacity_type, launch_reservation
from lepton_infra.catalog import catalog
from lepton_infra.core import conventions as conv
from lepton_infra.core.args import known, non_empty, one_of, renamed_fields
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.profiles.aws import PROFILE as AWS
from lepton_infra.spec import ClusterSpec, GpuRequest, NodePoolSpec
from lepton_infra.spec.problems import like_spec_field, node_pool_args_problems

NODE_TEMPLATE = "k8s.io/cluster-autoscaler/node-template"
# The label the cluster autoscaler's AWS provider reads to know a node has GPUs (it then waits for the
# device plugin instead of scaling up again while the GPU resource is not yet advertised).
AWS_ACCELERATOR_LABEL = "k8s.amazonaws.com/accelerator"
GPU_AMI = "AL2023_x86_64_NVIDIA"  # driver and container toolkit preinstalled
CPU_AMI = "AL2023_x86_64_STANDARD"
_EKS_EFFECT = {
    "NoSchedule": "NO_SCHEDULE",
    "NoExecute": "NO_EXECUTE",
    "PreferNoSchedule": "PREFER_NO_SCHEDULE",
}


@dataclass(frozen=True)
class Taint:
    key: str
    value: str
    effect: str = "NoSchedule"  # Kubernetes spelling


@renamed_fields(desired_size="initial_nodes")
@dataclass
class NodePoolArgs(ComponentArgs):
    cluster_name: pulumi.Input[str]
    """The EKS cluster the node group joins (`Cluster.name_output`)."""
    pool_name: str
    """The pool's name: the `lepton.ai/pool` node label and the node group's name prefix (the spec's
    `node_pools[].name`)."""
    node_role_arn: pulumi.Input[str]
    """The nodes' IAM role (`Cluster.node_role`)."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """The private subnets the nodes launch in (one per zone)."""
    security_group_ids: Sequence[pulumi.Input[str]]
    """Security groups of the nodes' network interfaces (`Cluster.node_security_group`)."""
    key_id: pulumi.Input[str]
    """ARN of the KMS key the root volumes are encrypted with."""
    instance_types: Sequence[str]
    """EC2 instance types; the first is preferred. More than one only makes sense for spot (capacity
    diversity)."""
    min_nodes: int = 0
    """Fewest nodes the cluster autoscaler keeps. Default: 0 (a pool scales from zero and costs nothing
    idle)."""
    max_nodes: int = 2
    """Most nodes the cluster autoscaler may start. Default: 2."""
    initial_nodes: int | None = None
    """Nodes at creation; the autoscaler owns the count afterwards (ignored on update). Default:
    `min_nodes`."""
    gpu_type: str | None = None
    """Catalog GPU key (e.g. `l4`): the NVIDIA AMI, the GPU labels and the `nvidia.com/gpu` taint. Default:
    none, a CPU pool on the standard AL2023 AMI."""
    gpu_count: int = 0
    """GPUs per node, announced to the autoscaler so a GPU pool scales up from zero (match the instance type).
    Default: 0."""
    spot: bool = False
    """Spot capacity (the node group's capacity type `SPOT`). Default: on-demand."""
    reserved: bool = False
    """prod: the pool holds the services kept running and only they land on it (the taint
    `lepton.ai/reserved=kept-running:NoSchedule`, core/conventions.py). Default: off."""
    disk_gb: int = 100
    """Size of each node's gp3 root volume in GiB, encrypted with `key_id`. Default: 100."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Extra Kubernetes node labels; the platform's own (`lepton.ai/pool`, GPU labels) win on a clash.
    Default: none."""
    kubernetes_version: str | None = None
    """The nodes' Kubernetes minor. Default: the cluster's version."""
    name_prefix: str = ""
    """Prefix of cloud-side names (the launch template, the `Name` tag). Default: the component's name."""
    capacity_reservation_id: pulumi.Input[str] | None = None
    """An On-Demand Capacity Reservation or Capacity Block (`cr-...`) every launch targets (the launch
    template's capacity reservation target): nodes start only inside it, so `subnet_ids` must be the
    reservation's zone's subnet (EC2 refuses other zones). Default: none, plain on-demand or spot."""
    capacity_block: bool = False
    """The reservation is a Capacity Block for ML: the launch template's market type `capacity-block` and
    the node group's capacity type `CAPACITY_BLOCK` (EKS User Guide, "Create a managed node group with
    Capacity Blocks for ML", read 2026-12-07). Needs `capacity_reservation_id`. Default: off."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of the instances, volumes and network interfaces the pool launches (the platform's tags, which the
    budget filters on): provider default tags do not reach what an Auto Scaling group launches. Default:
    none."""

    group_per_zone: bool = False
    """One node group per subnet (zone) instead of one spanning them all, min, max and initial size split
    evenly over them (the first zones take the remainder). For pools whose pods keep zone-bound EBS
    volumes: a multi-zone group's template node claims its first zone and the Auto Scaling group launches
    wherever it balances, so a pending pod bound to a volume in another zone may never get a node there;
    one group per zone plus `balance-similar-node-groups` is what the autoscaler's AWS README asks for.
    With `max_nodes` below the number of subnets, only the first `max_nodes` zones get a group (of one
    node at most): a volume is made where its pod first runs, so never in a zone the pool cannot reach.
    Default: off, one group over every subnet (`aws.Platform` turns it on for CPU pools)."""

    efa_interfaces: Sequence[tuple[int, int]] = ()
    """The pool's EFA-only interfaces as `(network card, device)` besides the ENA primary (catalog/fabric.py
    `efa_only_interfaces`: p5.48xlarge has 32). Each becomes a launch template interface in
    `security_group_ids` plus the pool's own EFA security group (all traffic to and from itself), and the
    autoscaler is told each node brings that many `vpc.amazonaws.com/efa`. Needs `vpc_id` and one subnet.
    Default: none (ENA only)."""
    vpc_id: pulumi.Input[str] | None = None
    """The VPC of the pool's EFA security group (only with `efa_interfaces`). Default: none."""
    compact: bool = False
    """Launch the pool's instances in its own cluster placement group (one zone, one subnet), for the lowest
    latency between nodes. Default: off."""

    def problems(self) -> Iterator[Problem]:
        yield from fabric_args_problems(self.subnet_ids, self.efa_interfaces, self.compact, self.vpc_id)
        yield from node_pool_args_problems(
            self.pool_name, self.min_nodes, self.max_nodes, AWS.pool_name, "node group"
        )
        yield from non_empty("instance_types", self.instance_types, "instance type")
        initial = self.initial_nodes
        if initial is not None and known(initial) and not self.min_nodes <= initial <= self.max_nodes:
            yield Problem(
                "initial_nodes",
                initial,
                f"outside [min_nodes {self.min_nodes}, max_nodes {self.max_nodes}]",
                "set it between min_nodes and max_nodes, or leave it unset",
            )
        if self.gpu_type is not None:
            yield from one_of("gpu_type", self.gpu_type, sorted(catalog("aws").gpu_types()), "AWS GPU type")
            yield from like_spec_field("gpu_count", self.gpu_count, GpuRequest, "count")
        elif known(self.gpu_count) and self.gpu_count:
            yield Problem(
                "gpu_count", self.gpu_count, "GPUs without a gpu_type", "set gpu_type or gpu_count: 0"
            )
        yield from like_spec_field("disk_gb", self.disk_gb, NodePoolSpec, "disk_gb")
        if self.capacity_block and self.capacity_reservation_id is None:
            yield Problem(
                "capacity_block", True, "a Capacity Block is a reservation", "set capacity_reservation_id"
            )
        if self.capacity_reservation_id is not None and self.spot:
            yield Problem(
                "spot", True, "a launch targeting a reservation is on-demand capacity", "set spot=False"
            )
        yield from like_spec_field("kubernetes_version", self.kubernetes_version, ClusterSpec, "version")


def pool_labels(pool: str, gpu_type: str | None, extra: Mapping[str, str]) -> dict[str, str]:
    labels = {**extra, **conv.node_labels(pool, gpu_type)}
    if gpu_type:
        labels[AWS_ACCELERATOR_LABEL] = gpu_type
    return labels


def pool_taints(gpu_type: str | None, *, reserved: bool = False) -> list[Taint]:
    """GPU nodes repel everything that does not tolerate the shared GPU taint; a reserved pool's nodes
    (prod, kept-running services) also everything but those services."""
    if not gpu_type:
        return []
    taints = [Taint(conv.GPU_TAINT_KEY, conv.GPU_TAINT_VALUE, conv.GPU_TAINT_EFFECT)]
    if reserved:
        taints.append(Taint(conv.RESERVED_TAINT_KEY, conv.RESERVED_TAINT_VALUE, conv.RESERVED_TAINT_EFFECT))
    return taints


def node_template_tags(
    labels: Mapping[str, str],
    taints: Sequence[Taint],
    gpu_count: int,
    disk_gb: int | None = None,
    efa_devices: int = 0,
) -> dict[str, str]:
    """ASG tags that describe a node the autoscaler has never seen. Without them, a pool at zero looks
    like plain CPU capacity without labels, so GPU pods never trigger a scale-up. The root disk size is
    announced too: the autoscaler cannot read it from a launch template, and pods that request
    ephemeral storage would otherwise never scale a pool up from zero."""
    tags = {f"{NODE_TEMPLATE}/label/{k}": v for k, v in labels.items()}
    tags.update({f"{NODE_TEMPLATE}/taint/{t.key}": f"{t.value}:{t.effect}" for t in taints})
    if gpu_count > 0:
        tags[f"{NODE_TEMPLATE}/resources/{conv.GPU_RESOURCE}"] = str(gpu_count)
    if disk_gb:
        tags[f"{NODE_TEMPLATE}/resources/ephemeral-storage"] = f"{disk_gb}Gi"
    if efa_devices:  # a pod asking for EFA devices scales a fabric pool up from zero
        tags[f"{NODE_TEMPLATE}/resources/{EFA_RESOURCE}"] = str(efa_devices)
    return tags


# How a node group rolls when its AMI or launch template changes (EKS User Guide, "Understand each phase of
# node updates"; API NodegroupUpdateConfig, read 2026-12-07). The DEFAULT strategy launches the new nodes
# first: it raises the Auto Scaling group by the larger of maxUnavailable and up to twice the number of
# zones the group spans, so even with maxUnavailable 1 a 3-zone GPU group asks for up to 6 extra GPU
# instances (quota nobody granted, capacity that may not exist: the update then fails with
# NodeCreationFailure). MINIMAL "terminates the old instances before launching the new instances ... useful
# ... with hardware accelerators such as GPUs": no surge, at most maxUnavailable (1) GPU node down at a time.
# CPU groups keep DEFAULT (surge first, a third at a time): cheap capacity, no drop in pod capacity.
GPU_MAX_UNAVAILABLE = 1
CPU_MAX_UNAVAILABLE_PERCENT = 33


def update_config(gpu: bool) -> aws.eks.NodeGroupUpdateConfigArgs:
    if gpu:
        return aws.eks.NodeGroupUpdateConfigArgs(
            max_unavailable=GPU_MAX_UNAVAILABLE, update_strategy="MINIMAL"
        )
    return aws.eks.NodeGroupUpdateConfigArgs(max_unavailable_percentage=CPU_MAX_UNAVAILABLE_PERCENT)


def node_group_name_prefix(pool_name: str, zone: str = "") -> str:
    """A node group's name prefix: `<pool>-`, or `<pool>-<zone letter>-` for a zone's group of a per-zone
    pool. EKS names are at most 63 characters and the provider appends 26 to a prefix, so the pool part
    is cut to 36, or 34 with a zone letter (37 either way)."""
    if zone:
        return f"{physical_name(pool_name, limit=34)}-{zone}-"
    return f"{physical_name(pool_name, limit=36)}-"


def tag_slug(key: str) -> str:
    """A URN-friendly, stable slug of an ASG tag key (`.../label/lepton.ai/pool` ->
    `label-lepton-ai-pool`)."""
    return re.sub(r"[^a-z0-9]+", "-", key.removeprefix(NODE_TEMPLATE + "/").lower()).strip("-")


def _asg_name(resources: Sequence[aws.eks.outputs.NodeGroupResource]) -> str:
    groups = resources[0].autoscaling_groups if resources else None
    name = groups[0].name if groups else None
    if not name:
        raise ValueError("node group reported no autoscaling group")
    return name


# What an instance launch creates and bills: the instance, its EBS volumes, its network interfaces.
LAUNCHED_RESOURCE_KINDS = ("instance", "volume", "network-interface")


def launched_tags(args: NodePoolArgs, label: str) -> dict[str, str]:
    return {**args.tags, "Name": label, "lepton.ai/pool": args.pool_name}


class NodePool(Component):
    TOKEN = "lepton:aws:NodePool"

    def __init__(self, name: str, args: NodePoolArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        label = args.name_prefix or name
        is_gpu = args.gpu_type is not None
        labels = pool_labels(args.pool_name, args.gpu_type, args.labels)
        taints = pool_taints(args.gpu_type, reserved=args.reserved)
        groups, network_interfaces, placement = fabric_launch_settings(
            self,
            name,
            label,
            args.security_group_ids,
            args.efa_interfaces,
            args.vpc_id,
            args.compact,
            dict(args.tags),
        )
        self.launch_template = aws.ec2.LaunchTemplate(
            child_name(name, "lt"),
            name_prefix=f"{physical_name(label, limit=100)}-",
            description=f"lepton-infra node pool {args.pool_name}",
            update_default_version=True,
            # IMDSv2 only, one hop: pods cannot reach the node role's credentials through the metadata
            # service (they use IRSA instead).
            metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=1,
                instance_metadata_tags="disabled",
            ),
            block_device_mappings=[
                aws.ec2.LaunchTemplateBlockDeviceMappingArgs(
                    device_name="/dev/xvda",
                    ebs=aws.ec2.LaunchTemplateBlockDeviceMappingEbsArgs(
                        volume_size=args.disk_gb,
                        volume_type="gp3",
                        encrypted="true",
                        kms_key_id=args.key_id,
                        delete_on_termination="true",
                    ),
                )
            ],
            vpc_security_group_ids=groups,
            network_interfaces=network_interfaces,
            placement=placement,
            **launch_reservation(args.capacity_reservation_id, args.capacity_block),
            monitoring=aws.ec2.LaunchTemplateMonitoringArgs(enabled=False),
            tag_specifications=[
                aws.ec2.LaunchTemplateTagSpecificationArgs(
                    resource_type=kind, tags=launched_tags(args, label)
                )
                for kind in LAUNCHED_RESOURCE_KINDS
            ],
            opts=self.child_opts(),
        )
        desired = args.min_nodes if args.initial_nodes is None else args.initial_nodes
        placements = group_placements(
            args.subnet_ids, args.min_nodes, args.max_nodes, desired, per_zone=args.group_per_zone
        )
        # The autoscaler's IAM policy names the Auto Scaling groups after these (asg_name_patterns).
        self.node_group_name_prefixes = [node_group_name_prefix(args.pool_name, p.zone) for p in placements]
        template_tags = node_template_tags(
            labels, taints, args.gpu_count if is_gpu else 0, args.disk_gb, len(args.efa_interfaces)
        )
        self.node_groups: list[aws.eks.NodeGroup] = []
        self.asg_tags: list[aws.autoscaling.Tag] = []
        asg_names: list[pulumi.Output[str]] = []
        for placement, prefix in zip(placements, self.node_group_name_prefixes, strict=True):
            # A pool spanning every zone keeps the names it always had; a zone's group adds its letter.
            zone = f"-{placement.zone}" if placement.zone else ""
            group = aws.eks.NodeGroup(
                child_name(name, f"ng{zone}"),
                cluster_name=args.cluster_name,
                # A prefix, not a fixed name: a change that forces replacement (instance types) creates
                # the new group before deleting the old one, so the pool never drops to zero by surprise.
                node_group_name_prefix=prefix,
                node_role_arn=args.node_role_arn,
                subnet_ids=list(placement.subnet_ids),
                ami_type=GPU_AMI if is_gpu else CPU_AMI,
                capacity_type=capacity_type(spot=args.spot, capacity_block=args.capacity_block),
                instance_types=list(args.instance_types),
                version=args.kubernetes_version,
                scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                    min_size=placement.min_nodes,
                    max_size=placement.max_nodes,
                    desired_size=placement.desired_size,
                ),
                launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                    id=self.launch_template.id,
                    version=self.launch_template.latest_version.apply(str),
                ),
                labels=labels,
                taints=[
                    aws.eks.NodeGroupTaintArgs(key=t.key, value=t.value, effect=_EKS_EFFECT[t.effect])
                    for t in taints
                ],
                update_config=update_config(is_gpu),
                # Off on GPU groups: the node monitoring agent (v1.6.6) latches AcceleratedHardwareReady=False
                # after one failed DCGM connection (a fresh node's boot race, a DCGM restart) and never
                # clears it (aws/eks-node-monitoring-agent#266, fix PR #275 open; containers-roadmap#2555;
                # read 2026-12-07), so repair would replace healthy GPU nodes, running jobs included, 10 min
                # after boot. The condition stays visible; turn repair on with an agent pin that has the fix.
                node_repair_config=aws.eks.NodeGroupNodeRepairConfigArgs(enabled=not is_gpu),
                tags={"Name": label, "lepton.ai/pool": args.pool_name},
                opts=self.child_opts(ignore_changes=["scalingConfig.desiredSize"]),
            )
            asg_name = group.resources.apply(_asg_name)
            self.asg_tags += [
                aws.autoscaling.Tag(
                    child_name(name, f"asg{zone}-{tag_slug(key)}"),
                    autoscaling_group_name=asg_name,
                    tag=aws.autoscaling.TagTagArgs(key=key, value=value, propagate_at_launch=False),
                    opts=self.child_opts(),
                )
                for key, value in template_tags.items()
            ]
            self.node_groups.append(group)
            asg_names.append(asg_name)
        # The first (or only) group, for callers that name one.
        self.node_group = self.node_groups[0]
        self.node_group_name: pulumi.Output[str] = self.node_group.node_group_name
        self.autoscaling_group_name: pulumi.Output[str] = asg_names[0]
        self.node_group_names = [g.node_group_name for g in self.node_groups]
        self.autoscaling_group_names = asg_names
        self.finish(
            {
                "node_group_name": self.node_group_name,
                "autoscaling_group_name": self.autoscaling_group_name,
                "node_group_names": self.node_group_names,
                "autoscaling_group_names": self.autoscaling_group_names,
            }
        )
