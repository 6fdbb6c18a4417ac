"""Who may reach the AKS cluster through Azure RBAC (`Cluster` creates the grants): the deployer as Kubernetes
admin, and the kubeconfig for tenant and cluster admin groups. Local accounts are off, so these are the only
ways in; Kubernetes RBAC decides what a user may do once in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi

from lepton_infra.azure.roles import grant
from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name


@dataclass(frozen=True)
class ClusterAccess:
    deployer: list[pulumi.Resource]  # empty when no deployer is named
    kubeconfig: list[pulumi.Resource]


def cluster_access(
    owner: Component,
    name: str,
    *,
    cluster_id: pulumi.Input[str],
    subscription_id: str,
    deployer_object_id: pulumi.Input[str] | None,
    deployer_principal_type: str,
    kubeconfig_groups: Sequence[str],
) -> ClusterAccess:
    # Who deploys the in-cluster layer must be a Kubernetes admin (Azure RBAC): local accounts are off.
    deployer: list[pulumi.Resource] = (
        [
            grant(
                child_name(name, "deployer-admin"),
                principal_id=deployer_object_id,
                role="Azure Kubernetes Service RBAC Cluster Admin",
                scope=cluster_id,
                subscription_id=subscription_id,
                opts=owner.child_opts(),
                principal_type=deployer_principal_type,
            )
        ]
        if deployer_object_id is not None
        else []
    )
    # Tenant and cluster admins fetch the kubeconfig themselves (az aks get-credentials): the user
    # credential only, which authenticates through Entra ID (kubelogin); Kubernetes RBAC decides the rest.
    kubeconfig: list[pulumi.Resource] = [
        grant(
            child_name(name, f"kubeconfig-{group}"),
            principal_id=group,
            role="Azure Kubernetes Service Cluster User Role",
            scope=cluster_id,
            subscription_id=subscription_id,
            opts=owner.child_opts(),
            principal_type="Group",
        )
        for group in sorted(set(kubeconfig_groups))
    ]
    return ClusterAccess(deployer, kubeconfig)
