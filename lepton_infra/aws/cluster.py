"""`Cluster`: the EKS control plane, its IAM, security groups, OIDC provider, access and kubeconfig."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from lepton_infra.aws.account import AwsAccount, lookup_account, make_arn
from lepton_infra.aws.arg_checks import cluster_problems
from lepton_infra.aws.deployer_access import caller_principal, refuse_if_listed
from lepton_infra.aws.iam import allow, document, service_trust
from lepton_infra.core.args import check_args
from lepton_infra.core.component import Component
from lepton_infra.core.kubeconfig import ExecCredential, exec_kubeconfig
from lepton_infra.core.naming import child_name, physical_name
from lepton_infra.core.propagation import wait_for

CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
CLUSTER_ADMIN_POLICY = "cluster-access-policy/AmazonEKSClusterAdminPolicy"  # arn:<partition>:eks::aws:<this>
# AWS requires these managed policies on the cluster and node roles; nothing else here is managed.
CLUSTER_ROLE_POLICIES = ("AmazonEKSClusterPolicy",)
NODE_ROLE_POLICIES = (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
)
# Control plane -> node ports: kubelet, and the admission webhooks/metrics APIs in-cluster charts serve.
CONTROL_PLANE_TO_NODE_PORTS = (
    (443, "webhooks on 443"),
    (4443, "metrics-server"),
    (6443, "webhooks"),
    (8443, "webhooks"),
    (9443, "webhooks"),
    (10250, "kubelet"),
)


@dataclass
class ClusterArgs:
    cluster_name: str
    """Cloud-side name of the EKS cluster (also used in subnet and autoscaler tags)."""
    version: str
    vpc_id: pulumi.Input[str]
    subnet_ids: Sequence[pulumi.Input[str]]
    key_id: pulumi.Input[str]
    region: str
    endpoint_public: bool = False
    """Private-only unless set; when public, only `public_access_cidrs` may reach it."""
    public_access_cidrs: Sequence[str] = field(default_factory=list)
    admin_role_arns: Sequence[str] = field(default_factory=list)
    deployer_arn: str | None = None
    """The IAM role that runs `pulumi up`, made cluster admin by an access entry (EKS's creator admin is
    off: aws/deployer_access.py). None: the caller's principal, read at deploy time."""
    group_role_arns: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Kubernetes group -> IAM roles that carry it (through their access entry's `kubernetes_groups`):
    how RBAC bindings to a Group (tenant admins) reach anyone on EKS."""
    private_access_cidrs: Sequence[str] = field(default_factory=list)
    """Networks (inside the VPC or routed to it: a deploy runner, VPN, peering) the cluster security
    group admits to the private endpoint on 443. Without one, only the nodes reach a private endpoint."""
    service_cidr: str = "172.20.0.0/16"
    support_type: str = "STANDARD"
    """EKS upgrade policy at the end of standard support: STANDARD upgrades the control plane then;
    EXTENDED keeps the minor in paid extended support (`cluster.support: extended`)."""
    log_retention_days: int = 90
    protect: bool = False
    account: AwsAccount | None = None
    """The partition and account (`aws.Platform` passes its one lookup); None: looked up here."""


def endpoint_access(public: bool, cidrs: Sequence[str]) -> tuple[bool, bool, list[str]]:
    """(private, public, cidrs). The private endpoint is always on, so nodes never hairpin through the
    internet; a public endpoint without CIDRs would mean 0.0.0.0/0, which is refused here (the spec
    must list 0.0.0.0/0 explicitly, behind its loud opt-in)."""
    if public and not cidrs:
        raise ValueError("a public EKS endpoint needs public_access_cidrs (never open by default)")
    return True, public, list(cidrs) if public else []


def principal_groups(
    admin_role_arns: Sequence[str], group_role_arns: Mapping[str, Sequence[str]]
) -> dict[str, list[str]]:
    """IAM principal -> its Kubernetes groups, admins first, then the other roles in first-seen order.
    EKS allows one access entry per principal, so a role that is both admin and a group's member gets
    one entry carrying both."""
    groups: dict[str, list[str]] = {arn: [] for arn in admin_role_arns}
    for group, arns in group_role_arns.items():
        for arn in arns:
            groups.setdefault(arn, [])
            if group not in groups[arn]:
                groups[arn].append(group)
    return {arn: sorted(g) for arn, g in groups.items()}


def access_entry_slug(role_arn: str) -> str:
    """A stable URN part for a role's access entry: account and role name (unique in the account)."""
    account = role_arn.split(":")[4]
    role = role_arn.rsplit("/", 1)[-1]
    return re.sub(r"[^a-z0-9]+", "-", f"{account}-{role}".lower()).strip("-")


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
        check_args(self.TOKEN, name, cluster_problems(args))  # before anything is registered
        super().__init__(name, opts)
        private, public, cidrs = endpoint_access(args.endpoint_public, args.public_access_cidrs)
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
        self._security_groups(name, args)

        self.cluster = aws.eks.Cluster(
            child_name(name, "eks"),
            name=args.cluster_name,
            version=args.version,
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

    def _security_groups(self, name: str, args: ClusterArgs) -> None:
        """Least-privilege groups in the terraform-aws-eks shape: nodes reach the API on 443; the control
        plane reaches kubelets and webhooks; nodes talk to each other (pod-to-pod); nodes egress."""
        self.cluster_security_group = aws.ec2.SecurityGroup(
            child_name(name, "cluster-sg"),
            vpc_id=args.vpc_id,
            description="EKS control plane (additional)",
            tags={"Name": f"{args.cluster_name}-cluster"},
            opts=self.child_opts(),
        )
        self.node_security_group = aws.ec2.SecurityGroup(
            child_name(name, "node-sg"),
            vpc_id=args.vpc_id,
            description="EKS nodes",
            tags={"Name": f"{args.cluster_name}-node", f"kubernetes.io/cluster/{args.cluster_name}": "owned"},
            opts=self.child_opts(),
        )
        cluster_sg, node_sg = self.cluster_security_group.id, self.node_security_group.id
        aws.vpc.SecurityGroupIngressRule(
            child_name(name, "cluster-from-nodes-443"),
            security_group_id=cluster_sg,
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            referenced_security_group_id=node_sg,
            description="Nodes to the Kubernetes API",
            opts=self.child_opts(),
        )
        for i, cidr in enumerate(args.private_access_cidrs):
            aws.vpc.SecurityGroupIngressRule(
                child_name(name, f"cluster-from-deployer-{i}"),
                security_group_id=cluster_sg,
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                cidr_ipv4=cidr,
                description="Kubernetes API from an authorized network (deploy runner, VPN)",
                opts=self.child_opts(),
            )
        for port, why in CONTROL_PLANE_TO_NODE_PORTS:
            aws.vpc.SecurityGroupIngressRule(
                child_name(name, f"node-from-cluster-{port}"),
                security_group_id=node_sg,
                ip_protocol="tcp",
                from_port=port,
                to_port=port,
                referenced_security_group_id=cluster_sg,
                description=f"Control plane to nodes: {why}",
                opts=self.child_opts(),
            )
        aws.vpc.SecurityGroupIngressRule(
            child_name(name, "node-from-nodes"),
            security_group_id=node_sg,
            ip_protocol="-1",
            referenced_security_group_id=node_sg,
            description="Node to node (pod networking)",
            opts=self.child_opts(),
        )
        aws.vpc.SecurityGroupEgressRule(
            child_name(name, "node-egress"),
            security_group_id=node_sg,
            ip_protocol="-1",
            cidr_ipv4="0.0.0.0/0",
            description="Nodes egress (images, AWS APIs) through NAT or endpoints",
            opts=self.child_opts(),
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
