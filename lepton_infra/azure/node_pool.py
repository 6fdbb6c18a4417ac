"""`azure.NodePool`: one AKS user pool (an `AgentPool` of its own, never an inline profile), CPU or
GPU, on-demand or spot, autoscaled by AKS's cluster autoscaler from `min_nodes` to `max_nodes`."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import pulumi
from pulumi_azure_native import containerservice

from lepton_infra.azure.planning import AKS_ZONES, pool_shape
from lepton_infra.catalog import choose_machine
from lepton_infra.core.args import at_least, at_most, known, renamed_fields
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.profiles.azure import PROFILE as AZURE
from lepton_infra.profiles.azure.limits import MAX_OS_DISK_GB, SYSTEM_POOL_NAME
from lepton_infra.profiles.azure.tags import AZURE_TAGS
from lepton_infra.spec import ClusterSpec, NodePoolSpec
from lepton_infra.spec.problems import like_spec_field, machine_problems, node_pool_args_problems


@renamed_fields(extra_labels="labels")
@dataclass
class NodePoolArgs(ComponentArgs):
    resource_group_name: pulumi.Input[str]
    """The cluster's resource group (its name)."""
    cluster_name: pulumi.Input[str]
    """The AKS cluster (its name) the pool joins."""
    pool_name: str
    """The AKS pool's name and its `lepton.ai/pool` node label: up to 12 lowercase letters and digits, not
    `sys` (the spec's `node_pools[].name`)."""
    node_subnet_id: pulumi.Input[str]
    """The nodes' subnet (its id)."""
    kubernetes_version: str | None = None
    """The pool's Kubernetes minor (`orchestratorVersion`), the cluster's `cluster.version`: a change moves
    the pool through the per-pool API after the control plane (the pool depends on the cluster). Default:
    none, AKS picks the control plane's at creation and never moves the pool (docs/upgrades.md)."""
    min_nodes: int = 0
    """Fewest nodes AKS's cluster autoscaler keeps. Default: 0 (a pool scales from zero)."""
    max_nodes: int = 2
    """Most nodes the autoscaler may start. Default: 2."""
    initial_nodes: int | None = None
    """Nodes at creation; the autoscaler owns the count afterwards (ignored on update). Default:
    `min_nodes`."""
    gpu_type: str | None = None
    """Catalog GPU key (e.g. `t4`): the VM size comes from the catalog, with the `nvidia.com/gpu` taint and
    the AKS-installed driver. Default: none, a CPU pool."""
    gpu_count: int = 1
    """GPUs per node (the catalog picks a VM size with that many). Default: 1."""
    cpu_class: str | None = None
    """Catalog CPU class of a CPU pool. Default: `standard-4`."""
    machine_type: str | None = None
    """An explicit catalog VM size; wins over the catalog's choice. Default: none, the catalog chooses."""
    spot: bool = False
    """Spot VMs (evicted nodes are deleted; the price cap is the on-demand price). Default: on-demand."""
    reserved: bool = False
    """prod: the pool holds the services kept running and only they land on it (the taint
    `lepton.ai/reserved=kept-running:NoSchedule`, core/conventions.py). Default: off."""
    disk_gb: int = 100
    """OS disk size in GiB (a managed disk on the cluster's Disk Encryption Set, at most 2048). Default:
    100."""
    zones: int = 3
    """Availability zones a CPU pool spreads over (1 to 3); GPU pools stay regional (GPU sizes are not in
    every zone). Default: 3."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Extra Kubernetes node labels; the platform's own (`lepton.ai/pool`, GPU labels) win on a clash.
    Default: none."""
    capacity_reservation_group_id: str | None = None
    """A capacity reservation group (its resource id) the pool's VMs are placed in, so they draw on its
    reserved capacity ("Assign capacity reservation groups to AKS node pools", read 2026-12-07; the cluster
    identity needs Contributor on its resource group: `ClusterArgs.capacity_reservation_groups`). Spot VMs
    cannot use one. Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Azure tags on every resource (the platform's: `team`, `cost-center`, ...), checked against Azure's tag
    rules. Default: none."""

    def problems(self) -> Iterator[Problem]:
        # AKS pool names: up to 12 lowercase letters and digits (the profile's rule); min <= max.
        yield from node_pool_args_problems(
            self.pool_name, self.min_nodes, self.max_nodes, AZURE.pool_name, "AKS node pool"
        )
        if self.pool_name == SYSTEM_POOL_NAME:
            yield Problem(
                "pool_name",
                self.pool_name,
                f"the AKS system pool is called '{SYSTEM_POOL_NAME}'",
                "rename the pool",
            )
        initial = self.initial_nodes
        if known(initial) and initial is not None and not self.min_nodes <= initial <= self.max_nodes:
            yield Problem(
                "initial_nodes",
                initial,
                f"outside [min_nodes {self.min_nodes}, max_nodes {self.max_nodes}]: AKS refuses a count "
                "outside the autoscaler's range",
                "set it between min_nodes and max_nodes, or leave it unset",
            )
        yield from machine_problems(
            "azure",
            "Azure",
            gpu_type=self.gpu_type,
            gpu_count=self.gpu_count,
            cpu_class=self.cpu_class,
            machine_type=self.machine_type,
        )
        if self.kubernetes_version is not None:
            yield from like_spec_field("kubernetes_version", self.kubernetes_version, ClusterSpec, "version")
        yield from like_spec_field("disk_gb", self.disk_gb, NodePoolSpec, "disk_gb")
        yield from at_most(
            "disk_gb", self.disk_gb, MAX_OS_DISK_GB, f"AKS OS disks are at most {MAX_OS_DISK_GB} GiB"
        )
        yield from at_least("zones", self.zones, 1)
        yield from at_most(
            "zones", self.zones, AKS_ZONES, f"Azure regions have {AKS_ZONES} availability zones"
        )
        yield from like_spec_field("labels", dict(self.labels), NodePoolSpec, "labels")
        if self.capacity_reservation_group_id is not None and self.spot:
            yield Problem("spot", True, "spot VMs cannot use a capacity reservation group", "set spot=False")
        yield from AZURE_TAGS.problems(self.tags)


class NodePool(Component):
    TOKEN = "lepton:azure:NodePool"

    def __init__(self, name: str, args: NodePoolArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        machine = choose_machine(
            "azure",
            gpu=args.gpu_type,
            gpu_count=args.gpu_count,
            cpu_class=args.cpu_class,
            explicit=args.machine_type,
        )
        shape = pool_shape(
            args.pool_name,
            gpu_type=args.gpu_type,
            spot=args.spot,
            zones=args.zones,
            extra_labels=args.labels,
            reserved=args.reserved,
        )
        self.machine_type = machine.name
        self.pool = containerservice.AgentPool(
            child_name(name, "pool"),
            agent_pool_name=args.pool_name,
            resource_name_=args.cluster_name,
            resource_group_name=args.resource_group_name,
            mode="User",
            os_type="Linux",
            os_sku="Ubuntu",
            vm_size=machine.name,
            # A minor upgrade of a separate AgentPool is a per-pool operation on its own
            # `orchestratorVersion`: the managed cluster's `kubernetesVersion` moves the control plane
            # and leaves such pools where they are (pulumi/pulumi-azure-native#2094, "upgrades not
            # applying to agentpool", read 2026-12-07). Per pool, the control plane strictly first, is
            # also the only order AKS accepts while a Spot pool exists (learn.microsoft.com/azure/aks/
            # spot-node-pool, Limitations, ms.date 2025-04-06, read 2026-12-07). `<major>.<minor>`: AKS
            # takes the newest patch and re-sending the same minor upgrades nothing (AgentPool API).
            orchestrator_version=args.kubernetes_version,
            enable_auto_scaling=True,
            min_count=args.min_nodes,
            max_count=args.max_nodes,
            count=args.initial_nodes if args.initial_nodes is not None else args.min_nodes,
            availability_zones=shape.zones,
            vnet_subnet_id=args.node_subnet_id,
            capacity_reservation_group_id=args.capacity_reservation_group_id,
            # Host-side encryption covers the temp disk and caches too; the OS disk is a managed disk on
            # the cluster's Disk Encryption Set (our key). Ephemeral OS disks would live on the VM's local
            # disk under platform-managed keys only, breaking `disk_gb`'s promise (docs/azure.md).
            enable_encryption_at_host=True,
            os_disk_type="Managed",
            os_disk_size_gb=args.disk_gb,
            # No taints is `None`, not `[]`: AKS reads back null for an empty list, a diff on every preview.
            node_labels=shape.labels,
            node_taints=shape.taints or None,
            gpu_profile=containerservice.GPUProfileArgs(driver=shape.gpu_driver)
            if shape.gpu_driver
            else None,
            scale_set_priority=shape.priority,
            # Spot: evicted nodes are deleted (deallocated ones still bill their disks) and we pay up to
            # the on-demand price (-1), so capacity goes only when Azure needs it back.
            scale_set_eviction_policy="Delete" if args.spot else None,
            spot_max_price=-1 if args.spot else None,
            upgrade_settings=containerservice.AgentPoolUpgradeSettingsArgs(
                max_surge=shape.upgrade_max_surge, max_unavailable=shape.upgrade_max_unavailable
            )
            if shape.upgrade_max_surge
            else None,
            tags=dict(args.tags),
            # The autoscaler owns the node count after creation.
            opts=self.child_opts(ignore_changes=["count"]),
        )
        self.pool_name = self.pool.name
        self.finish({"pool_name": self.pool_name, "machine_type": self.machine_type})
