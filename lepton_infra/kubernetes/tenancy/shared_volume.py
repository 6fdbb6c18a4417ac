"""A tenant's directory of the platform's shared filesystem, mounted from its namespace only: a
PersistentVolume bound in advance (`claimRef`) to the claim `shared` in the tenant's namespace, and that
claim. No StorageClass: nothing is provisioned, and no other namespace's claim can bind the volume (a PV
with a claimRef binds only to that claim). Tenants cannot make their own PersistentVolumes (cluster-scoped;
their admin Role is namespaced), and the CSI drivers used here declare only the `Persistent` lifecycle
mode, so a pod cannot name the driver inline either."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.core.cluster_handle import SharedVolume
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.meta import TENANT_LABEL, common_labels

CLAIM_NAME = "shared"


def volume_name(tenant: str) -> str:
    """The PersistentVolume's (cluster-wide) name for a tenant's directory."""
    return f"lepton-shared-{tenant}"


def tenant_shared_volume(
    name: str,
    tenant: str,
    namespace: pulumi.Input[str],
    volume: SharedVolume,
    depends_on: list[pulumi.Resource],
    opts: pulumi.ResourceOptions,
) -> tuple[k8s.core.v1.PersistentVolume, k8s.core.v1.PersistentVolumeClaim]:
    labels = {**common_labels("shared-filesystem", "storage"), TENANT_LABEL: tenant}
    size = f"{volume.capacity_gib}Gi"
    pv = k8s.core.v1.PersistentVolume(
        child_name(name, "pv"),
        metadata=k8s.meta.v1.ObjectMetaArgs(name=volume_name(tenant), labels=labels),
        spec=k8s.core.v1.PersistentVolumeSpecArgs(
            capacity={"storage": size},
            access_modes=["ReadWriteMany"],
            volume_mode="Filesystem",
            # The data is the tenant's: deleting the claim never deletes the directory.
            persistent_volume_reclaim_policy="Retain",
            storage_class_name="",
            mount_options=list(volume.mount_options) or None,
            claim_ref=k8s.core.v1.ObjectReferenceArgs(namespace=namespace, name=CLAIM_NAME),
            csi=k8s.core.v1.CSIPersistentVolumeSourceArgs(
                driver=volume.driver,
                volume_handle=volume.volume_handle,
                volume_attributes=dict(volume.attributes),
            ),
        ),
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=list(volume.ready))),
    )
    claim = k8s.core.v1.PersistentVolumeClaim(
        child_name(name, "claim"),
        metadata=k8s.meta.v1.ObjectMetaArgs(name=CLAIM_NAME, namespace=namespace, labels=labels),
        spec=k8s.core.v1.PersistentVolumeClaimSpecArgs(
            access_modes=["ReadWriteMany"],
            storage_class_name="",
            volume_name=volume_name(tenant),
            resources=k8s.core.v1.VolumeResourceRequirementsArgs(requests={"storage": size}),
        ),
        opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(depends_on=[pv, *depends_on])),
    )
    return pv, claim
