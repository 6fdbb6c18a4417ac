"""Per-cloud settings that have no cloud-agnostic meaning. Only the chosen cloud's block may be set."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from lepton_infra.spec.base import SpecModel, described

IamRoleArn = Annotated[str, StringConstraints(pattern=described(
    r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$",
    "an IAM role ARN: `arn:aws:iam::<12-digit account>:role/<name>`"))]
ServiceLinkedRoleMode = Literal["create", "existing"]


class AwsKnobs(SpecModel):
    admin_role_arns: list[IamRoleArn] = Field(
        default_factory=list,
        description="IAM roles given cluster-admin through EKS access entries. Default none (the "
        "creator keeps admin).",
    )
    tenant_admin_roles: dict[str, list[IamRoleArn]] = Field(
        default_factory=dict,
        description="Kubernetes group -> IAM roles that carry it. Each group named in "
        "`tenants[].admins` must be listed: EKS maps a role to its groups through an access entry "
        "(`kubernetes_groups`), and a group no role carries grants nothing. Group names may not start "
        "with `system:` (EKS refuses them). A role may also be in `admin_role_arns` (one access entry "
        "per role). Default none.",
    )
    addon_versions: dict[str, str] = Field(
        default_factory=dict,
        description="Pinned EKS add-on versions by add-on name (vpc-cni, kube-proxy, "
        "eks-pod-identity-agent, coredns, aws-ebs-csi-driver, amazon-cloudwatch-observability), "
        "written like `v1.19.2-eksbuild.1`; vpc-cni must be v1.14.0 or later (NetworkPolicy "
        "enforcement). Unpinned add-ons use the most recent version compatible with the cluster.",
    )
    autoscaling_service_linked_role: ServiceLinkedRoleMode = Field(
        default="create",
        description="The account's `AWSServiceRoleForAutoScaling`, which the KMS key policy names so "
        "node groups can launch CMK-encrypted volumes (KMS refuses a policy naming a role that does "
        "not exist). `create` (default) creates it, for a fresh account; it is kept when the stack is "
        "destroyed. Where it already exists (any Auto Scaling group ever made in the account, or a "
        "second stack in it), set `existing` or `pulumi import` it (docs/aws.md).",
    )
    activate_cost_allocation_tag: bool = Field(
        default=False,
        description="Activate the `deployment` tag as a cost allocation tag, which the budget filters "
        "on. Only the payer (management) account can, and only once the tag has appeared in billing "
        "data (up to 24 hours after the first tagged resource), so off by default: activate it once "
        "by hand or turn this on for a later `pulumi up` from the payer account (docs/aws.md).",
    )
    interface_endpoints: bool | None = Field(
        default=None,
        description="Private interface endpoints (ECR, STS, logs, EC2). Default: on in prod, off "
        "otherwise (each costs about $7/month per zone).",
    )
    request_quota_increases: bool = Field(
        default=False,
        description="Request the EC2 vCPU quotas the pools need at max (`quota_to_request`) as Service "
        "Quotas increase requests (`aws.servicequotas.ServiceQuota`), for the quotas whose code is known. "
        "A request is reviewed by AWS and may be denied or granted lower; one below the current value "
        "changes nothing; deleting the stack does not lower a quota. Default false (request them by hand).",
    )


class GcpKnobs(SpecModel):
    project: Annotated[str, StringConstraints(pattern=described(
        r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$", "a GCP project id: 6 to 30 lowercase letters, digits and hyphens, "
        "starting with a letter and not ending with a hyphen"))] = Field(
        description="GCP project id."
    )
    billing_account: Annotated[str, StringConstraints(pattern=described(
        r"^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$",
        "a billing account id: three groups of 6 uppercase hex digits, `XXXXXX-XXXXXX-XXXXXX`"))] | None = (
        Field(default=None, description="Billing account id (XXXXXX-XXXXXX-XXXXXX) for the budget. "
              "Required when `budget` is set.")
    )
    release_channel: Literal["RAPID", "REGULAR", "STABLE"] = Field(
        default="REGULAR", description="GKE release channel. Default REGULAR."
    )
    dns_endpoint: bool | None = Field(
        default=None,
        description="Serve the Kubernetes API on GKE's DNS-based endpoint (`<uid>.<region>.gke.goog`): "
        "reachable from any network that reaches Google APIs, every request authorized by IAM "
        "`container.clusters.connect`; the platform's Kubernetes provider then uses it, so `pulumi up` "
        "needs no route into the VPC (the first run creates the VPC). Default: on when "
        "`cluster.endpoint` is private, off otherwise. Off with a private endpoint: run `pulumi up` "
        "inside the VPC.",
    )
    rbac_security_group: Annotated[str, StringConstraints(pattern=described(
        r"^gke-security-groups@[a-z0-9-]+(\.[a-z0-9-]+)+$",
        "the address `gke-security-groups@<your domain>`"))] | None = Field(
        default=None,
        description="Google Groups for RBAC: the cluster's `gke-security-groups@<domain>` group (create it "
        "in Cloud Identity/Workspace; tenant admin groups must be its members). Required when any "
        "`tenants[].admins` is set, which on GCP are Google Group e-mail addresses. Default none "
        "(no group reaches RBAC).",
    )
    queued_provisioning_pools: list[str] = Field(
        default_factory=list,
        description="GPU pools whose nodes come only through ProvisioningRequests (GKE queued provisioning, "
        "Dynamic Workload Scheduler): Kueue asks GKE for all of a queued GPU job's nodes at once and admits "
        "the job when they exist. GKE then scales such a pool for nothing else, so no service may depend on "
        "it (its GPU type must also be on a pool without queued provisioning), and it needs `jobs.enabled`, "
        "min 0, on-demand capacity; GKE requires auto-repair off and no reservation on it. Default none "
        "(jobs are admitted on quota alone on GKE).",
    )
    request_quota_increases: bool = Field(
        default=False,
        description="Ask for the GPU quotas the pools need at max (`quota_to_request`) as Cloud Quotas "
        "preferences (`gcp.cloudquota.SQuotaPreference`), for the quota ids read in Google's listings. "
        "Google reviews each and may grant less; a preference below the current value is refused. "
        "Default false (request them on the project's quota page).",
    )


EntraObjectId = Annotated[str, StringConstraints(pattern=described(
    r"^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", "a lowercase GUID (`00000000-0000-0000-0000-000000000000`)"))]


class AzureKnobs(SpecModel):
    subscription_id: Annotated[str, StringConstraints(pattern=described(
        r"^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$", "a subscription id: a lowercase GUID "
        "(`00000000-0000-0000-0000-000000000000`)"))] = (
        Field(description="Azure subscription id.")
    )
    resource_group: Annotated[str, StringConstraints(pattern=described(
        r"^[-\w._()]{1,89}[-\w_()]$", "a resource group name: up to 90 letters, digits, '-', '_', '.', "
        "'(' or ')', not ending in '.'"))] | None = Field(
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
