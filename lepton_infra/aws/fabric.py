"""A fabric node pool's own AWS pieces: the EFA security group (all traffic to and from itself), the EFA
interfaces of its launch template, and its cluster placement group. Used by `NodePool`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from lepton_infra.aws.reserved_capacity import pool_subnets
from lepton_infra.catalog.fabric import efa_only_interfaces, fabric_of
from lepton_infra.core.component import Component
from lepton_infra.core.conventions import GPU_TAINT_EFFECT, GPU_TAINT_KEY, reserved_toleration
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.kubernetes.charts.helm import HELM_DEFAULT_TIMEOUT_SECONDS, pinned_release
from lepton_infra.kubernetes.charts.pinned import AWS_EFA_DEVICE_PLUGIN

if TYPE_CHECKING:
    from lepton_infra.aws.network import Network
    from lepton_infra.spec import NodePoolSpec
    from lepton_infra.spec.resolved import ResolvedPool

# The extended resource the EFA device plugin advertises per EFA device (aws/eks-charts
# stable/aws-efa-k8s-device-plugin at 5239609, app v0.5.20; EKS User Guide device-management-efa.md).
EFA_RESOURCE = "vpc.amazonaws.com/efa"


def efa_security_group(
    owner: Component, name: str, vpc_id: pulumi.Input[str], label: str, tags: dict[str, str]
) -> aws.ec2.SecurityGroup:
    """EFA's OS-bypass traffic flows only between interfaces whose security group allows all traffic to and
    from itself (EKS User Guide, device-management-efa.md; EC2 User Guide efa-start.md "Prepare an
    EFA-enabled security group", read 2026-12-07). A CIDR rule does not admit it: the rules name the group."""
    group = aws.ec2.SecurityGroup(
        child_name(name, "efa-sg"),
        vpc_id=vpc_id,
        description="EFA: all traffic between this pool's fabric interfaces",
        tags={**tags, "Name": f"{label}-efa"},
        opts=owner.child_opts(),
    )
    rules = ((aws.vpc.SecurityGroupIngressRule, "in", "from"), (aws.vpc.SecurityGroupEgressRule, "out", "to"))
    for rule, direction, word in rules:
        rule(
            child_name(name, f"efa-{direction}-self"),
            security_group_id=group.id,
            ip_protocol="-1",
            referenced_security_group_id=group.id,
            description=f"EFA {word} the pool's own fabric interfaces",
            opts=owner.child_opts(),
        )
    return group


def efa_network_interfaces(
    efa_only: Sequence[tuple[int, int]], groups: Sequence[pulumi.Input[str]]
) -> list[aws.ec2.LaunchTemplateNetworkInterfaceArgs]:
    """The ENA primary (card 0, device 0) and one EFA-only interface per `(network card, device)`, every one
    in `groups`. No subnet: EKS rejects a launch template that names one and places the interfaces in the
    node group's subnet (EKS User Guide, device-management-efa.md, read 2026-12-07). No public address."""
    primary = aws.ec2.LaunchTemplateNetworkInterfaceArgs(
        network_card_index=0,
        device_index=0,
        interface_type="interface",
        security_groups=list(groups),
        associate_public_ip_address="false",
        delete_on_termination="true",
    )
    return [primary] + [
        aws.ec2.LaunchTemplateNetworkInterfaceArgs(
            network_card_index=card,
            device_index=device,
            interface_type="efa-only",
            security_groups=list(groups),
            delete_on_termination="true",
        )
        for card, device in efa_only
    ]


def cluster_placement_group(
    owner: Component, name: str, label: str, tags: dict[str, str]
) -> aws.ec2.PlacementGroup:
    """A cluster placement group packs the pool's instances close together in one zone, for the lowest
    latency between nodes. Its instances all land in one zone, so the pool keeps one subnet: a node group
    over three subnets with a cluster placement group creates, then fails on its next replacement
    (terraform-aws-modules/terraform-aws-eks#3044, read 2026-12-07)."""
    return aws.ec2.PlacementGroup(
        child_name(name, "pg"),
        name=physical_name(f"{label}-pg", limit=255),
        strategy="cluster",
        tags={**tags, "Name": f"{label}-pg"},
        opts=owner.child_opts(),
    )


def efa_layout(machine: str) -> tuple[tuple[int, int], ...]:
    """The `(network card, device)` of each EFA-only interface the catalog lists for `machine` (none when it
    has no EFA fabric)."""
    found = fabric_of("aws", machine)
    return tuple((i.network_card, i.device) for i in efa_only_interfaces(found)) if found is not None else ()


def efa_device_plugin_values() -> dict[str, Any]:
    """The chart's DaemonSet lands only on the instance types it lists (`supportedInstanceLabels`, p5.48xlarge
    among them at the pin) and tolerates only `CriticalAddonsOnly`: a fabric pool's nodes carry the GPU taint
    (and in prod maybe the reserved one), so both are tolerated or no EFA device is ever advertised."""
    return {
        # The chart requests 10m CPU and 20Mi and sets no limit; a memory limit keeps a leak on the node
        # bounded (our figure: the plugin only lists devices and answers the kubelet).
        "resources": {"requests": {"cpu": "10m", "memory": "20Mi"}, "limits": {"memory": "128Mi"}},
        "tolerations": [
            {"key": GPU_TAINT_KEY, "operator": "Exists", "effect": GPU_TAINT_EFFECT},
            reserved_toleration(),
        ],
    }


def efa_device_plugin(
    owner: Component,
    name: str,
    pools: Sequence[ResolvedPool],
    k8s_provider: pulumi.ProviderResource,
    wait_for: Sequence[pulumi.Resource],
) -> k8s.helm.v3.Release | None:
    """The pinned EFA device plugin in kube-system when a pool has the fabric (its pods run at
    `system-node-critical`, set by the chart). The EKS AL2023 NVIDIA AMI carries EFA's host components but
    not the plugin (EKS User Guide, device-management-efa.md "Using EKS-optimized AMIs with EFA", read
    2026-12-07)."""
    if not any(p.spec.fabric == "auto" for p in pools):
        return None
    return pinned_release(
        child_name(name, "efa-device-plugin"),
        AWS_EFA_DEVICE_PLUGIN,
        "kube-system",
        efa_device_plugin_values(),
        owner.child_opts(provider=k8s_provider, depends_on=list(wait_for)),
        timeout_seconds=HELM_DEFAULT_TIMEOUT_SECONDS,
    )


def fabric_args_problems(
    subnet_ids: Sequence[object],
    efa_interfaces: Sequence[tuple[int, int]],
    compact: bool,
    vpc_id: object,
) -> Iterator[Problem]:
    """`NodePoolArgs`' fabric and placement settings: one subnet, and the EFA group's VPC."""
    if (efa_interfaces or compact) and len(subnet_ids) != 1:
        yield Problem(
            "subnet_ids",
            f"{len(subnet_ids)} subnets",
            "a fabric or compact pool lives in one zone (a cluster placement group cannot span zones)",
            "pass the one subnet of the zone the pool should use",
        )
    if efa_interfaces and vpc_id is None:
        yield Problem("vpc_id", None, "EFA interfaces need the EFA security group's VPC", "set vpc_id")


def fabric_launch_settings(
    owner: Component,
    name: str,
    label: str,
    security_group_ids: Sequence[pulumi.Input[str]],
    efa_interfaces: Sequence[tuple[int, int]],
    vpc_id: pulumi.Input[str] | None,
    compact: bool,
    tags: dict[str, str],
) -> tuple[
    list[pulumi.Input[str]] | None,
    list[aws.ec2.LaunchTemplateNetworkInterfaceArgs] | None,
    aws.ec2.LaunchTemplatePlacementArgs | None,
]:
    """(template security groups, network interfaces, placement) of a pool's launch template. With EFA
    interfaces the groups sit on each interface (the node group's and the pool's EFA group) and the
    template's own list stays empty: EC2 refuses both."""
    groups: list[pulumi.Input[str]] = list(security_group_ids)
    interfaces = None
    if efa_interfaces and vpc_id is not None:
        efa_group = efa_security_group(owner, name, vpc_id, label, tags)
        interfaces = efa_network_interfaces(efa_interfaces, [*groups, efa_group.id])
    placement = None
    if compact:
        group = cluster_placement_group(owner, name, label, tags)
        placement = aws.ec2.LaunchTemplatePlacementArgs(group_name=group.name)
    return (None if interfaces else groups), interfaces, placement


def fabric_pool_args(
    pool: NodePoolSpec, machine: str, network: Network, zone_ids: Sequence[str]
) -> dict[str, Any]:
    """`NodePoolArgs`' subnets, EFA interfaces, EFA group VPC and placement for a spec pool. Subnets: a
    reserved pool's are its reservation's zone's; a fabric or compact pool lives in one zone, the first
    private subnet's; any other pool spans them all."""
    fabric = pool.fabric == "auto"
    subnets = network.private_subnet_ids
    if pool.reserved_zone is not None:
        chosen = pool_subnets(subnets, zone_ids, pool)
    else:
        chosen = list(subnets[:1] if fabric or pool.compact else subnets)
    return {
        "subnet_ids": chosen,
        "efa_interfaces": efa_layout(machine) if fabric else (),
        "vpc_id": network.vpc_id if fabric else None,
        "compact": pool.compact,
    }
