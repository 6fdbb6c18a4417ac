"""The AKS cluster's two user-assigned identities (control plane, kubelet) and the control plane's grants
(`Cluster` creates them). User-assigned, so every grant exists before the cluster does: KMS refuses a
cluster whose identity cannot reach the key yet, and a system-assigned identity would only exist
afterwards."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import managedidentity

from lepton_infra.azure.roles import grant
from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name, physical_name


@dataclass(frozen=True)
class ClusterIdentities:
    control_plane: managedidentity.UserAssignedIdentity
    kubelet: managedidentity.UserAssignedIdentity
    grants: list[pulumi.Resource]  # the control plane's


def reservation_group_scopes(group_ids: Sequence[str]) -> list[str]:
    """The resource groups (their ids) holding the capacity reservation groups, each once, sorted."""
    return sorted({gid.split("/providers/", 1)[0] for gid in group_ids})


def reservation_group_grants(
    name: str,
    principal_id: pulumi.Input[str],
    group_ids: Sequence[str],
    subscription_id: str,
    opts: pulumi.ResourceOptions,
) -> list[pulumi.Resource]:
    """Node pools in a capacity reservation group: AKS requires the cluster's user-assigned identity to hold
    Contributor on the group's resource group before the pool is associated ("Assign capacity reservation
    groups to AKS node pools", Prerequisites; learn.microsoft.com/azure/aks/use-capacity-reservation-groups,
    read 2026-12-07). One grant per resource group (Azure refuses a second identical role assignment); the
    pools in a group wait for them. None without such a pool."""
    return [
        grant(
            child_name(name, f"crg-access-{i}"),
            principal_id=principal_id,
            role="Contributor",
            scope=scope,
            subscription_id=subscription_id,
            opts=opts,
        )
        for i, scope in enumerate(reservation_group_scopes(group_ids))
    ]


def cluster_identities(
    owner: Component,
    name: str,
    *,
    name_prefix: str,
    resource_group_name: pulumi.Input[str],
    location: str,
    tags: Mapping[str, str],
    subscription_id: str,
    key_id: pulumi.Input[str],
    etcd_key_id: pulumi.Input[str] | None,
    node_subnet_id: pulumi.Input[str],
    api_server_subnet_id: pulumi.Input[str],
    disk_encryption_set_id: pulumi.Input[str],
) -> ClusterIdentities:
    def identity(role: str) -> managedidentity.UserAssignedIdentity:
        return managedidentity.UserAssignedIdentity(
            child_name(name, f"{role}-identity"),
            resource_name_=physical_name(name_prefix, "aks", role, limit="azure:generic"),
            resource_group_name=resource_group_name,
            location=location,
            tags=dict(tags),
            opts=owner.child_opts(),
        )

    control_plane = identity("control-plane")
    kubelet = identity("kubelet")

    def to_control_plane(role_name: str, role: str, scope: pulumi.Input[str]) -> pulumi.Resource:
        return grant(
            child_name(name, role_name),
            principal_id=control_plane.principal_id,
            role=role,
            scope=scope,
            subscription_id=subscription_id,
            opts=owner.child_opts(),
        )

    grants = [
        # etcd encryption (KMS): encrypt/decrypt with the key, nothing else in the vault. Kept on the
        # platform key when etcd has its own: Secrets written before the move stay readable until the
        # runbook rewrites them (docs/azure.md, "Key rotation").
        to_control_plane("kms-key-access", "Key Vault Crypto User", key_id),
        *(
            [to_control_plane("kms-etcd-key-access", "Key Vault Crypto User", etcd_key_id)]
            if etcd_key_id is not None
            else []
        ),
        # Join the node and API-server subnets (and their NAT gateway, through the subnet).
        to_control_plane("node-subnet-access", "Network Contributor", node_subnet_id),
        to_control_plane("apiserver-subnet-access", "Network Contributor", api_server_subnet_id),
        # Assign the kubelet identity to the node scale sets.
        to_control_plane("kubelet-operator", "Managed Identity Operator", kubelet.id),
        # Read the Disk Encryption Set when provisioning CMK disks.
        to_control_plane("des-reader", "Reader", disk_encryption_set_id),
    ]
    return ClusterIdentities(control_plane, kubelet, grants)
