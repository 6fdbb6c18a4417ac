"""`Cluster`: the EKS control plane, its IAM, security groups, OIDC provider, access and kubeconfig."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from lepton_infra.aws.access import access_entry_slug, endpoint_access, principal_groups
from lepton_infra.aws.account import AwsAccount, lookup_account, make_arn
from lepton_infra.aws.cluster_security import cluster_security_groups
from lepton_infra.aws.deployer_access import caller_principal, refuse_if_listed
from lepton_infra.aws.iam import allow, document, service_trust
from lepton_infra.core.args import known, renamed_fields
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.kubeconfig import ExecCredential, exec_kubeconfig
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.core.propagation import wait_for
from lepton_infra.profiles.aws.knobs import AwsKnobs
from lepton_infra.profiles.aws.rules import cloudwatch_retention_problem
from lepton_infra.spec import ClusterSpec, NetworkSpec
from lepton_infra.spec.problems import like_spec_field

CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
CLUSTER_ADMIN_POLICY = "cluster-access-policy/AmazonEKSClusterAdminPolicy"  # arn:<partition>:eks::aws:<this>
# AWS requires these managed policies on the cluster and node roles; nothing else here is managed.
CLUSTER_ROLE_POLICIES = ("AmazonEKSClusterPolicy",)
NODE_ROLE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
)


def _not(value: Any, _kwargs: dict[str, Any]) -> Any:
    return not value


@renamed_fields(
    version="kubernetes_version",
    endpoint_public=("private_endpoint", _not),
    public_access_cidrs="authorized_networks",
)
@dataclass
class ClusterArgs(ComponentArgs):
    cluster_name: str
    """Cloud-side name of the EKS cluster (also its log group's and IAM roles' names, and the subnet and
    autoscaler tags)."""
    kubernetes_version: str
    """The control plane's Kubernetes minor, e.g. `1.35` (one the spec accepts)."""
    vpc_id: pulumi.Input[str]
    """The VPC (`Network.vpc_id`): the cluster and node security groups are created in it."""
    subnet_ids: Sequence[pulumi.Input[str]]
    """The private subnets the control plane's network interfaces (and, by default, the nodes) use."""
    key_id: pulumi.Input[str]
    """ARN of the KMS key that envelope-encrypts Kubernetes secrets and the control plane's log group."""
    region: str
    """The cluster's region, written into the kubeconfig's `aws eks get-token` command."""
    private_endpoint: bool = True
    """Keep the API server private (reached from the VPC and `private_access_cidrs` only). False: the public
    endpoint is on too, for `authorized_networks` only. Default: private."""
    authorized_networks: Sequence[str] = field(default_factory=list)
    """CIDRs the public endpoint admits (`publicAccessCidrs`); required when `private_endpoint` is False,
    never open by default. Default: none."""
    admin_role_arns: Sequence[str] = field(default_factory=list)
    """IAM roles made cluster admins (an access entry each with AmazonEKSClusterAdminPolicy). Default: none;
    only the deployer (`deployer_arn`) is admin: EKS's creator admin is off."""
    deployer_arn: str | None = None
    """The IAM role that runs `pulumi up`, made cluster admin by an access entry (EKS's creator admin is
    off: aws/deployer_access.py). Default: the caller's principal, read at deploy time."""
    group_role_arns: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Kubernetes group -> IAM roles that carry it (through their access entry's `kubernetes_groups`): how
    RBAC bindings to a Group (tenant admins) reach anyone on EKS. Default: none."""
    private_access_cidrs: Sequence[str] = field(default_factory=list)
    """Networks (inside the VPC or routed to it: a deploy runner, VPN, peering) the cluster security group
    admits to the private endpoint on 443. Default: none; only the nodes reach a private endpoint."""
    service_cidr: str = "172.20.0.0/16"
    """The Kubernetes Service range (`serviceIpv4Cidr`), outside the VPC's range. Default: `172.20.0.0/16`."""
    support_type: str = "STANDARD"
    """EKS upgrade policy at the end of standard support: `STANDARD` upgrades the control plane then;
    `EXTENDED` keeps the minor in paid extended support (`cluster.support: extended`). Default: `STANDARD`."""
    log_retention_days: int = 90
    """Retention of the control plane's log group (api, audit, authenticator, controllerManager, scheduler), a
    value CloudWatch accepts. Default: 90 days."""
    protect: bool = False
    """EKS deletion protection and Pulumi `protect` on the cluster. Default: off (the platform sets it in
    prod)."""
    account: AwsAccount | None = None
    """The partition and account id every ARN here names (`aws.Platform` passes its one lookup). Default:
    looked up here with the provider's credentials (`aws.get_caller_identity`, `aws.get_partition`)."""

    def problems(self) -> Iterator[Problem]:
        yield from like_spec_field("kubernetes_version", self.kubernetes_version, ClusterSpec, "version")
        yield from like_spec_field(
            "authorized_networks", list(self.authorized_networks), ClusterSpec, "authorized_networks"
        )
        yield from like_spec_field("admin_role_arns", list(self.admin_role_arns), AwsKnobs, "admin_role_arns")
        yield from like_spec_field("service_cidr", self.service_cidr, NetworkSpec, "service_cidr")
        if known(self.support_type) and self.support_type not in ("STANDARD", "EXTENDED"):
            yield Problem(
                "support_type",
                self.support_type,
                "not an EKS upgrade policy support type",
                "use STANDARD (upgraded at the end of standard support) or EXTENDED (paid extended support)",
            )
        if known(self.log_retention_days):
            yield from cloudwatch_retention_problem("log_retention_days", self.log_retention_days)
        if not self.private_endpoint and not self.authorized_networks:
            yield Problem(
                "authorized_networks",
                [],
                "a public EKS endpoint needs the CIDRs that may reach it (never open by default)",
                "list office/VPN/CI CIDRs, or keep private_endpoint=True",
            )


def kubeconfig(cluster_name: str, endpoint: str, ca_data: str, region: str) -> str:
    """A kubeconfig that gets short-lived tokens from `aws eks get-token`."""
    return exec_kubeconfig(
        cluster_name,
        endpoint,
        ca_data,
        ExecCredential(
            command="aws",
            args=("eks", "get-token", "--cluster-name", cluster_name, "--region", region, "--output", "json"),
            install_hint="Install the AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/"
            "getting-started-install.html",
        ),
    )


class Cluster(Component):
    TOKEN = "lepton:aws:Cluster"

    def __init__(self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        private, public, cidrs = endpoint_access(not args.private_endpoint, args.authorized_networks)
        partition = (args.account or lookup_account(self)).partition

        # Created first, with the CMK and a retention: otherwise EKS creates it unencrypted and forever.
        log_group = aws.cloudwatch.LogGroup(
            child_name(name, "logs"),
            name=f"/aws/eks/{args.cluster_name}/cluster",
            retention_in_days=args.log_retention_days,
            kms_key_id=args.key_id,
            opts=self.child_opts(),
        )
        role = aws.iam.Role(
            child_name(name, "role"),
            name=physical_name(args.cluster_name, "cluster", limit="aws:iam-role"),
            assume_role_policy=service_trust(["eks.amazonaws.com"]),
            opts=self.child_opts(),
        )
        attachments: list[pulumi.Resource] = [
            aws.iam.RolePolicyAttachment(
                child_name(name, f"role-{p}"),
                role=role.name,
                policy_arn=pulumi.Output.concat("arn:", partition, ":iam::aws:policy/", p),
                opts=self.child_opts(),
            )
            for p in CLUSTER_ROLE_POLICIES
        ]
        # Envelope encryption of Secrets: the control plane uses the CMK through this role only.
        attachments.append(
            aws.iam.RolePolicy(
                child_name(name, "role-kms"),
                role=role.id,
                policy=pulumi.Output.json_dumps(
                    document(
                        [
                            allow(
                                ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
                                [args.key_id],
                            ),
                        ]
                    )
                ),
                opts=self.child_opts(),
            )
        )
        self.cluster_security_group, self.node_security_group = cluster_security_groups(
            self,
            name,
            vpc_id=args.vpc_id,
            cluster_name=args.cluster_name,
            api_cidrs=args.private_access_cidrs,
        )

        self.cluster = aws.eks.Cluster(
            child_name(name, "eks"),
            name=args.cluster_name,
            version=args.kubernetes_version,
            role_arn=role.arn,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=list(args.subnet_ids),
                security_group_ids=[self.cluster_security_group.id],
                endpoint_private_access=private,
                endpoint_public_access=public,
                public_access_cidrs=cidrs,
            ),
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                resources=["secrets"],
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=args.key_id),
            ),
            enabled_cluster_log_types=list(CONTROL_PLANE_LOG_TYPES),
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API",
                # Off: every admin is an explicit access entry, the deployer's too (aws/deployer_access.py).
                # Changing it replaces the cluster (docs/upgrades.md).
                bootstrap_cluster_creator_admin_permissions=False,
            ),
            kubernetes_network_config=aws.eks.ClusterKubernetesNetworkConfigArgs(
                ip_family="ipv4",
                service_ipv4_cidr=args.service_cidr,
            ),
            # STANDARD unless extended support is opted into: an outdated version is then upgraded by AWS
            # instead of silently billed for extended support (six times the control-plane price). The
            # spec refuses a minor already past standard support without the opt-in, so a new cluster
            # never starts in extended support under a STANDARD policy.
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type=args.support_type),
            deletion_protection=args.protect,
            tags={"Name": args.cluster_name},
            opts=self.child_opts(protect=args.protect, depends_on=[log_group, *attachments]),
        )
        issuer = self.cluster.identities.apply(
            lambda ids: (ids[0].oidcs[0].issuer or "") if ids and ids[0].oidcs else ""
        )
        self.oidc_provider = aws.iam.OpenIdConnectProvider(
            child_name(name, "oidc"),
            url=issuer,
            client_id_lists=["sts.amazonaws.com"],
            opts=self.child_opts(),
        )
        self.access_entries = self._access_entries(name, args, partition)
        self._node_role(name, args, partition)

        config = pulumi.Output.all(
            self.cluster.name, self.cluster.endpoint, self.cluster.certificate_authority.data
        ).apply(lambda v: kubeconfig(v[0], v[1], v[2] or "", args.region))
        self.kubeconfig: pulumi.Output[str] = pulumi.Output.secret(config)
        # The deployer's admin entry must be effective before the first in-cluster object (propagation.py).
        admin_ready = wait_for(
            child_name(name, "deployer-admin-settle"), self.deployer_grants, "aws-iam", self
        )
        self.k8s_provider = k8s.Provider(
            child_name(name, "k8s"),
            kubeconfig=self.kubeconfig,
            enable_server_side_apply=True,
            opts=self.child_opts(depends_on=[admin_ready]),
        )
        self.name_output: pulumi.Output[str] = self.cluster.name
        self.endpoint: pulumi.Output[str] = self.cluster.endpoint
        self.oidc_issuer: pulumi.Output[str] = issuer
        self.oidc_provider_arn: pulumi.Output[str] = self.oidc_provider.arn
        self.primary_security_group_id: pulumi.Output[str] = self.cluster.vpc_config.cluster_security_group_id
        self.finish(
            {
                "name": self.name_output,
                "endpoint": self.endpoint,
                "oidc_provider_arn": self.oidc_provider_arn,
                "node_role_arn": self.node_role.arn,
                "node_security_group_id": self.node_security_group.id,
            }
        )

    def _access_entries(
        self, name: str, args: ClusterArgs, partition: pulumi.Input[str]
    ) -> list[aws.eks.AccessEntry]:
        """STANDARD access entries (any IAM principal type; EKS user guide "Create access entries").
        Admins get the cluster-admin access policy; every role also carries its Kubernetes groups, which
        RoleBindings to `kind: Group` subjects then match."""
        entries: list[aws.eks.AccessEntry] = []
        admins = list(args.admin_role_arns)
        by_principal: dict[str, list[pulumi.Resource]] = {}
        for role_arn, groups in principal_groups(admins, args.group_role_arns).items():
            urn_name = (
                child_name(name, f"admin-{admins.index(role_arn)}")
                if role_arn in admins
                else child_name(name, f"access-{access_entry_slug(role_arn)}")
            )
            entry = aws.eks.AccessEntry(
                urn_name,
                cluster_name=self.cluster.name,
                principal_arn=role_arn,
                type="STANDARD",
                kubernetes_groups=groups or None,
                opts=self.child_opts(),
            )
            entries.append(entry)
            by_principal[role_arn] = [entry]
            if role_arn in admins:
                by_principal[role_arn].append(
                    self._admin_policy(f"{urn_name}-policy", role_arn, entry, partition)
                )
        # The deployer: one of the listed principals (then its entry, made admin), or an entry of its own.
        deployer = args.deployer_arn
        if deployer is not None and deployer in by_principal:
            self.deployer_grants = by_principal[deployer]
            if deployer not in admins:
                admin = self._admin_policy(
                    child_name(name, "deployer-admin-policy"), deployer, by_principal[deployer][0], partition
                )
                self.deployer_grants.append(admin)
        else:
            principal = deployer or refuse_if_listed(caller_principal(self), list(by_principal))
            entry = aws.eks.AccessEntry(
                child_name(name, "deployer-admin"),
                cluster_name=self.cluster.name,
                principal_arn=principal,
                type="STANDARD",
                opts=self.child_opts(),
            )
            entries.append(entry)
            admin = self._admin_policy(child_name(name, "deployer-admin-policy"), principal, entry, partition)
            self.deployer_grants = [entry, admin]
        return entries

    def _admin_policy(
        self,
        urn_name: str,
        principal: pulumi.Input[str],
        entry: pulumi.Resource,
        partition: pulumi.Input[str],
    ) -> aws.eks.AccessPolicyAssociation:
        return aws.eks.AccessPolicyAssociation(
            urn_name,
            cluster_name=self.cluster.name,
            principal_arn=principal,
            policy_arn=make_arn(partition, "eks", "", "aws", CLUSTER_ADMIN_POLICY),
            access_scope=aws.eks.AccessPolicyAssociationAccessScopeArgs(type="cluster"),
            opts=self.child_opts(depends_on=[entry]),
        )

    def _node_role(self, name: str, args: ClusterArgs, partition: pulumi.Input[str]) -> None:
        """One node role shared by the managed node groups (EKS creates their access entries)."""
        self.node_role = aws.iam.Role(
            child_name(name, "node-role"),
            name=physical_name(args.cluster_name, "node", limit="aws:iam-role"),
            assume_role_policy=service_trust(["ec2.amazonaws.com"]),
            opts=self.child_opts(),
        )
        for p in NODE_ROLE_POLICIES:
            aws.iam.RolePolicyAttachment(
                child_name(name, f"node-role-{p}"),
                role=self.node_role.name,
                policy_arn=pulumi.Output.concat("arn:", partition, ":iam::aws:policy/", p),
                opts=self.child_opts(),
            )
