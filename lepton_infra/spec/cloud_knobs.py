"""Per-cloud settings that have no cloud-agnostic meaning. Only the chosen cloud's block may be set."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from lepton_infra.spec.base import SpecModel

IamRoleArn = Annotated[str, StringConstraints(pattern=r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$")]


class AwsKnobs(SpecModel):
    admin_role_arns: list[IamRoleArn] = Field(
        default_factory=list,
        description="IAM roles given cluster-admin through EKS access entries. Default none (the "
        "creator keeps admin).",
    )
    addon_versions: dict[str, str] = Field(
        default_factory=dict,
        description="Pinned EKS add-on versions by add-on name; unpinned add-ons use the most recent "
        "version compatible with the cluster.",
    )
    interface_endpoints: bool | None = Field(
        default=None,
        description="Private interface endpoints (ECR, STS, logs, EC2). Default: on in prod, off "
        "otherwise (each costs about $7/month per zone).",
    )


class GcpKnobs(SpecModel):
    project: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")] = Field(
        description="GCP project id."
    )
    billing_account: Annotated[str, StringConstraints(pattern=r"^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$")] | None = (
        Field(default=None, description="Billing account id (XXXXXX-XXXXXX-XXXXXX) for the budget. "
              "Required when `budget` is set.")
    )
    release_channel: Literal["RAPID", "REGULAR", "STABLE"] = Field(
        default="REGULAR", description="GKE release channel. Default REGULAR."
    )


EntraObjectId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$")]


class AzureKnobs(SpecModel):
    subscription_id: EntraObjectId = Field(description="Azure subscription id.")
    resource_group: Annotated[str, StringConstraints(pattern=r"^[-\w._()]{1,89}[-\w_()]$")] | None = Field(
        default=None,
        description="An existing resource group to deploy into (created and owned elsewhere; the budget "
        "is scoped to it). Default: the platform creates `<name>-<environment>-rg`.",
    )
    admin_group_object_ids: list[EntraObjectId] = Field(
        default_factory=list,
        description="Entra ID group object ids made cluster-admin (aadProfile.adminGroupObjectIDs). Local "
        "accounts are disabled, so every login goes through Entra ID; the identity running `pulumi up` "
        "is granted `Azure Kubernetes Service RBAC Cluster Admin` on the cluster. Default none.",
    )
    deployer_principal_type: Literal["User", "ServicePrincipal"] = Field(
        default="User",
        description="What runs `pulumi up`: a `User` (az login) or a `ServicePrincipal` (CI with a service "
        "principal, managed identity or workload identity federation). It is granted Kubernetes admin on the "
        "cluster, and Azure checks the principal type of a role assignment. Default User.",
    )
    upgrade_channel: Literal["patch", "stable", "rapid", "none"] = Field(
        default="patch",
        description="AKS cluster auto-upgrade channel. Default `patch`: the latest patch of "
        "`cluster.version`, so the minor version stays the one the spec pins. `node-image` is not offered: "
        "node images follow `node_os_upgrade_channel`.",
    )
    node_os_upgrade_channel: Literal["NodeImage", "SecurityPatch", "Unmanaged", "None"] = Field(
        default="NodeImage",
        description="AKS node OS upgrade channel. Default `NodeImage`: weekly node images with OS and "
        "GPU-driver fixes, rolled out by AKS.",
    )
    network_watcher_resource_group: str = Field(
        default="NetworkWatcherRG",
        description="Resource group of the subscription's Network Watcher for the region (Azure creates "
        "`NetworkWatcher_<region>` there with the first virtual network). The VNet flow log is created in it.",
    )
