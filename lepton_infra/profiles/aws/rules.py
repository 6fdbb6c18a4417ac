"""AWS's pre-flight rules: what EKS, CloudWatch Logs, ACM and S3 would refuse, or silently ignore, at apply
time, checked at spec time for cloud: aws.

Sources (checked before coding them):
- add-on versions: `aws eks describe-addon-versions` names them `v<major>.<minor>.<patch>-eksbuild.<n>`;
  the versions pinned per Kubernetes minor, and their sources, are in core/data/eks_addons.yaml;
- vpc-cni enforces NetworkPolicy from v1.14.0 (EKS user guide, "Restrict Pod network traffic with
  Kubernetes network policies", minimum VPC CNI version);
- access entries: `kubernetesGroups` may not start with `system:` (CreateAccessEntry answers
  InvalidParameterException "... it cannot start with system:"); one access entry per IAM principal;
- CloudWatch Logs retention: PutRetentionPolicy accepts only core/conventions.py's CLOUDWATCH_RETENTION_DAYS;
- an ALB serves only ACM certificates; ACM issues private certificates only from a CA in their region;
- the Service range: EKS API reference, KubernetesNetworkConfigRequest.serviceIpv4Cidr ("within one of the
  following private IP address blocks: 10.0.0.0/8, 172.16.0.0/12, or 192.168.0.0/16 ... between /24 and
  /12", read 2026-12-07); terraform-provider-aws internal/service/eks/cluster.go, which pulumi-aws bridges,
  refuses the same before any API call (`IsCIDRNetwork(12, 24)` and the RFC 1918 pattern). 100.64.0.0/10 is
  not accepted there (hashicorp/terraform-provider-aws issue #37396 asks for it; open).
- a private EKS endpoint answers only inside the VPC, to sources the cluster security group admits, and its
  answers reach a network outside the VPC only through a route in the VPC's route tables (EKS user guide,
  "Cluster API server endpoint"; VPC user guide, "Route tables": the local route covers the VPC's CIDR
  only; both read 2026-12-07).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from ipaddress import IPv4Network
from typing import TYPE_CHECKING

from lepton_infra.core.conventions import CLOUDWATCH_RETENTION_DAYS
from lepton_infra.core.eks_addons import EKS_ADDONS, MODEL_MOUNT_ADDON, pinned_minors, unpinned
from lepton_infra.core.errors import Problem
from lepton_infra.core.exposure import exposed_services
from lepton_infra.core.kubernetes_versions import PlanDateError, plan_date, status
from lepton_infra.core.spec_checks import Rule, rule
from lepton_infra.profiles.public_zone import acme_needs_zone, public_records_need_zone

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

ADDON_VERSION = re.compile(r"^v(\d+)\.(\d+)\.(\d+)-eksbuild\.\d+$")
# vpc-cni enforces NetworkPolicy objects from this version on (the network policy agent ships in aws-node).
VPC_CNI_NETWORK_POLICY_MIN = (1, 14, 0)
RESERVED_GROUP_PREFIX = "system:"
# The blocks and prefix lengths EKS accepts for the Kubernetes Service range (sources above).
EKS_SERVICE_CIDR_BLOCKS = tuple(IPv4Network(b) for b in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
EKS_SERVICE_CIDR_PREFIXES = (12, 24)


@rule("aws")
def addon_versions(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.aws is None:  # only AWS's pre-flight runs this, where the knobs are always filled
        return
    for addon, version in spec.aws.addon_versions.items():
        path = f"aws.addon_versions.{addon}"
        if addon not in EKS_ADDONS:
            yield Problem(
                path, version, "not an add-on this platform installs", f"use one of: {', '.join(EKS_ADDONS)}"
            )
            continue
        match = ADDON_VERSION.match(version)
        if not match:
            yield Problem(
                path,
                version,
                "not an EKS add-on version (EKS refuses anything but an exact published version)",
                "write it like v1.19.2-eksbuild.1 (aws eks "
                "describe-addon-versions --addon-name " + addon + "), or remove it for the pinned version",
            )
            continue
        numbers = tuple(int(g) for g in match.groups())
        if addon == "vpc-cni" and numbers < VPC_CNI_NETWORK_POLICY_MIN:
            yield Problem(
                path,
                version,
                "vpc-cni before v1.14.0 ignores NetworkPolicy objects, so tenant "
                "isolation would be accepted and not enforced",
                "pin v1.14.0-eksbuild.1 or later",
            )


@rule("aws", "cluster")
def addon_pins_for_minor(spec: PlatformSpec) -> Iterator[Problem]:
    """Every add-on needs a version for the cluster's minor: `up` never asks EKS for the latest one. Said
    only of a minor EKS would create: of any other, the version lifecycle (spec/version_rules.py) already
    says it, and a missing pin is beside the point."""
    if spec.aws is None:
        return
    minor = spec.cluster.version
    try:
        if not status("aws", minor, plan_date()).creatable(spec.cluster.support):
            return
    except PlanDateError:
        return  # reported with the version lifecycle
    # The model mount's driver is installed only for a bucket-mounted model (aws/platform.py).
    mounted = any(m.cache == "bucket-mount" for m in getattr(spec, "models", ()))  # absent: models invalid
    needed = [a for a in EKS_ADDONS if a != MODEL_MOUNT_ADDON or mounted]
    missing = unpinned(needed, minor, spec.aws.addon_versions)
    if missing:
        pinned = ", ".join(pinned_minors())
        yield Problem(
            "cluster.version",
            minor,
            f"no EKS add-on version is pinned for Kubernetes {minor} ({', '.join(missing)}; "
            "lepton_infra/core/data/eks_addons.yaml pins " + pinned + ")",
            f"choose one of {pinned}, or pin each in aws.addon_versions (aws eks describe-addon-versions "
            f"--kubernetes-version {minor} --addon-name <name>; docs/aws.md, EKS add-on versions)",
        )


@rule("aws", "region", "network")
def availability_zone_ids(spec: PlatformSpec) -> Iterator[Problem]:
    """Pinned zone IDs must be zones of the region EKS takes cluster subnets in, one per zone."""
    from lepton_infra.catalog import catalog

    if spec.aws is None or not spec.aws.availability_zone_ids:
        return
    ids = spec.aws.availability_zone_ids
    cat = catalog("aws")
    usable = cat.zone_ids.get(spec.region)
    for i, zone_id in enumerate(ids):
        path = f"aws.availability_zone_ids[{i}]"
        if zone_id in cat.unsupported_zone_ids:
            yield Problem(
                path,
                zone_id,
                "EKS refuses cluster subnets in this zone (UnsupportedAvailabilityZoneException)",
                f"choose another of: {', '.join(usable or ())}",
            )
        elif usable is not None and zone_id not in usable:
            yield Problem(path, zone_id, f"not a zone of {spec.region}", f"choose from: {', '.join(usable)}")
        elif zone_id in ids[:i]:
            yield Problem(path, zone_id, "named twice", "name each zone once")
    zones = spec.network.zones
    if zones is not None and len(ids) != zones:
        yield Problem(
            "aws.availability_zone_ids",
            list(ids),
            f"{len(ids)} zone IDs for network.zones={zones}",
            f"name exactly {zones} zone IDs, or set network.zones to {len(ids)}",
        )


@rule("aws", "tenants")
def tenant_admin_groups(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.aws is None:  # only AWS's pre-flight runs this, where the knobs are always filled
        return
    mapping = spec.aws.tenant_admin_roles
    for group, roles in mapping.items():
        path = f"aws.tenant_admin_roles.{group}"
        if group.startswith(RESERVED_GROUP_PREFIX):
            yield Problem(
                path,
                group,
                "EKS access entries refuse Kubernetes groups starting with system:",
                "choose a group name without the system: prefix",
            )
        if not roles:
            yield Problem(path, roles, "no IAM role carries this group", "list at least one role ARN")
    for i, tenant in enumerate(spec.tenants):
        for j, group in enumerate(tenant.admins):
            if group not in mapping:
                yield Problem(
                    f"tenants[{i}].admins[{j}]",
                    group,
                    "on EKS no IAM principal carries this "
                    "Kubernetes group unless an access entry maps one to it, so the admin "
                    "binding would grant nobody",
                    f"add aws.tenant_admin_roles.{group}: [arn:aws:iam::<account>:role/<role>]",
                )


@rule("aws")
def guardduty_detector(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.aws is not None and spec.aws.guardduty_detector_id and not spec.aws.guardduty_eks_protection:
        yield Problem(
            "aws.guardduty_detector_id",
            spec.aws.guardduty_detector_id,
            "a detector is named but "
            "aws.guardduty_eks_protection is off, so nothing would be turned on in it",
            "set aws.guardduty_eks_protection: true, or remove the detector id",
        )


@rule("aws", "region")
def replication_region(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.aws is not None and spec.aws.model_bucket_replication_region == spec.region:
        yield Problem(
            "aws.model_bucket_replication_region",
            spec.region,
            "the replica would be in the model "
            "bucket's own region (S3 cross-region replication needs another one)",
            "name another region, e.g. us-west-2, or remove it",
        )


@rule("aws", "network")
def service_cidr(spec: PlatformSpec) -> Iterator[Problem]:
    """EKS takes the Service range only at cluster creation (it cannot change afterwards), so a range it
    refuses would fail the first `up` after the network is built. Overlap with the VPC is a generic rule."""
    cidr = spec.network.service_cidr
    low, high = EKS_SERVICE_CIDR_PREFIXES
    if not any(cidr.subnet_of(block) for block in EKS_SERVICE_CIDR_BLOCKS):
        yield Problem(
            "network.service_cidr",
            str(cidr),
            "EKS takes a Service range only inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
            "pick a private range outside network.cidr, e.g. 172.20.0.0/16 (the default)",
        )
    if not low <= cidr.prefixlen <= high:
        yield Problem(
            "network.service_cidr",
            str(cidr),
            f"EKS takes a Service range between /{low} and /{high}",
            f"use a /{min(max(cidr.prefixlen, low), high)} range, e.g. 172.20.0.0/16",
        )


def cloudwatch_retention_problem(path: str, days: int | None) -> Iterator[Problem]:
    if days is not None and days not in CLOUDWATCH_RETENTION_DAYS:
        nearest = min(CLOUDWATCH_RETENTION_DAYS, key=lambda d: (abs(d - days), -d))
        yield Problem(
            path,
            days,
            f"CloudWatch Logs accepts only {', '.join(map(str, CLOUDWATCH_RETENTION_DAYS))} days",
            f"use one of them, e.g. {nearest}",
        )


@rule("network")
def flow_log_retention_on_cloudwatch(spec: PlatformSpec) -> Iterator[Problem]:
    """AWS only (its profile runs it): flow logs go to CloudWatch Logs, which refuses other retentions
    (PutRetentionPolicy InvalidParameterException)."""
    yield from cloudwatch_retention_problem(
        "network.flow_log_retention_days", spec.network.flow_log_retention_days
    )


@rule("aws")
def cluster_log_retention_on_cloudwatch(spec: PlatformSpec) -> Iterator[Problem]:
    """AWS only: the control-plane and Container Insights groups are CloudWatch log groups too."""
    if spec.aws is not None:
        yield from cloudwatch_retention_problem("aws.log_retention_days", spec.aws.log_retention_days)


@rule("aws", "network", "services", "region")
def aws_certificate_sources(spec: PlatformSpec) -> Iterator[Problem]:
    if spec.aws is None:
        return
    yield from acme_needs_zone(
        spec, "aws.dns_zone_id", spec.aws.dns_zone_id, "the public Route 53 hosted zone"
    )
    yield from public_records_need_zone(
        spec, "aws.dns_zone_id", spec.aws.dns_zone_id, "the public Route 53 hosted zone"
    )
    if spec.network.tls_issuer == "private-ca" and exposed_services(spec) and spec.aws.private_ca_arn is None:
        yield Problem(
            "aws.private_ca_arn",
            None,
            "an ALB serves only ACM certificates: with `network.tls_issuer: "
            "private-ca` they are issued by an ACM Private CA",
            "set aws.private_ca_arn to an existing ACM Private CA in the stack's region, or use "
            "`network.tls_issuer: acme` with aws.dns_zone_id",
        )
    arn = spec.aws.private_ca_arn
    if arn is not None and arn.split(":")[3] != spec.region:
        yield Problem(
            "aws.private_ca_arn",
            arn,
            f"ACM issues private certificates only from a CA in the certificate's region ({spec.region})",
            f"name a Private CA in {spec.region}",
        )


@rule("environment", "cluster", "network", "aws")
def private_api_reachable(spec: PlatformSpec) -> Iterator[Problem]:
    """A private endpoint that the plan knows nothing can reach from where `pulumi up` runs: the cloud
    layer would be created and `up` would then wait at the first Kubernetes object. Every in-cluster
    object is created through the API, so this is refused, not warned (issue 22)."""
    if spec.aws is None or spec.cluster.endpoint != "private":
        return
    networks = spec.cluster.authorized_networks
    if not networks:
        yield Problem(
            "cluster.authorized_networks",
            [],
            "a private endpoint admits only the nodes when no network is authorized: `pulumi up` creates "
            "the cluster and then cannot create a single in-cluster object",
            "list the deploy runner's CIDR (outside the VPC with aws.runner_transit_gateway_id), or set "
            "cluster.endpoint: public with your egress CIDR for the first deploy (docs/aws.md, The first "
            "deploy)",
        )
        return
    if spec.aws.runner_transit_gateway_id:
        return
    vpc = IPv4Network(str(spec.network.cidr))
    for i, net in enumerate(networks):
        if IPv4Network(str(net)).subnet_of(vpc):
            continue
        yield Problem(
            f"cluster.authorized_networks[{i}]",
            str(net),
            f"outside VPC {vpc} and nothing in the stack routes the private endpoint's answers back to it "
            "(the private route tables send everything outside the VPC to NAT): `pulumi up` from there "
            "would wait at the first Kubernetes object",
            "set aws.runner_transit_gateway_id to the transit gateway that connects this network (the stack "
            "attaches the VPC and adds the routes), or deploy the first time with cluster.endpoint: public "
            "and your egress CIDR, then private (docs/aws.md, The first deploy)",
        )


# In the order they report.
AWS_RULES: tuple[Rule, ...] = (
    flow_log_retention_on_cloudwatch,
    cluster_log_retention_on_cloudwatch,
    addon_versions,
    addon_pins_for_minor,
    tenant_admin_groups,
    guardduty_detector,
    replication_region,
    service_cidr,
    availability_zone_ids,
    aws_certificate_sources,
    private_api_reachable,
)
