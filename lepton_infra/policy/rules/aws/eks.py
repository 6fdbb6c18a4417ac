"""EKS cluster rules: secrets encryption, a private API endpoint, control-plane logs, a supported version,
access-entry hygiene, NetworkPolicy enforced by the VPC CNI."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from lepton_infra.policy.model import Finding, NotApplicable, ResourceView, Severity, StackView
from lepton_infra.policy.props import (
    any_world,
    as_bool,
    as_list,
    as_mapping,
    is_set,
    is_unknown,
    shown,
)
from lepton_infra.policy.registry import resource_rule, stack_rule
from lepton_infra.policy.rules.aws.tokens import (
    ACCESS_ENTRY,
    ACCESS_POLICY_ASSOCIATION,
    ADDON,
    AWS,
    EKS_CLUSTER,
)

REQUIRED_LOG_TYPES = ("api", "audit", "authenticator")


@resource_rule(
    id="lepton-aws-eks-secrets-encryption",
    title="EKS secrets are envelope-encrypted with a KMS key",
    severity=Severity.HIGH,
    types=(EKS_CLUSTER,),
    clouds=AWS,
    description="Kubernetes secrets in etcd are encrypted with a customer-managed KMS key "
    "(`encryptionConfig.resources` holds `secrets`, `encryptionConfig.provider.keyArn` is set).",
    remediation="Set `encryption_config=aws.eks.ClusterEncryptionConfigArgs(resources=['secrets'], "
    "provider=...(key_arn=key.arn))`.",
    anchors=("checkov:CKV_AWS_58",),
)
def eks_secrets_encryption(r: ResourceView) -> Iterator[str]:
    config: Any = r.get("encryptionConfig")
    if isinstance(config, list):  # older providers took a list of blocks
        config = config[0] if config else None
    config = as_mapping(config)
    if not config:
        yield "no encryptionConfig: secrets are stored without envelope encryption"
        return
    resources = config.get("resources")
    if not is_unknown(resources) and "secrets" not in as_list(resources):
        yield "encryptionConfig.resources does not include 'secrets'"
    if not is_set(as_mapping(config.get("provider")).get("keyArn")):
        yield "encryptionConfig.provider.keyArn is not set"


@resource_rule(
    id="lepton-aws-eks-endpoint-not-public",
    title="The EKS API is not open to the internet",
    severity=Severity.HIGH,
    types=(EKS_CLUSTER,),
    clouds=AWS,
    description="The cluster endpoint is private, or public only to listed networks "
    "(`vpcConfig.endpointPublicAccess` false, or `vpcConfig.publicAccessCidrs` without 0.0.0.0/0). "
    "AWS's defaults are a public endpoint open to 0.0.0.0/0.",
    remediation="Set `vpc_config.endpoint_public_access=False`, or `public_access_cidrs=[<office/CI "
    "ranges>]`.",
    anchors=("checkov:CKV_AWS_38", "checkov:CKV_AWS_39"),
)
def eks_endpoint_not_public(r: ResourceView) -> Iterator[str]:
    public = r.get("vpcConfig.endpointPublicAccess")
    if is_unknown(public) or as_bool(public) is False:
        return
    cidrs = r.get("vpcConfig.publicAccessCidrs")
    if is_unknown(cidrs):
        return
    if not as_list(cidrs):
        yield "the endpoint is public and publicAccessCidrs is empty, which AWS reads as 0.0.0.0/0"
    elif any_world(as_list(cidrs)):
        yield "the endpoint is public to 0.0.0.0/0 (vpcConfig.publicAccessCidrs)"


@resource_rule(
    id="lepton-aws-eks-control-plane-logs",
    title="EKS control-plane audit logs are on",
    severity=Severity.MEDIUM,
    types=(EKS_CLUSTER,),
    clouds=AWS,
    description="`enabledClusterLogTypes` includes api, audit and authenticator.",
    remediation="Set `enabled_cluster_log_types=['api', 'audit', 'authenticator', 'controllerManager', "
    "'scheduler']`.",
    anchors=("checkov:CKV_AWS_37",),
)
def eks_control_plane_logs(r: ResourceView) -> Iterator[str]:
    enabled = r.get("enabledClusterLogTypes")
    if is_unknown(enabled):
        return
    missing = [t for t in REQUIRED_LOG_TYPES if t not in as_list(enabled)]
    if missing:
        yield f"enabledClusterLogTypes lacks {', '.join(missing)}"


# The oldest EKS minor still served at all. EKS's calendar (user guide "Kubernetes version lifecycle":
# 14 months standard support, then 12 months extended at extra cost): 1.31 left extended support on
# 2026-11-26, 1.32 leaves it on 2027-03-23, 1.33 on 2027-07-29. Past that EKS upgrades the cluster itself.
EKS_OLDEST_SUPPORTED = (1, 32)


CLUSTER_ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"


ADMIN_POLICIES = {CLUSTER_ADMIN_POLICY, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy"}


# An account root (`arn:aws:iam::<acct>:root`) stands for every principal of the account its policies allow.
BROAD_PRINCIPAL = re.compile(r"^\*$|:root$|\*")


def _minor(version: Any) -> tuple[int, int] | None:
    match = re.match(r"^v?(\d+)\.(\d+)", str(version))
    return (int(match.group(1)), int(match.group(2))) if match else None


@resource_rule(
    id="lepton-aws-eks-supported-version",
    title="EKS runs a Kubernetes version EKS still supports",
    severity=Severity.HIGH,
    types=(EKS_CLUSTER,),
    clouds=AWS,
    description="`version` is set (unset, EKS picks its default and the cluster drifts from the add-on and "
    "chart pins) and is at least the oldest minor EKS still serves ("
    f"{EKS_OLDEST_SUPPORTED[0]}.{EKS_OLDEST_SUPPORTED[1]}; 1.31 left extended support on 2026-11-26). "
    "Versions past standard support bill extended support per cluster hour.",
    remediation="Set `cluster.version` to a minor in EKS standard support (docs/aws.md lists the tested "
    "ones).",
    anchors=("checkov:CKV_AWS_339",),
    config_schema={"oldestSupported": {"type": "string", "pattern": r"^\d+\.\d+$"}},
)
def eks_supported_version(r: ResourceView) -> Iterator[str]:
    version = r.get("version")
    if is_unknown(version):
        return
    if version is None:
        yield "version is not set: EKS picks its default and upgrades it under the add-on and chart pins"
        return
    oldest = _minor(r.config.get("oldestSupported")) or EKS_OLDEST_SUPPORTED
    minor = _minor(version)
    if minor is None:
        yield f"version {shown(version)} is not a Kubernetes minor version"
    elif minor < oldest:
        yield f"version {version} is older than {oldest[0]}.{oldest[1]}, the oldest EKS still supports"


@resource_rule(
    id="lepton-aws-eks-access-entry-hygiene",
    title="No cluster-admin for broad principals, no system:masters",
    severity=Severity.HIGH,
    types=(ACCESS_ENTRY, ACCESS_POLICY_ASSOCIATION),
    clouds=AWS,
    description="Access entries never put a principal in `system:masters` (a group RBAC cannot restrict), "
    "and the cluster-admin access policies (AmazonEKSClusterAdminPolicy, AmazonEKSAdminPolicy) are "
    "associated only with named roles, never an account root or a wildcard.",
    remediation="Name the admin roles in `aws.admin_role_arns`; give tenants Kubernetes groups bound by "
    "RoleBindings, not `system:masters`.",
)
def eks_access_entry_hygiene(r: ResourceView) -> Iterator[str]:
    principal = r.get("principalArn")
    if r.type == ACCESS_ENTRY:
        groups = r.get("kubernetesGroups")
        if not is_unknown(groups) and "system:masters" in as_list(groups):
            yield f"access entry for {shown(principal)} puts it in system:masters"
        return
    if (
        r.get("policyArn") in ADMIN_POLICIES
        and isinstance(principal, str)
        and BROAD_PRINCIPAL.search(principal)
    ):
        yield f"{r.get('policyArn').rsplit('/', 1)[-1]} is associated with the broad principal {principal}"


@stack_rule(
    id="lepton-aws-vpc-cni-network-policy",
    title="The VPC CNI enforces NetworkPolicy",
    severity=Severity.HIGH,
    clouds=AWS,
    description="A stack with an EKS cluster manages the `vpc-cni` add-on with `enableNetworkPolicy: "
    '"true"` in its configuration values. Without it the CNI accepts NetworkPolicy objects and enforces '
    "none, so tenant isolation exists only on paper.",
    remediation="`aws.eks.Addon(addon_name='vpc-cni', "
    "configuration_values=json.dumps({'enableNetworkPolicy': "
    "'true'}))` (version v1.14.0 or later).",
)
def vpc_cni_network_policy(stack: StackView) -> Iterator[Finding]:
    clusters = stack.of_type(EKS_CLUSTER)
    if not clusters:
        raise NotApplicable("no EKS cluster in the stack")
    cnis = [a for a in stack.of_type(ADDON) if a.get("addonName") == "vpc-cni"]
    if not cnis:
        yield Finding(
            "no managed vpc-cni add-on: the self-managed CNI enforces no NetworkPolicy", clusters[0].urn
        )
    for addon in cnis:
        values = addon.get("configurationValues")
        if is_unknown(values):
            continue
        try:
            parsed = json.loads(values) if isinstance(values, str) else as_mapping(values)
        except ValueError:
            parsed = {}
        if as_bool(as_mapping(parsed).get("enableNetworkPolicy")) is not True:
            yield Finding(f"vpc-cni add-on {addon.name} does not set enableNetworkPolicy", addon.urn)
