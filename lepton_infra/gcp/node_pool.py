"""`gcp.NodePool`: a GKE node pool, CPU or GPU, hardened, autoscaled by GKE's built-in autoscaler."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.args import check_args
from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name
from lepton_infra.gcp.arg_checks import node_pool_problems
from lepton_infra.gcp.node_identity import NodeServiceAccount, NodeServiceAccountArgs
from lepton_infra.gcp.planning import pool_shape

CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform"


@dataclass
class NodePoolArgs:
    project: pulumi.Input[str]
    cluster: pulumi.Input[str]  # cluster id or name
    location: pulumi.Input[str]  # the cluster's location (region or zone)
    pool_name: str  # the GKE pool name (the spec's pool name)
    key_id: pulumi.Input[str]  # the platform's Cloud KMS key (boot disks)
    min_nodes: int = 0  # over the whole pool (all zones), not per zone
    max_nodes: int = 2
    initial_nodes_per_zone: int = 0
    gpu_type: str | None = None  # catalog GPU key, e.g. "l4"
    gpu_count: int = 1
    cpu_class: str | None = None
    machine_type: str | None = None  # explicit catalog machine; wins over the catalog's choice
    spot: bool = False
    disk_gb: int = 100
    node_locations: pulumi.Input[Sequence[str]] | None = None
    # The node identity. None: the pool creates its own dedicated NodeServiceAccount (standalone use).
    service_account_email: pulumi.Input[str] | None = None
    extra_labels: Mapping[str, str] = field(default_factory=dict)
    resource_labels: Mapping[str, str] = field(default_factory=dict)  # GCE labels on the node VMs
    name_prefix: str = "lepton"
    # Nodes only through ProvisioningRequests (GKE queued provisioning, Dynamic Workload Scheduler):
    # a GPU pool for queued jobs, from 0 nodes, on-demand.
    queued_provisioning: bool = False


class NodePool(Component):
    TOKEN = "lepton:gcp:NodePool"

    def __init__(self, name: str, args: NodePoolArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        check_args(self.TOKEN, name, node_pool_problems(args))  # before anything is registered
        super().__init__(name, opts)
        shape = pool_shape(
            args.pool_name,
            gpu=args.gpu_type,
            gpu_count=args.gpu_count,
            cpu_class=args.cpu_class,
            machine_type=args.machine_type,
            extra_labels=dict(args.extra_labels),
            spot=args.spot,
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
            initial_node_count=args.initial_nodes_per_zone,
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
            upgrade_settings=gcp.container.NodePoolUpgradeSettingsArgs(
                strategy="SURGE", max_surge=shape.max_surge, max_unavailable=shape.max_unavailable
            ),
            node_config=gcp.container.NodePoolNodeConfigArgs(
                machine_type=shape.machine_type,
                guest_accelerators=accelerators,
                spot=args.spot,
                image_type="COS_CONTAINERD",
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
                reservation_affinity=gcp.container.NodePoolNodeConfigReservationAffinityArgs(
                    consume_reservation_type="NO_RESERVATION"
                )
                if queued
                else None,
                metadata={"disable-legacy-endpoints": "true"},
                labels=shape.labels,
                taints=[
                    gcp.container.NodePoolNodeConfigTaintArgs(key=t.key, value=t.value, effect=t.effect)
                    for t in shape.taints
                ],
                resource_labels={**dict(args.resource_labels), "lepton-pool": args.pool_name},
            ),
            # The autoscaler owns the size after creation; a changed initial size must not replace the pool.
            # Explicit node locations (a GPU pool's, from live machine-type lookups) are kept from creation:
            # a zone that starts or stops offering the machine never moves nodes under running jobs.
            opts=self.child_opts(ignore_changes=["initialNodeCount", *kept_locations]),
        )
        self.pool_name = self.pool.name
        self.service_account_email = email
        self.finish({"pool_name": self.pool_name, "machine_type": self.machine_type})
