"""`Autoscaler`: the Kubernetes cluster autoscaler (Helm) with an IRSA role scoped to this cluster's
node groups by tag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.aws.account import AwsAccount, lookup_account, make_arn
from lepton_infra.aws.arg_checks import autoscaler_problems
from lepton_infra.aws.iam import allow, document, irsa_role
from lepton_infra.core.args import check_args
from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name

# The pins live with every other chart pin. Importing charts.py runs lepton_infra.kubernetes' package
# init (pulumi_kubernetes, which this module needs anyway for the Release); charts.py itself is plain data.
from lepton_infra.kubernetes.charts import CLUSTER_AUTOSCALER, CLUSTER_AUTOSCALER_IMAGE_TAGS

NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "cluster-autoscaler"
IMAGE_TAGS = CLUSTER_AUTOSCALER_IMAGE_TAGS


@dataclass
class AutoscalerArgs:
    cluster_name: pulumi.Input[str]
    kubernetes_version: str
    region: str
    oidc_provider_arn: pulumi.Input[str]
    oidc_issuer: pulumi.Input[str]
    k8s_provider: pulumi.ProviderResource
    platform: str
    """Prefix of IAM role names."""
    scale_down_unneeded_minutes: int = 10
    """Idle GPU nodes cost dollars an hour: remove them after this many idle minutes."""
    wait_for: Sequence[pulumi.Resource] = ()
    """Resources the in-cluster pieces wait for (the node pools). Passed to the children themselves:
    a component's `depends_on` does not reach the children it creates."""
    account: AwsAccount | None = None
    """The partition and account (`aws.Platform` passes its one lookup); None: looked up here."""
    node_group_name_prefixes: Sequence[str] = ()
    """`node_group_name_prefix` of each managed node group it scales (`NodePool.node_group_name_prefix`):
    the writes are scoped to the Auto Scaling groups EKS names after them. Empty: every EKS-made group
    (`eks-*`), still only those carrying this cluster's tag."""


def image_tag(kubernetes_version: str) -> str:
    try:
        return IMAGE_TAGS[kubernetes_version]
    except KeyError:
        raise ValueError(f"no cluster-autoscaler image pinned for Kubernetes {kubernetes_version}; "
                         f"known: {', '.join(sorted(IMAGE_TAGS))}") from None


def asg_name_patterns(node_group_name_prefixes: Sequence[str]) -> list[str]:
    """EKS names a managed node group's Auto Scaling group `eks-<node group name>-<uuid>` (node groups
    made before 2021 were `eks-<uuid>`; this platform creates its own), so a node group named from a
    prefix has a group matching `eks-<prefix>*`."""
    return sorted({f"eks-{p}*" for p in node_group_name_prefixes}) or ["eks-*"]


def autoscaler_policy(cluster_name: pulumi.Input[str], region: str = "*",
                      account_id: pulumi.Input[str] = "*", *, partition: pulumi.Input[str],
                      node_group_name_prefixes: Sequence[str] = ()) -> pulumi.Output[str]:
    """Describe calls stay on `*`: the Service Authorization Reference lists no resource type for
    autoscaling:Describe* and ec2:Describe*/GetInstanceTypesFromInstanceRequirements (they authorize only
    on `*`). DescribeNodegroup is scoped to this cluster's node groups (EKS `nodegroup`), and the two
    writes to the Auto Scaling groups (`autoScalingGroup`) of this account and region named after this
    cluster's node groups that also carry the tag EKS puts on this cluster's groups: a pool of the same
    name in another cluster of the account matches the name but not the tag."""
    owned_tag = pulumi.Output.concat("aws:ResourceTag/k8s.io/cluster-autoscaler/", cluster_name)
    condition = owned_tag.apply(lambda k: {"StringEquals": {k: "owned"}})
    nodegroups = make_arn(partition, "eks", region, account_id, pulumi.Output.concat("nodegroup/", cluster_name, "/*/*"))
    groups = [make_arn(partition, "autoscaling", region, account_id, f"autoScalingGroup:*:autoScalingGroupName/{p}")
              for p in asg_name_patterns(node_group_name_prefixes)]
    return pulumi.Output.json_dumps(document([
        allow(["autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
               "autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
               "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
               "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements"],
              "*", sid="DescribeOnlyIsUnscoped"),
        allow(["eks:DescribeNodegroup"], [nodegroups], sid="ReadThisClustersNodeGroups"),
        allow(["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"], groups,
              sid="ScaleOnlyThisClustersGroups", condition=condition),
    ]))


def chart_values(cluster_name: pulumi.Input[str], kubernetes_version: str, region: str,
                 role_arn: pulumi.Input[str], unneeded_minutes: int) -> dict:
    return {
        "cloudProvider": "aws",
        "awsRegion": region,
        "autoDiscovery": {"clusterName": cluster_name},
        "image": {"tag": image_tag(kubernetes_version)},
        "rbac": {"serviceAccount": {"create": True, "name": SERVICE_ACCOUNT,
                                    "annotations": {"eks.amazonaws.com/role-arn": role_arn}}},
        "extraArgs": {
            # least-waste picks the group that leaves the fewest idle GPUs/CPUs after the pod lands.
            "expander": "least-waste",
            "balance-similar-node-groups": "true",
            "skip-nodes-with-local-storage": "false",
            "scale-down-unneeded-time": f"{unneeded_minutes}m",
            "scale-down-delay-after-add": f"{unneeded_minutes}m",
            "scale-down-utilization-threshold": "0.5",
            # GPU nodes count as idle by their GPU use, not their CPU use.
            "scale-down-gpu-utilization-threshold": "0.5",
            "max-node-provision-time": "15m",  # large GPU instances take long to boot
        },
        "priorityClassName": "system-cluster-critical",
        "replicaCount": 1,
        "resources": {"requests": {"cpu": "100m", "memory": "300Mi"}, "limits": {"memory": "600Mi"}},
        "podDisruptionBudget": {"maxUnavailable": 1},
        "securityContext": {"runAsNonRoot": True, "runAsUser": 65534, "fsGroup": 65534},
        "containerSecurityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                     "capabilities": {"drop": ["ALL"]},
                                     "seccompProfile": {"type": "RuntimeDefault"}},
    }


class Autoscaler(Component):
    TOKEN = "lepton:aws:Autoscaler"

    def __init__(self, name: str, args: AutoscalerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        check_args(self.TOKEN, name, autoscaler_problems(args))  # before anything is registered
        super().__init__(name, opts)
        account = args.account or lookup_account(self)
        role = irsa_role(
            child_name(name, "irsa"), platform=args.platform, oidc_provider_arn=args.oidc_provider_arn,
            oidc_issuer=args.oidc_issuer, namespace=NAMESPACE, service_account=SERVICE_ACCOUNT,
            policy=autoscaler_policy(args.cluster_name, args.region, account.account_id,
                                     partition=account.partition,
                                     node_group_name_prefixes=args.node_group_name_prefixes),
            opts=self.child_opts(),
            description="cluster-autoscaler (scales only this cluster's node groups)",
        )
        self.release = k8s.helm.v3.Release(
            child_name(name, "chart"),
            name=CLUSTER_AUTOSCALER.release,
            chart=CLUSTER_AUTOSCALER.chart,
            version=CLUSTER_AUTOSCALER.version,
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=CLUSTER_AUTOSCALER.repo),
            namespace=NAMESPACE,
            values=chart_values(args.cluster_name, args.kubernetes_version, args.region, role.arn,
                                args.scale_down_unneeded_minutes),
            atomic=True,
            cleanup_on_fail=True,
            opts=self.child_opts(provider=args.k8s_provider, depends_on=list(args.wait_for)),
        )
        self.role_arn: pulumi.Output[str] = role.arn
        self.finish({"role_arn": self.role_arn})
