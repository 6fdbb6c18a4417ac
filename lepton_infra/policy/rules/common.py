"""Rules that span the clouds: required tags/labels, prod protection of stateful resources, the budget."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import Enforcement, Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import UNKNOWN, as_bool, as_list, as_mapping
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules._shared import merged_tags, missing_tags, require_prod

ENVIRONMENT_SCHEMA = {"environment": {"type": "string", "enum": ["dev", "staging", "prod"]}}

# Taggable types the platforms create (checked against the SDKs' inputs by the tests).
AWS_TAGGABLE = (
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ec2/flowLog:FlowLog",
    "aws:ec2/launchTemplate:LaunchTemplate",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:ec2/instance:Instance",
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:eks/addon:Addon",
    "aws:iam/role:Role",
    "aws:iam/policy:Policy",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
    "aws:ecr/repository:Repository",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:sns/topic:Topic",
    "aws:lb/loadBalancer:LoadBalancer",
)
# GCP: type -> the input that holds its labels (GKE clusters call them resourceLabels).
GCP_LABELLED = {
    "gcp:container/cluster:Cluster": "resourceLabels",
    "gcp:storage/bucket:Bucket": "labels",
    "gcp:kms/cryptoKey:CryptoKey": "labels",
    "gcp:artifactregistry/repository:Repository": "labels",
    "gcp:compute/address:Address": "labels",
    "gcp:compute/instance:Instance": "labels",
    "gcp:compute/disk:Disk": "labels",
    "gcp:pubsub/topic:Topic": "labels",
}
AZURE_TAGGABLE = tuple(
    f"azure-native:{t}"
    for t in (
        "resources:ResourceGroup",
        "containerservice:ManagedCluster",
        "containerservice:AgentPool",
        "network:VirtualNetwork",
        "network:NetworkSecurityGroup",
        "network:NatGateway",
        "network:PublicIPAddress",
        "keyvault:Vault",
        "storage:StorageAccount",
        "containerregistry:Registry",
        "compute:DiskEncryptionSet",
        "managedidentity:UserAssignedIdentity",
        "operationalinsights:Workspace",
    )
)
# Stateful resources: losing one loses data or keys, so prod stacks protect them.
STATEFUL = (
    "aws:eks/cluster:Cluster",
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
    "aws:ecr/repository:Repository",
    "gcp:container/cluster:Cluster",
    "gcp:kms/keyRing:KeyRing",
    "gcp:kms/cryptoKey:CryptoKey",
    "gcp:storage/bucket:Bucket",
    "gcp:artifactregistry/repository:Repository",
    "azure-native:containerservice:ManagedCluster",
    "azure-native:keyvault:Vault",
    "azure-native:keyvault:Key",
    "azure-native:storage:StorageAccount",
    "azure-native:containerregistry:Registry",
)


def _report_missing(missing: list[str], noun: str, source: str) -> Iterator[str]:
    if missing:
        yield f"missing required {noun} {', '.join(missing)} ({source})"


@resource_rule(
    id="lepton-aws-required-tags",
    title="AWS resources carry the required tags",
    severity=Severity.LOW,
    types=AWS_TAGGABLE,
    clouds=("aws",),
    description="environment, team or owner, and cost-center, from the resource's `tags` or its provider's "
    "`defaultTags` (the platform sets them once on the provider).",
    remediation="Give the explicit aws.Provider `default_tags` from `platform_tags(...)`, or tag the "
    "resource.",
)
def aws_required_tags(r: ResourceView) -> Iterator[str]:
    defaults = as_mapping(as_mapping(r.provider_props.get("defaultTags")).get("tags"))
    if r.get("tags") is UNKNOWN:
        return
    yield from _report_missing(
        missing_tags(merged_tags(defaults, r.get("tags"))), "tags", "tags + provider defaultTags"
    )


# What an Auto Scaling group launches from a template and bills; the provider's default tags reach none.
LAUNCHED_KINDS = ("instance", "volume")


@resource_rule(
    id="lepton-aws-launched-resource-tags",
    title="Launch templates tag the instances and volumes they launch",
    severity=Severity.LOW,
    types=("aws:ec2/launchTemplate:LaunchTemplate",),
    clouds=("aws",),
    description="The required tags are in the template's `tagSpecifications` for `instance` and `volume`: "
    "provider default tags never reach what an Auto Scaling group (an EKS node group) launches, so a budget "
    "or cost report filtering on tags would miss EC2, the largest cost.",
    remediation="`tag_specifications=[aws.ec2.LaunchTemplateTagSpecificationArgs(resource_type=kind, "
    "tags=platform_tags(...)) for kind in ('instance', 'volume', 'network-interface')]`.",
)
def aws_launched_resource_tags(r: ResourceView) -> Iterator[str]:
    specs = r.get("tagSpecifications")
    if specs is UNKNOWN:
        return
    by_kind = {
        as_mapping(s).get("resourceType"): as_mapping(as_mapping(s).get("tags")) for s in as_list(specs)
    }
    for kind in LAUNCHED_KINDS:
        yield from _report_missing(
            missing_tags(by_kind.get(kind, {})), f"tags on launched {kind}s", "tagSpecifications"
        )


@resource_rule(
    id="lepton-gcp-required-labels",
    title="GCP resources carry the required labels",
    severity=Severity.LOW,
    types=tuple(GCP_LABELLED),
    clouds=("gcp",),
    description="environment, team or owner, and cost-center, from the resource's labels (`resourceLabels` "
    "on GKE clusters) or its provider's `defaultLabels`.",
    remediation="Give the explicit gcp.Provider `default_labels` from `platform_tags(...)`, or label the "
    "resource.",
)
def gcp_required_labels(r: ResourceView) -> Iterator[str]:
    field = GCP_LABELLED[r.type]
    if r.get(field) is UNKNOWN:
        return
    merged = merged_tags(r.provider_props.get("defaultLabels"), r.get(field))
    yield from _report_missing(missing_tags(merged), "labels", f"{field} + provider defaultLabels")


@resource_rule(
    id="lepton-azure-required-tags",
    title="Azure resources carry the required tags",
    severity=Severity.LOW,
    types=AZURE_TAGGABLE,
    clouds=("azure",),
    description="environment, team or owner, and cost-center in `tags` (azure-native has no provider "
    "default tags).",
    remediation="Pass `tags=platform_tags(...)` to every taggable resource.",
)
def azure_required_tags(r: ResourceView) -> Iterator[str]:
    if r.get("tags") is UNKNOWN:
        return
    yield from _report_missing(missing_tags(as_mapping(r.get("tags"))), "tags", "tags")


@resource_rule(
    id="lepton-stateful-protected-in-prod",
    title="Stateful resources are protected in prod",
    severity=Severity.HIGH,
    types=STATEFUL,
    clouds=("aws", "gcp", "azure"),
    description="In a prod stack, clusters, keys, buckets and registries carry Pulumi's `protect`, so no "
    "`pulumi up` or `destroy` deletes them by accident. The environment comes from this rule's config, "
    "the stack's `lepton:platform` spec, or the resource's `environment` tag.",
    remediation="Create them with `opts=ResourceOptions(protect=True)` in prod (the components do, from "
    "the spec's environment).",
    config_schema=ENVIRONMENT_SCHEMA,
)
def stateful_protected(r: ResourceView) -> Iterator[str]:
    require_prod(r)
    if not r.protect:
        yield f"{r.type.split(':')[-1]} {r.name} is not protected in prod"


# Cloud-side deletion guards: (input, the value that removes the guard, whether unset removes it too).
DELETION_GUARDS = {
    "aws:eks/cluster:Cluster": ("deletionProtection", False, True),
    "gcp:container/cluster:Cluster": ("deletionProtection", False, False),  # the provider defaults to true
    "aws:s3/bucket:Bucket": ("forceDestroy", True, False),
    "gcp:storage/bucket:Bucket": ("forceDestroy", True, False),
    "aws:ecr/repository:Repository": ("forceDelete", True, False),
}


@resource_rule(
    id="lepton-stateful-deletion-protection-in-prod",
    title="Prod clusters and stores keep cloud-side deletion guards",
    severity=Severity.HIGH,
    types=tuple(DELETION_GUARDS),
    clouds=("aws", "gcp"),
    description="In prod, EKS clusters set `deletionProtection`, GKE clusters do not turn it off, and "
    "buckets "
    "and registries do not set `forceDestroy`/`forceDelete` (which delete their contents with them).",
    remediation="Set `deletion_protection=True` on clusters in prod; leave `force_destroy`/`force_delete` "
    "unset in prod.",
    config_schema=ENVIRONMENT_SCHEMA,
)
def deletion_guards(r: ResourceView) -> Iterator[str]:
    require_prod(r)
    field, unguarded, unset_is_unguarded = DELETION_GUARDS[r.type]
    value = r.get(field)
    if value is UNKNOWN:
        return
    if as_bool(value) is unguarded or (value is None and unset_is_unguarded):
        yield f"{field} is {'unset' if value is None else value} in prod"


@stack_rule(
    id="lepton-cost-within-budget",
    title="The maximum monthly cost fits the budget",
    severity=Severity.MEDIUM,
    clouds=("aws", "gcp", "azure"),
    enforcement=Enforcement.ADVISORY,
    description="The plan's estimated monthly cost with every pool at its maximum does not exceed the "
    "spec's `budget.monthly_usd`. Advisory: the maximum is a ceiling, not the expected bill. Not "
    "applicable where the runner has no cost estimate (`pulumi preview`).",
    remediation="Lower node pool maxima, use spot for burst GPU pools, or raise the budget.",
    config_schema={"budgetMonthlyUsd": {"type": "number"}},
)
def cost_within_budget(stack: StackView) -> Iterator[Finding]:
    budget = stack.budget_monthly_usd
    if budget is None:
        raise NotApplicable("no budget in the spec or the rule's config")
    if stack.monthly_usd_max is None:
        raise NotApplicable("no cost estimate for this plan")
    if stack.monthly_usd_max > budget:
        yield Finding(
            f"estimated maximum ${stack.monthly_usd_max:,.0f}/month exceeds the budget ${budget:,.0f}/month"
        )
