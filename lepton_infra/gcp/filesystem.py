"""`SharedFilesystem` on GCP: one Filestore instance per tenant (`filesystem.enabled`), encrypted with the
platform's key, reachable from the nodes' subnet only, mounted through GKE's Filestore CSI driver add-on.

- Why Filestore: Google Cloud Managed Lustre encrypted with a customer key cannot be used from GKE
  (managed-lustre/docs/cmek), and Parallelstore is by invitation only (docs/shared-filesystem.md).
- Zonal tier: capacity 1-9.75 TiB in 256 GiB steps, 10-100 TiB in 2.5 TiB steps (filestore/docs/service-tiers,
  read 2026-12-08; the spec refuses other sizes), throughput growing with capacity, in one zone: the
  platform's first node zone (pods in other zones mount it across zones, billed as inter-zone traffic).
- One instance per tenant, because the driver mounts a whole share: its volume id is exactly
  `modeInstance/<location>/<instance>/<share>` (kubernetes-sigs/gcp-filestore-csi-driver, pkg/csi_driver
  getFileInstanceFromID, read 2026-12-08), so a subdirectory cannot be a tenant's volume.
- `kms_key_name` = the platform key: the Filestore service agent (`service-<n>@cloud-filer…`) holds
  encrypter/decrypter on it (gcp/service_agents.py); the key id handed in resolves only once that grant has
  propagated, and the instance also names the grant in `depends_on`.
- Network: `DIRECT_PEERING` (the API default) on the platform VPC: Filestore peers its own range into the
  VPC and gives the instance a private address only (no public endpoint exists). The share's NFS export
  admits only the nodes' subnet (`nfs_export_options.ip_ranges`): the kubelet mounts from the node's address.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pulumi
import pulumi_gcp as gcp

from lepton_infra.core.cluster_handle import SharedVolume
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.gcp.planning import plan_network_layout

if TYPE_CHECKING:
    from lepton_infra.gcp.encryption import EncryptionKey
    from lepton_infra.gcp.network import Network
    from lepton_infra.spec.resolved import ResolvedPlatform

CSI_DRIVER = "filestore.csi.storage.gke.io"  # GKE's managed Filestore CSI driver
TIER = "ZONAL"
ZONAL_RANGE_GIB = ((1024, 102400),)  # the spec checks the steps (core/data/shared_filesystems.yaml)
SHARE = "shared"  # the instance's one file share (1-16 characters, letters, digits, underscores)


@dataclass
class SharedFilesystemArgs(ComponentArgs):
    project: pulumi.Input[str]
    """The project (its id)."""
    zone: pulumi.Input[str]
    """The zone every instance lives in (zonal tier): the platform's first node zone."""
    network: pulumi.Input[str]
    """The platform VPC (its id): the instances peer into it."""
    nodes_cidr: str
    """The nodes' subnet: the only range the shares are exported to."""
    key_id: pulumi.Input[str]
    """The platform key (full resource name), usable by the Filestore service agent."""
    key_grant: pulumi.Resource | None
    """The Filestore agent's encrypter/decrypter binding on the key: the instances wait for it."""
    tenants: Sequence[str]
    """The tenants, each given an instance and a volume."""
    capacity_gib: int
    """Each instance's capacity, a size the zonal tier accepts (spec/filesystem_rules.py)."""
    protect: bool
    """Protect the instances (Pulumi `protect` and Filestore deletion protection): prod."""
    name_prefix: str
    """The platform's label: the instances' names."""

    def problems(self) -> Iterator[Problem]:
        if not any(lo <= self.capacity_gib <= hi for lo, hi in ZONAL_RANGE_GIB):
            yield Problem(
                "capacity_gib", self.capacity_gib, "outside the zonal tier's sizes", "use 1024 to 102400"
            )


class SharedFilesystem(Component):
    TOKEN = "lepton:gcp:SharedFilesystem"

    def __init__(
        self, name: str, args: SharedFilesystemArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        waits = [args.key_grant] if args.key_grant else []
        self.instances = {
            tenant: gcp.filestore.Instance(
                child_name(name, tenant),
                name=physical_name(args.name_prefix, tenant, limit="gcp:generic"),
                project=args.project,
                location=args.zone,
                tier=TIER,
                kms_key_name=args.key_id,
                file_shares=gcp.filestore.InstanceFileSharesArgs(
                    name=SHARE,
                    capacity_gb=args.capacity_gib,  # GiB, despite the name (Filestore API capacityGb)
                    nfs_export_options=[
                        gcp.filestore.InstanceFileSharesNfsExportOptionArgs(
                            ip_ranges=[args.nodes_cidr],
                            access_mode="READ_WRITE",
                            squash_mode="NO_ROOT_SQUASH",
                        )
                    ],
                ),
                networks=[
                    gcp.filestore.InstanceNetworkArgs(
                        network=args.network, modes=["MODE_IPV4"], connect_mode="DIRECT_PEERING"
                    )
                ],
                deletion_protection_enabled=args.protect,
                description=f"Shared filesystem of tenant {tenant}",
                opts=self.child_opts(protect=args.protect, depends_on=waits),
            )
            for tenant in args.tenants
        }
        self.volumes: dict[str, SharedVolume] = {
            tenant: SharedVolume(
                driver=CSI_DRIVER,
                volume_handle=pulumi.Output.concat(
                    "modeInstance/", instance.location, "/", instance.name, "/", SHARE
                ),
                attributes={"ip": instance.networks[0].ip_addresses[0], "volume": SHARE},
                capacity_gib=args.capacity_gib,
                ready=(instance,),
            )
            for tenant, instance in self.instances.items()
        }
        self.finish({"instances": {t: i.name for t, i in self.instances.items()}})


def tenant_volumes(
    name: str,
    resolved: ResolvedPlatform,
    project: pulumi.Input[str],
    node_zones: pulumi.Output[list[str]],
    network: Network,
    key: EncryptionKey,
    key_id: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> Mapping[str, SharedVolume]:
    """Each tenant's volume with `filesystem.enabled` (`ClusterHandle.shared_volumes`), else none and nothing
    created."""
    spec = resolved.spec
    if not spec.filesystem.enabled:
        return {}
    args = SharedFilesystemArgs(
        project=project,
        zone=node_zones.apply(lambda zones: zones[0]),
        network=network.network_id,
        nodes_cidr=str(plan_network_layout(spec.network.cidr).nodes),
        key_id=key_id,
        key_grant=key.binding_of.get("filestore"),
        tenants=[t.name for t in spec.tenants],
        capacity_gib=resolved.filesystem_capacity_gib,
        protect=resolved.protect,
        name_prefix=resolved.name_prefix,
    )
    return SharedFilesystem(child_name(name, "filesystem"), args, opts).volumes
