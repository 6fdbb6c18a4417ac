"""Per-cloud settings that have no cloud-agnostic meaning. Only the chosen cloud's block may be set."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from lepton_infra.spec.base import SpecModel, described

IamRoleArn = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\w+=,.@/-]+$",
            "an IAM role ARN: `arn:aws:iam::<12-digit account>:role/<name>`",
        )
    ),
]
ServiceLinkedRoleMode = Literal["create", "existing"]
Route53ZoneId = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^Z[A-Z0-9]{1,31}$",
            "a Route 53 hosted zone id: `Z` followed by up to 31 uppercase letters and digits",
        )
    ),
]
AcmPcaArn = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^arn:aws[a-z-]*:acm-pca:[a-z0-9-]+:[0-9]{12}:certificate-authority/[0-9a-f-]{36}$",
            "an ACM Private CA ARN: `arn:aws:acm-pca:<region>:<account>:certificate-authority/<uuid>`",
        )
    ),
]


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
        description="EKS add-on versions by add-on name (vpc-cni, kube-proxy, eks-pod-identity-agent, "
        "coredns, aws-ebs-csi-driver, amazon-cloudwatch-observability), written like "
        "`v1.19.2-eksbuild.1`; each entry overrides the version the platform pins for `cluster.version` "
        "(lepton_infra/core/data/eks_addons.yaml, every row with its source; docs/aws.md says how to "
        "bump it). vpc-cni must be v1.14.0 or later (NetworkPolicy enforcement). A `pulumi up` never "
        "asks EKS for the latest version, so add-ons change only when a pin does. Default none: the "
        "table's row; a minor without a row needs all six here.",
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
    dns_zone_id: Route53ZoneId | None = Field(
        default=None,
        description="Public Route 53 hosted zone serving `network.domain`: with `network.tls_issuer: acme` "
        "each "
        "exposed host gets a public ACM certificate validated by DNS records written in this zone (free, "
        "renewed by ACM); with `network.dns_records` each public host also gets its alias record here (the "
        "zone "
        "stays the operator's: only records are written in it, never over an existing one). Required for "
        "acme, "
        "and for public hosts with `network.dns_records`, on AWS. Default none.",
    )
    private_ca_arn: AcmPcaArn | None = Field(
        default=None,
        description="An existing ACM Private CA (same region) that signs the exposed hosts' certificates "
        "with "
        "`network.tls_issuer: private-ca` (an ALB serves only ACM certificates). Required for private-ca on "
        "AWS "
        "when a service is exposed; the CA bills $400/month in general-purpose mode (created and paid "
        "outside this stack). Default none.",
    )
    log_retention_days: int | None = Field(
        default=None,
        ge=1,
        le=3653,
        description="CloudWatch Logs retention of the cluster's log groups: EKS control-plane logs "
        "(`/aws/eks/<cluster>/cluster`) and Container Insights (`/aws/containerinsights/<cluster>/*`). Only "
        "a value CloudWatch accepts (see `network.flow_log_retention_days`; others are refused at spec "
        "time). Default: 365 in prod (a year: what audits and checkov CKV_AWS_338 expect), 90 in staging, "
        "30 in dev. Kept logs are billed per GB-month (estimate: $0.03 in us-east-1, AWS CloudWatch "
        "pricing, 2026-12), so a year keeps about 12 times the bill of a month at the same volume. "
        "Independent of `monitoring.retention_days` (Prometheus).",
    )
    access_log_retention_days: int | None = Field(
        default=None,
        ge=1,
        le=3653,
        description="Days the model bucket's S3 server access logs are kept in their log bucket before a "
        "lifecycle rule expires them. Default: 365 in prod, 90 in staging, 30 in dev. S3 Standard storage "
        "(estimate: $0.023 per GB-month in us-east-1, AWS S3 pricing, 2026-12); the log volume follows the "
        "request count (one record per request, a few hundred bytes).",
    )

    model_bucket_replication_region: (
        Annotated[
            str,
            StringConstraints(
                pattern=described(r"^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", "an AWS region name, e.g. `us-west-2`")
            ),
        ]
        | None
    ) = Field(
        default=None,
        description="Replicate the model bucket (S3 cross-region replication, deletes included) to a replica "
        "bucket in this other region, encrypted with a key of that region, with its own access log bucket "
        "there. Off by default: it doubles the bucket's storage (estimate: $0.023 per GB-month in S3 "
        "Standard), "
        "adds inter-region transfer per GB written and a second key ($1/month), for artifacts that can be "
        "rebuilt from the registry and training outputs; turn it on where a regional outage must not take "
        "the models with it. Must differ from `region`.",
    )
    cloudtrail_data_events: bool = Field(
        default=False,
        description="A CloudTrail trail of the model bucket's S3 data events (who read or wrote which model "
        "file), into its own bucket encrypted with the platform key, kept `access_log_retention_days`. Off "
        "by "
        "default: data events are usually recorded by the organisation's trail, and then this would bill "
        "them "
        "twice (estimate: $0.10 per 100,000 events, AWS CloudTrail pricing, 2026-12). When off, the plan "
        "says "
        "so: enable S3 data events for the model bucket in the organisation trail (docs/security.md).",
    )
    guardduty_eks_protection: bool = Field(
        default=False,
        description="GuardDuty EKS Protection (audit-log analysis) and Runtime Monitoring with the EKS agent "
        "managed by GuardDuty. Off by default: GuardDuty is an account/organisation service (one detector "
        "per "
        "account and region), billed per audit-log event and per monitored vCPU. When off, the plan says so: "
        "enable them from the organisation's GuardDuty administrator (docs/security.md).",
    )
    guardduty_detector_id: (
        Annotated[
            str,
            StringConstraints(
                pattern=described(
                    r"^[a-z0-9]{1,300}$",
                    "a GuardDuty detector id (`aws guardduty list-detectors`), lowercase letters and digits",
                )
            ),
        ]
        | None
    ) = Field(
        default=None,
        description="The account's existing GuardDuty detector in this region: `guardduty_eks_protection` "
        "then "
        "only turns the two features on in it. Unset: the platform creates the detector, which GuardDuty "
        "refuses when the account already has one in the region (set this id then).",
    )
    request_quota_increases: bool = Field(
        default=False,
        description="Request the EC2 vCPU quotas the pools need at max (`quota_to_request`) as Service "
        "Quotas increase requests (`aws.servicequotas.ServiceQuota`), for the quotas whose code is known. "
        "A request is reviewed by AWS and may be denied or granted lower; one below the current value "
        "changes nothing; deleting the stack does not lower a quota. Default false (request them by hand).",
    )


CloudDnsZoneName = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$",
            "a Cloud DNS managed zone name: up to 63 lowercase letters, digits and "
            "hyphens, starting with a letter",
        )
    ),
]


class GcpKnobs(SpecModel):
    project: Annotated[
        str,
        StringConstraints(
            pattern=described(
                r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$",
                "a GCP project id: 6 to 30 lowercase letters, digits and hyphens, "
                "starting with a letter and not ending with a hyphen",
            )
        ),
    ] = Field(description="GCP project id.")
    billing_account: (
        Annotated[
            str,
            StringConstraints(
                pattern=described(
                    r"^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$",
                    "a billing account id: three groups of 6 uppercase hex digits, `XXXXXX-XXXXXX-XXXXXX`",
                )
            ),
        ]
        | None
    ) = Field(
        default=None,
        description="Billing account id (XXXXXX-XXXXXX-XXXXXX) for the budget. "
        "Required when `budget` is set.",
    )
    release_channel: Literal["RAPID", "REGULAR", "STABLE", "EXTENDED"] | None = Field(
        default=None,
        description="GKE release channel: which minors the cluster can be created at and how fast GKE "
        "upgrades it. Default: REGULAR, or EXTENDED with `cluster.support: extended` (EXTENDED is GKE's "
        "paid extended support, so it goes with that opt-in only). `cluster.version` must be a minor the "
        "channel offers (core/data/kubernetes_versions.yaml lists them per minor).",
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
    rbac_security_group: (
        Annotated[
            str,
            StringConstraints(
                pattern=described(
                    r"^gke-security-groups@[a-z0-9-]+(\.[a-z0-9-]+)+$",
                    "the address `gke-security-groups@<your domain>`",
                )
            ),
        ]
        | None
    ) = Field(
        default=None,
        description="Google Groups for RBAC: the cluster's `gke-security-groups@<domain>` group (create it "
        "in Cloud Identity/Workspace; tenant admin groups must be its members). Required when any "
        "`tenants[].admins` is set, which on GCP are Google Group e-mail addresses. Default none "
        "(no group reaches RBAC).",
    )
    dns_zone: CloudDnsZoneName | None = Field(
        default=None,
        description="Name of the public Cloud DNS managed zone (in `gcp.project`) serving `network.domain`: "
        "with "
        "`network.tls_issuer: acme` cert-manager proves each host by DNS-01 TXT records there, as a service "
        "account holding a custom role (record sets and changes, no zone deletion) on this zone only; with "
        "`network.dns_records`, each public host's A record is written there (the zone itself is never "
        "created, changed or deleted). Required for acme on GCP, and for public hosts with "
        "`network.dns_records`. Default none.",
    )
    binary_authorization: Literal["enforce", "dryrun", "off"] | None = Field(
        default=None,
        description="GKE Binary Authorization: the cluster evaluates the project's singleton policy "
        "(`PROJECT_SINGLETON_POLICY_ENFORCE`), which admits only the images of the platform's registry, the "
        "pinned charts' image repositories, the `services[].image` repositories and "
        "`binary_authorization_allowlist`, plus Google's global policy for GKE system images; every other "
        "image is denied. `enforce` blocks what the policy denies, `dryrun` admits it and writes an audit "
        "log entry (`DRYRUN_AUDIT_LOG_ONLY`), `off` leaves the cluster without Binary Authorization. "
        "Default: `enforce` in prod, `dryrun` otherwise. No charge of its own (docs/security.md).",
    )
    binary_authorization_policy: Literal["managed", "external"] = Field(
        default="managed",
        description="Who owns the project's Binary Authorization policy, a singleton (one per project). "
        "`managed` (default): this stack writes it, replacing whatever policy the project had; two stacks "
        "in one project must not both manage it. `external`: the policy is owned elsewhere (a security "
        "team, another stack in the project); the cluster still enforces it, and that policy must admit "
        "the images listed in docs/gcp.md.",
    )
    binary_authorization_allowlist: list[
        Annotated[
            str,
            StringConstraints(
                pattern=described(
                    r"^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?/[^*\s]*(\*|\*\*)?$",
                    "a Binary Authorization allowlist pattern: `registry/path/to/image`, optionally ending "
                    "in `*` "
                    "(any text without a `/`) or `**` (anything below), e.g. "
                    "`europe-docker.pkg.dev/acme/images/**`",
                )
            ),
        ]
    ] = Field(
        default_factory=list,
        description="More image patterns the managed Binary Authorization policy admits (images the "
        "platform does not render itself: tenants' jobs, sidecars). Default none.",
    )
    storage_data_access_logs: bool | None = Field(
        default=None,
        description="Cloud Audit Logs Data Access (`DATA_READ`, `DATA_WRITE`) for storage.googleapis.com "
        "on the project: who read or wrote which object of the model bucket (and of every other bucket in "
        "the project), the access record Google recommends over usage logs. The project-level audit config "
        "for that service is authoritative: turn this off where it is managed elsewhere. Billed as Cloud "
        "Logging ingestion beyond the free allotment (docs/security.md). Default: on in prod, off otherwise.",
    )
    model_bucket_retention_days: int | None = Field(
        default=None,
        ge=1,
        le=36500,
        description="A bucket retention policy on the model bucket (Bucket Lock, never locked by the "
        "platform): no object can be deleted or overwritten before it is this many days old. GCS refuses "
        "it together with Object Versioning, so the bucket is then unversioned (the retention policy "
        "protects the objects instead). Publishing a model under an existing name fails until that "
        "retention ends: off by default. Locking the policy is irreversible and is left to a person "
        "(`gcloud storage buckets update --lock-retention-period`).",
    )
    model_bucket_soft_delete_days: int = Field(
        default=7,
        description="Soft delete on the model bucket: deleted and overwritten objects stay restorable for "
        "this many days (0, or 7 to 90), billed as stored data meanwhile. Default 7 (GCS's own default, "
        "written out so the plan shows it).",
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
            StringConstraints(
                pattern=described(
                    r"^[-\w._()]{1,89}[-\w_()]$",
                    "a resource group name: up to 90 letters, digits, '-', '_', '.', "
                    "'(' or ')', not ending in '.'",
                )
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
