"""The `aws:` block of the spec: settings that have no cloud-agnostic meaning, and their defaults per
environment. Only the chosen cloud's block may be set."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from lepton_infra.core.env_defaults import EnvDefault
from lepton_infra.core.spec_model import SpecModel, described

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

# An availability zone ID (`use1-az4`); Local and Wavelength zone IDs (`use1-atl2-az1`) do not match.
ZoneId = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^[a-z]{2,6}[0-9]-az[0-9]{1,2}$", "an availability zone ID like `use1-az4` (not a zone name)"
        )
    ),
]


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
        description="IAM roles given cluster-admin through EKS access entries. Default none. EKS's "
        "automatic creator admin is off: the deployer gets an entry of its own (`deployer_role_arn`).",
    )
    runner_transit_gateway_id: str | None = Field(
        default=None,
        pattern=described(r"^tgw-[0-9a-f]{8,17}$", "a transit gateway id: `tgw-` and 8 or 17 hex digits"),
        description="A transit gateway (yours, or shared with the account through RAM) that routes the "
        "runner networks in `cluster.authorized_networks` to this VPC: the stack attaches the private "
        "subnets to it and routes each authorized network outside the VPC through it from every private "
        "route table, so the private API endpoint's answers reach the runner. The transit gateway's own "
        "route table must send the VPC's CIDR to this attachment (yours to manage). Costs an attachment "
        "(about $36/month in us-east-1) plus $0.02/GB processed. Default none: nothing in the stack routes "
        "back to a runner outside the VPC, so a private endpoint with an authorized network outside the "
        "VPC is refused.",
    )
    deployer_role_arn: IamRoleArn | None = Field(
        default=None,
        description="The IAM role that runs `pulumi up`, given cluster-admin through an access entry "
        "before the first in-cluster object (EKS's creator admin is off, so every admin is explicit). "
        "It may also be listed in `admin_role_arns` or `tenant_admin_roles`: it then keeps that one "
        "entry. Default none: the principal behind the deploy's credentials, read at deploy time "
        "(sts:GetCallerIdentity); `pulumi preview` then refuses a caller that is also listed "
        "(two entries for one principal fail with 409): set this field to it instead.",
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
        "coredns, aws-ebs-csi-driver, eks-node-monitoring-agent, amazon-cloudwatch-observability), written "
        "like "
        "`v1.19.2-eksbuild.1`; each entry overrides the version the platform pins for `cluster.version` "
        "(lepton_infra/core/data/eks_addons.yaml, every row with its source; docs/aws.md says how to "
        "bump it). vpc-cni must be v1.14.0 or later (NetworkPolicy enforcement). A `pulumi up` never "
        "asks EKS for the latest version, so add-ons change only when a pin does. Default none: the "
        "table's row; a minor without a row needs all eight here (aws-mountpoint-s3-csi-driver only "
        "when a model uses `cache: bucket-mount`).",
    )
    autoscaling_service_linked_role: ServiceLinkedRoleMode = Field(
        default="create",
        description="The account's `AWSServiceRoleForAutoScaling`, which the KMS key policy names so "
        "node groups can launch CMK-encrypted volumes (KMS refuses a policy naming a role that does "
        "not exist). `create` (default) creates it, for a fresh account; it is kept when the stack is "
        "destroyed. Where it already exists (any Auto Scaling group ever made in the account, a "
        "second stack in it, or this one redeployed after a destroy), set `existing` or `pulumi import` "
        "it (docs/aws.md).",
    )
    activate_cost_allocation_tag: bool = Field(
        default=False,
        description="Activate the `deployment` tag as a cost allocation tag, which the budget filters "
        "on. Only the payer (management) account can, and only once the tag has appeared in billing "
        "data (up to 24 hours after the first tagged resource), so off by default: activate it once "
        "by hand or turn this on for a later `pulumi up` from the payer account (docs/aws.md).",
    )
    availability_zone_ids: list[ZoneId] = Field(
        default_factory=list,
        description="The zone IDs the VPC's subnets go to, one per `network.zones` (`aws ec2 "
        "describe-availability-zones` lists an account's names and IDs; an ID names the same physical "
        "zone in every account, a name like us-east-1a does not). Default none: the lowest zone IDs of the "
        "region's standard zones, leaving out Local and Wavelength zones and the zone IDs EKS refuses for "
        "cluster subnets (use1-az3, usw1-az2, cac1-az3). Read when the subnets are created: a later `up` "
        "never moves them, so changing this on a running stack changes nothing (moving zones needs a new "
        "network).",
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
        "A request is reviewed by AWS and may be denied or granted lower. The applied quota is read "
        "first and only a lower one is asked to rise (a quota already granted higher is kept); another "
        "open request for the same quota (a second stack in the account and region) makes the request fail "
        "until it closes; deleting the stack does not lower a quota. Default false (request them by hand).",
    )


# What the `aws:` knobs (and the AWS flow logs) default to per environment: the validator fills them from
# these rows and the spec reference prints them.
ENVIRONMENT_DEFAULTS: tuple[EnvDefault, ...] = (
    EnvDefault("aws.interface_endpoints", False, False, True, cloud="aws"),
    # A year of logs in prod (checkov CKV_AWS_338); shorter, cheaper elsewhere.
    EnvDefault("aws.log_retention_days", 30, 90, 365, cloud="aws"),
    EnvDefault("aws.access_log_retention_days", 30, 90, 365, cloud="aws"),
    EnvDefault("network.flow_log_retention_days", 30, 90, 365, cloud="aws"),
)
