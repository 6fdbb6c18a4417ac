"""The `azure:` block of the spec: settings that have no cloud-agnostic meaning. Only the chosen cloud's
block may be set."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from lepton_infra.core.env_defaults import EnvDefault
from lepton_infra.core.spec_model import SpecModel, described

EntraObjectId = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$",
            "a lowercase GUID (`00000000-0000-0000-0000-000000000000`)",
        )
    ),
]


AzureDnsZoneId = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^/subscriptions/[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}/resourceGroups/[-\w._()]+/providers/"
            r"Microsoft\.Network/dnszones/[a-z0-9.-]+$",
            "a DNS zone resource id: "
            "`/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/dnszones/<zone>`",
        )
    ),
]


class AzureKnobs(SpecModel):
    subscription_id: Annotated[
        str,
        StringConstraints(
            pattern=described(
                r"^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$",
                "a subscription id: a lowercase GUID (`00000000-0000-0000-0000-000000000000`)",
            )
        ),
    ] = Field(description="Azure subscription id.")
    resource_group: (
        Annotated[
            str,
            # The length is its own constraint: a bounded repeat of the Unicode class `\w` ({1,89}) made
            # pydantic-core's regex compile for about 30 ms at every import of the spec.
            StringConstraints(
                max_length=90,
                pattern=described(
                    r"^[-\w._()]*[-\w_()]$",
                    "a resource group name: up to 90 letters, digits, '-', '_', '.', "
                    "'(' or ')', not ending in '.'",
                ),
            ),
        ]
        | None
    ) = Field(
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
        "cluster, and ARM refuses a role assignment whose principal type is not the principal's "
        "(UnmatchedPrincipalType). A private (prod) cluster is deployed from a runner in its VNet, usually a "
        "managed identity or service principal: ServicePrincipal. Default User.",
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
    system_pool_hosts_platform: bool | None = Field(
        default=None,
        description="AKS's own system-mode pool (`sys`, which AKS requires, inline in the cluster) is also "
        "the spec's system pool: it takes that pool's machine, node counts and labels, carries no "
        "CriticalAddonsOnly taint, and the platform's pods run on it beside kube-system; no second "
        "always-on CPU pool is created. Default: on in dev (saves the second pool's minimum: one "
        "Standard_D4s_v5, about $140 a month), off in staging and prod, where kube-system keeps a tainted "
        "pool of its own so AKS upgrades and system pressure never compete with the platform. The plan's "
        "`system_pool_fit` checks that the one pool holds the platform's pods. On a running cluster "
        "AKS does not retaint or relabel the inline pool (the platform never edits it after creation): "
        "switching it on there deletes the spec's system pool; first run `az aks nodepool update "
        "--name sys --node-taints '' --labels lepton.ai/pool=<system pool>` (docs/azure.md).",
    )
    network_watcher_resource_group: str = Field(
        default="NetworkWatcherRG",
        description="Resource group of the subscription's Network Watcher for the region (Azure creates "
        "`NetworkWatcher_<region>` there with the first virtual network). The VNet flow log is created "
        "in it.",
    )
    dns_zone_id: AzureDnsZoneId | None = Field(
        default=None,
        description="Resource id of the public Azure DNS zone serving `network.domain` "
        "(`/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Network/dnszones/<zone>`): with "
        "`network.tls_issuer: acme` cert-manager proves each host by DNS-01 as a workload identity holding "
        "`DNS Zone Contributor` on this zone only; with `network.dns_records` each public host's A record is "
        "written here (the zone itself is never created or changed). Required for acme, and for public "
        "services with `network.dns_records`. Default none.",
    )


# What the `azure:` knobs default to per environment, as rows the validator fills (spec/defaults.py reads
# every cloud's): none. Those that follow the environment are decided when the knobs are resolved
# (profiles/azure/resolved.py), as each field's description says.
ENVIRONMENT_DEFAULTS: tuple[EnvDefault, ...] = ()
