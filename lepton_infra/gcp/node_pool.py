"""`gcp.NodePool`: a GKE node pool, CPU or GPU, hardened, autoscaled by GKE's built-in autoscaler."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.args import at_least, known, renamed_fields
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.gcp.node_identity import NodeServiceAccount, NodeServiceAccountArgs
from lepton_infra.gcp.planning import initial_nodes_per_zone, pool_shape
from lepton_infra.profiles.gcp import PROFILE as GCP
from lepton_infra.spec import NodePoolSpec
from lepton_infra.spec.problems import like_spec_field, machine_problems, node_pool_args_problems

# How many zones a pool spans when the caller does not say: a regional GKE cluster's default node
# locations (three zones of its region).
DEFAULT_ZONES = 3
CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


def _per_zone_to_total(per_zone: Any, kwargs: dict[str, Any]) -> Any:
    """`initial_nodes_per_zone` (before 0.2.0) counted per zone; `initial_nodes` counts the pool."""
    return per_zone * kwargs.get("zones", DEFAULT_ZONES)


@renamed_fields(
    initial_nodes_per_zone=("initial_nodes", _per_zone_to_total),
    extra_labels="labels",
    resource_labels="tags",
)
@dataclass
class NodePoolArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The GCP project (its id) the resources are created in."""
    cluster: pulumi.Input[str]
    """The GKE cluster (its id or name) the pool joins."""
    location: pulumi.Input[str]
    """The cluster's location (region or zone)."""
    pool_name: str
    """The GKE pool's name and its `lepton.ai/pool` node label (the spec's `node_pools[].name`)."""
    key_id: pulumi.Input[str]
    """The platform's Cloud KMS key (its id): the boot disks are encrypted with it."""
    min_nodes: int = 0
    """Fewest nodes the autoscaler keeps, over the whole pool (all zones), not per zone. Default: 0 (a pool
    scales from zero)."""
    max_nodes: int = 2
    """Most nodes the autoscaler may start, over the whole pool. Default: 2."""
    initial_nodes: int | None = None
    """Nodes at creation, over the whole pool (GKE gets it per zone: spread over `zones`, rounded up, never
    above `max_nodes`); the autoscaler owns the count afterwards. Default: `min_nodes`."""
    gpu_type: str | None = None
    """Catalog GPU key (e.g. `l4`): the machine type and accelerator come from the catalog, with the
    `nvidia.com/gpu` taint and GKE-installed drivers. Default: none, a CPU pool."""
    gpu_count: int = 1
    """GPUs per node (the catalog picks a machine with that many). Default: 1."""
    cpu_class: str | None = None
    """Catalog CPU class of a CPU pool. Default: `standard-4`."""
    machine_type: str | None = None
    """An explicit catalog machine type; wins over the catalog's choice. Default: none, the catalog
    chooses."""
    spot: bool = False
    """Spot VMs. Default: on-demand."""
    image_streaming: bool = False
    """GKE image streaming (`gcfsConfig`): containers start while eligible images (Artifact Registry, public
    Docker Hub) stream in; needs the Container File System API on and, with a custom node service account,
    Service Usage Consumer on it (gcp/node_identity.py). Default: off (whole images pulled)."""
    disk_gb: int = 100
    """Boot disk size in GiB, encrypted with `key_id`. Default: 100."""
    node_locations: pulumi.Input[Sequence[str]] | None = None
    """The zones the pool's nodes run in. Default: the cluster's node locations."""
    service_account_email: pulumi.Input[str] | None = None
    """The nodes' service account. Default: the pool creates its own dedicated `NodeServiceAccount`
    (standalone use)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Extra Kubernetes node labels; the platform's own (`lepton.ai/pool`, GPU labels) win on a clash.
    Default: none."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """GCP resource labels on the node VMs (`lepton-pool` is added). Default: none."""
    zones: int = DEFAULT_ZONES
    """How many zones the pool's nodes span (`node_locations`, else the cluster's): `initial_nodes` is spread
    over them. Default: 3, a regional cluster's."""
    name_prefix: str = "lepton"
    """Prefix of the pool's own service account (`<prefix>-<pool_name>`) when it makes one. Default:
    `lepton`."""
    balanced_zones: bool = False
    """Scale a GPU pool up evenly across its zones (GKE location policy BALANCED) instead of wherever
    capacity is highest (ANY): for the pools holding services kept running, so one zone's outage never
    takes every replica. Costs nothing; best effort (GKE's words), not a guarantee. Default: off (ANY;
    CPU pools are BALANCED unless spot)."""
    reserved: bool = False
    """prod: the pool holds the services kept running and only they land on it (the taint
    `lepton.ai/reserved=kept-running:NoSchedule`, core/conventions.py). Default: off."""
    queued_provisioning: bool = False
    """Nodes only through ProvisioningRequests (GKE queued provisioning, Dynamic Workload Scheduler): an
    on-demand GPU pool for queued jobs, from 0 nodes. Default: off."""

    compute_class: str | None = None
    """The capacity-fallback ComputeClass the pool is enrolled in (`gcp.capacity_fallback`): its node label
    and NoSchedule taint `cloud.google.com/compute-class=<class>` (profiles/gcp/compute_class.py); only
    pods that tolerate the taint land on the pool. Default: none."""
    reservation: str | None = None
    """A Compute Engine specific reservation (its name, in `project`) the nodes consume: reservation
    affinity `SPECIFIC_RESERVATION` (GKE "Consuming reserved zonal resources", read 2026-12-07). The
    reservation is zonal: set `node_locations` to its zone. Default: none (GKE's default affinity)."""

    compact: bool = False
    """Node pool placement policy COMPACT: the nodes close together in one zone (GKE "Define compact placement
    for GKE nodes", read 2026-12-08; spec/gke_placement.py has the machines GKE allows). Set only at creation:
    changing it replaces the pool. Needs one zone. Default: off."""

    def problems(self) -> Iterator[Problem]:
        if self.compact and self.zones != 1:
            yield Problem(
                "zones", self.zones, "GKE places a compact pool in one zone", "set zones=1 with compact=True"
            )
        if self.compact and self.reservation is not None:
            yield Problem(
                "compact",
                True,
                "compact placement is not combined with a specific reservation (spec/fabric_rules.py)",
                "set compact=False on a reserved pool",
            )
        yield from node_pool_args_problems(
            self.pool_name, self.min_nodes, self.max_nodes, GCP.pool_name, "node pool"
        )
        if self.reservation is not None and (self.spot or self.queued_provisioning):
            yield Problem(
                "reservation",
                self.reservation,
                "spot and queued-provisioning (flex-start) nodes consume no reservation",
                "set spot=False and queued_provisioning=False, or drop the reservation",
            )
        initial = self.initial_nodes
        if initial is not None and known(initial) and not self.min_nodes <= initial <= self.max_nodes:
            yield Problem(
                "initial_nodes",
                initial,
                f"outside [min_nodes {self.min_nodes}, max_nodes {self.max_nodes}]",
                "set it between min_nodes and max_nodes, or leave it unset",
            )
        yield from at_least("zones", self.zones, 1)
        yield from like_spec_field("disk_gb", self.disk_gb, NodePoolSpec, "disk_gb")
        if self.queued_provisioning and (
            self.gpu_type is None or self.spot or self.min_nodes or self.initial_nodes
        ):
            yield Problem(
                "queued_provisioning",
                True,
                "GKE queued provisioning is for on-demand GPU pools starting from 0 nodes",
                "set gpu_type, spot=False, min_nodes=0, initial_nodes=0",
            )
        yield from machine_problems(
            "gcp",
            "GCP",
            gpu_type=self.gpu_type,
            gpu_count=self.gpu_count,
            cpu_class=self.cpu_class,
            machine_type=self.machine_type,
        )


# The label key a specific reservation is named by (GKE API ReservationAffinity; GKE "Consuming reserved
# zonal resources", read 2026-12-07).
RESERVATION_NAME_KEY = "compute.googleapis.com/reservation-name"


def reservation_affinity(
    reservation: str | None, queued: bool
) -> gcp.container.NodePoolNodeConfigReservationAffinityArgs | None:
    """A specific reservation's affinity; queued provisioning's `NO_RESERVATION` (GKE requires it); else
    none (GKE's default)."""
    if reservation is not None:
        return gcp.container.NodePoolNodeConfigReservationAffinityArgs(
            consume_reservation_type="SPECIFIC_RESERVATION", key=RESERVATION_NAME_KEY, values=[reservation]
        )
    if queued:
        return gcp.container.NodePoolNodeConfigReservationAffinityArgs(
            consume_reservation_type="NO_RESERVATION"
        )
    return None


class NodePool(Component):
    TOKEN = "lepton:gcp:NodePool"

    def __init__(self, name: str, args: NodePoolArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        shape = pool_shape(
            args.pool_name,
            gpu=args.gpu_type,
            gpu_count=args.gpu_count,
            cpu_class=args.cpu_class,
            machine_type=args.machine_type,
            extra_labels=dict(args.labels),
            spot=args.spot,
            balanced=args.balanced_zones,
            reserved=args.reserved,
            compute_class=args.compute_class,
        )
        email = args.service_account_email
        if email is None:
            self.identity: NodeServiceAccount | None = NodeServiceAccount(
                child_name(name, "identity"),
                NodeServiceAccountArgs(
                    project=args.project, name_prefix=f"{args.name_prefix}-{args.pool_name}"
                ),
                opts=self.child_opts(),
            )
            email = self.identity.email
        else:
            self.identity = None
        queued = args.queued_provisioning
        accelerators = None
        if shape.accelerator is not None:
            accelerators = [
                gcp.container.NodePoolNodeConfigGuestAcceleratorArgs(
                    type=shape.accelerator.type,
                    count=shape.accelerator.count,
                    # GKE installs and upgrades the NVIDIA driver with the node image; GKE also runs the
                    # device plugin. The in-cluster GPU stack must not install either.
                    gpu_driver_installation_config=gcp.container.NodePoolNodeConfigGuestAcceleratorGpuDriverInstallationConfigArgs(
                        gpu_driver_version="DEFAULT"
                    ),
                )
            ]
        self.machine_type = shape.machine_type
        kept_locations = ["nodeLocations"] if args.node_locations is not None else []
        self.pool = gcp.container.NodePool(
            child_name(name, "pool"),
            name=args.pool_name,
            project=args.project,
            cluster=args.cluster,
            location=args.location,
            node_locations=args.node_locations,
            # GKE sizes a pool per zone: the pool's initial total spread over its zones.
            initial_node_count=initial_nodes_per_zone(
                args.min_nodes if args.initial_nodes is None else args.initial_nodes,
                args.zones,
                args.max_nodes,
            ),
            autoscaling=gcp.container.NodePoolAutoscalingArgs(
                # Totals over every zone of the pool: the spec counts nodes, not nodes per zone.
                total_min_node_count=args.min_nodes,
                total_max_node_count=args.max_nodes,
                # Queued provisioning takes capacity from whichever zone has it (GKE requires ANY).
                location_policy="ANY" if queued else shape.location_policy,
            ),
            # GKE's queued-provisioning pools are created with auto-repair off ("Create a node pool" in
            # "Deploy GPUs for batch and AI workloads with Dynamic Workload Scheduler"): a repair would
            # recreate a node outside the request that provisioned it.
            management=gcp.container.NodePoolManagementArgs(auto_repair=not queued, auto_upgrade=True),
            queued_provisioning=gcp.container.NodePoolQueuedProvisioningArgs(enabled=True)
            if queued
            else None,
            # Flex-start / queued-provisioning pools upgrade with GKE's SHORT_LIVED strategy, "the dedicated
            # upgrade strategy for QueuedProvisioning and flex start node pools" (GKE API
            # NodePoolUpdateStrategy; "Node pool upgrade strategies": flex-start nodes use short-lived
            # upgrades; read 2026-12-07). The provider's `strategy` accepts only SURGE and BLUE_GREEN
            # (terraform-provider-google node pool schema), so such a pool leaves the block out and GKE
            # chooses; a SURGE block there is refused or differs from what GKE reads back on every `up`.
            upgrade_settings=None
            if queued
            else gcp.container.NodePoolUpgradeSettingsArgs(
                strategy="SURGE", max_surge=shape.max_surge, max_unavailable=shape.max_unavailable
            ),
            placement_policy=gcp.container.NodePoolPlacementPolicyArgs(type="COMPACT")
            if args.compact
            else None,
            node_config=gcp.container.NodePoolNodeConfigArgs(
                machine_type=shape.machine_type,
                guest_accelerators=accelerators,
                spot=args.spot,
                image_type="COS_CONTAINERD",
                gcfs_config=gcp.container.NodePoolNodeConfigGcfsConfigArgs(enabled=True)
                if args.image_streaming
                else None,
                disk_type="pd-balanced",
                disk_size_gb=args.disk_gb,
                boot_disk_kms_key=args.key_id,
                service_account=email,
                # Access is governed by the service account's IAM roles, not legacy scopes.
                oauth_scopes=[CLOUD_PLATFORM_SCOPE],
                shielded_instance_config=gcp.container.NodePoolNodeConfigShieldedInstanceConfigArgs(
                    enable_secure_boot=True, enable_integrity_monitoring=True
                ),
                # Pods see the GKE metadata server (Workload Identity), never the node's credentials.
                workload_metadata_config=gcp.container.NodePoolNodeConfigWorkloadMetadataConfigArgs(
                    mode="GKE_METADATA"
                ),
                gvnic=gcp.container.NodePoolNodeConfigGvnicArgs(enabled=True),
                # Queued provisioning is flex-start capacity: GKE's guide for it ("Run a large-scale
                # workload with flex-start with queued provisioning", read 2026-12-07) creates the pool with
                # both --flex-start and --enable-queued-provisioning (GKE 1.32.2-gke.1652000 or later).
                # Flex-start VMs run at most seven days, are billed at Dynamic Workload Scheduler prices
                # and draw on the region's preemptible GPU quota (Google Cloud blog "Introducing Flex-start
                # VMs", 2025-09-25), not the on-demand one.
                flex_start=True if queued else None,
                # Queued provisioning obtains its own capacity; GKE requires it not to consume reservations.
                reservation_affinity=reservation_affinity(args.reservation, queued),
                metadata={"disable-legacy-endpoints": "true"},
                labels=shape.labels,
                taints=[
                    gcp.container.NodePoolNodeConfigTaintArgs(key=t.key, value=t.value, effect=t.effect)
                    for t in shape.taints
                ],
                resource_labels={**dict(args.tags), "lepton-pool": args.pool_name},
            ),
            # The autoscaler owns the size after creation; a changed initial size must not replace the pool.
            # Explicit node locations (a GPU pool's, from live machine-type lookups) are kept from creation:
            # a zone that starts or stops offering the machine never moves nodes under running jobs.
            opts=self.child_opts(ignore_changes=["initialNodeCount", *kept_locations]),
        )
        self.pool_name = self.pool.name
        self.service_account_email = email
        self.finish({"pool_name": self.pool_name, "machine_type": self.machine_type})
