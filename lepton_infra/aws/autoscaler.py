"""`Autoscaler`: the Kubernetes cluster autoscaler (Helm) with an IRSA role scoped to this cluster's
node groups by tag, serving ProvisioningRequests (Kueue's all-or-nothing scale-up for GPU jobs) where
its pinned image serves their v1 API."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_kubernetes as k8s

from lepton_infra.aws.account import AwsAccount, lookup_account, make_arn
from lepton_infra.aws.iam import allow, document, irsa_role
from lepton_infra.core.args import at_least, one_of
from lepton_infra.core.cluster_handle import BEST_EFFORT_ATOMIC_SCALE_UP
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts.helm import HELM_DEFAULT_TIMEOUT_SECONDS, pinned_release

# The pins live with every other chart pin. Importing charts/pinned.py runs lepton_infra.kubernetes' package
# init (pulumi_kubernetes, which this module needs anyway for its RBAC objects); pinned.py itself is plain
# data.
from lepton_infra.kubernetes.charts.pinned import (
    CLUSTER_AUTOSCALER,
    CLUSTER_AUTOSCALER_IMAGE_TAGS,
    PROVISIONING_REQUEST_CRD_URL,
    PROVISIONING_REQUEST_V1_MINORS,
)

NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "cluster-autoscaler"
IMAGE_TAGS = CLUSTER_AUTOSCALER_IMAGE_TAGS
# The class that scales node groups up for a whole request at once (FAQ.md "Supported
# ProvisioningClasses", from 1.30.2). `check-capacity.autoscaling.x-k8s.io` only books capacity the
# cluster already has: GPU pools at zero would never pass it. It is NOT all-or-nothing on AWS (kubernetes/
# autoscaler at every pinned tag, cluster-autoscaler-1.33.6 to -1.36.1, read 2026-12-07): the AWS provider's
# AtomicIncreaseSize returns ErrNotImplemented (cloudprovider/aws/aws_cloud_provider.go), the executor then
# falls back to a plain IncreaseSize (core/scaleup/orchestrator/executor.go), and the request is marked
# Provisioned as soon as that size increase is accepted (provisioningrequest/besteffortatomic/
# provisioning_class.go), before any instance exists. What EC2 cannot deliver becomes a placeholder the
# autoscaler later removes (cloudprovider/aws/auto_scaling_groups.go); the instances that did launch stay.
# So Kueue admits the job, part of its pods may wait on nodes that never come, and waitForPodsReady (30 min)
# evicts and requeues it. `CapacityProvisioning.all_or_nothing=False` says so on the
# ProvisioningRequestConfig.
PROVISIONING_CLASS = BEST_EFFORT_ATOMIC_SCALE_UP
PROVISIONING_ROLE = "cluster-autoscaler-provisioning"


@dataclass
class AutoscalerArgs(ComponentArgs):
    cluster_name: pulumi.Input[str]
    """The EKS cluster it scales: it discovers the Auto Scaling groups tagged for it."""
    kubernetes_version: str
    """The cluster's minor: picks the cluster-autoscaler image pinned for it."""
    region: str
    """The cluster's region (the autoscaler's AWS API calls)."""
    oidc_provider_arn: pulumi.Input[str]
    """ARN of the cluster's IAM OIDC provider (`Cluster.oidc_provider_arn`): IRSA roles trust it."""
    oidc_issuer: pulumi.Input[str]
    """The cluster's OIDC issuer URL (`Cluster.oidc_issuer`): each IRSA role trusts one service account of
    it."""
    k8s_provider: pulumi.ProviderResource
    """The Kubernetes provider of the cluster (`Cluster.k8s_provider`): the in-cluster objects go through
    it."""
    platform: str
    """Prefix of IAM role names (`<name>-<environment>`)."""
    scale_down_unneeded_minutes: int = 10
    """Minutes a node stays unneeded before it is removed: idle GPU nodes cost dollars an hour. Default:
    10."""
    wait_for: Sequence[pulumi.Resource] = ()
    """Resources the in-cluster pieces wait for (the node pools), passed to the children themselves: a
    component's `depends_on` does not reach the children it creates. Default: none."""
    account: AwsAccount | None = None
    """The partition and account id every ARN here names (`aws.Platform` passes its one lookup). Default:
    looked up here with the provider's credentials (`aws.get_caller_identity`, `aws.get_partition`)."""
    node_group_name_prefixes: Sequence[str] = ()
    """`node_group_name_prefixes` of each managed node group it scales (`NodePool.node_group_name_prefixes`):
    the writes are scoped to the Auto Scaling groups EKS names after them. Default: every EKS-made group
    (`eks-*`), still only those carrying this cluster's tag."""
    provisioning_requests: bool = False
    """Serve ProvisioningRequests (install their CRD and RBAC, pass the flags) for Kueue; needs an image that
    serves their v1 API (`serves_provisioning_requests`). Default: off."""
    expander_priorities: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """Priority (as a string) -> Auto Scaling group name patterns, for the priority expander in front of
    least-waste: reserved capacity first, then on-demand, then spot (aws/fallback.py). Default: none,
    least-waste alone."""

    def problems(self) -> Iterator[Problem]:
        yield from one_of(
            "kubernetes_version",
            self.kubernetes_version,
            sorted(CLUSTER_AUTOSCALER_IMAGE_TAGS),
            "Kubernetes version (no cluster-autoscaler image is pinned for it)",
        )
        yield from at_least("scale_down_unneeded_minutes", self.scale_down_unneeded_minutes, 1)
        if self.provisioning_requests and self.kubernetes_version not in PROVISIONING_REQUEST_V1_MINORS:
            yield Problem(
                "provisioning_requests",
                True,
                f"the autoscaler for Kubernetes {self.kubernetes_version} "
                "does not serve the ProvisioningRequest v1 API Kueue creates",
                f"use Kubernetes {', '.join(sorted(PROVISIONING_REQUEST_V1_MINORS))}, or set it False",
            )


def serves_provisioning_requests(kubernetes_version: str) -> bool:
    return kubernetes_version in PROVISIONING_REQUEST_V1_MINORS


def image_tag(kubernetes_version: str) -> str:
    try:
        return IMAGE_TAGS[kubernetes_version]
    except KeyError:
        raise ValueError(
            f"no cluster-autoscaler image pinned for Kubernetes {kubernetes_version}; "
            f"known: {', '.join(sorted(IMAGE_TAGS))}"
        ) from None


def asg_name_patterns(node_group_name_prefixes: Sequence[str]) -> list[str]:
    """EKS names a managed node group's Auto Scaling group `eks-<node group name>-<uuid>` (node groups
    made before 2021 were `eks-<uuid>`; this platform creates its own), so a node group named from a
    prefix has a group matching `eks-<prefix>*`."""
    return sorted({f"eks-{p}*" for p in node_group_name_prefixes}) or ["eks-*"]


def autoscaler_policy(
    cluster_name: pulumi.Input[str],
    region: str = "*",
    account_id: pulumi.Input[str] = "*",
    *,
    partition: pulumi.Input[str],
    node_group_name_prefixes: Sequence[str] = (),
) -> pulumi.Output[str]:
    """Describe calls stay on `*`: the Service Authorization Reference lists no resource type for
    autoscaling:Describe* and ec2:Describe*/GetInstanceTypesFromInstanceRequirements (they authorize only
    on `*`). DescribeNodegroup is scoped to this cluster's node groups (EKS `nodegroup`), and the two
    writes to the Auto Scaling groups (`autoScalingGroup`) of this account and region named after this
    cluster's node groups that also carry the tag EKS puts on this cluster's groups: a pool of the same
    name in another cluster of the account matches the name but not the tag."""
    owned_tag = pulumi.Output.concat("aws:ResourceTag/k8s.io/cluster-autoscaler/", cluster_name)
    condition = owned_tag.apply(lambda k: {"StringEquals": {k: "owned"}})
    nodegroups = make_arn(
        partition, "eks", region, account_id, pulumi.Output.concat("nodegroup/", cluster_name, "/*/*")
    )
    groups = [
        make_arn(partition, "autoscaling", region, account_id, f"autoScalingGroup:*:autoScalingGroupName/{p}")
        for p in asg_name_patterns(node_group_name_prefixes)
    ]
    return pulumi.Output.json_dumps(
        document(
            [
                allow(
                    [
                        "autoscaling:DescribeAutoScalingGroups",
                        "autoscaling:DescribeAutoScalingInstances",
                        "autoscaling:DescribeLaunchConfigurations",
                        "autoscaling:DescribeScalingActivities",
                        "autoscaling:DescribeTags",
                        "ec2:DescribeImages",
                        "ec2:DescribeInstanceTypes",
                        "ec2:DescribeLaunchTemplateVersions",
                        "ec2:GetInstanceTypesFromInstanceRequirements",
                    ],
                    "*",
                    sid="DescribeOnlyIsUnscoped",
                ),
                allow(["eks:DescribeNodegroup"], [nodegroups], sid="ReadThisClustersNodeGroups"),
                allow(
                    ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                    groups,
                    sid="ScaleOnlyThisClustersGroups",
                    condition=condition,
                ),
            ]
        )
    )


def provisioning_args() -> dict[str, str]:
    """FAQ.md "Enabling ProvisioningRequest Support": the flag, and JSON towards the API server (the
    default protobuf cannot carry custom resources; 1.31 and 1.32 build the ProvisioningRequest client
    from the common client options)."""
    return {"enable-provisioning-requests": "true", "kube-api-content-type": "application/json"}


def provisioning_rules() -> list[dict[str, list[str]]]:
    """The RBAC FAQ.md lists for ProvisioningRequest support (at 1.36.1 as at 1.33.6). The pinned chart's
    ClusterRole (read 2026-12-07) grants part of it (provisioningrequests get/list/watch/update/patch,
    podtemplates), not create and delete; this role keeps the whole list, whatever the chart grants."""
    return [
        {
            "apiGroups": ["autoscaling.x-k8s.io"],
            "resources": ["provisioningrequests", "provisioningrequests/status"],
            "verbs": ["watch", "list", "get", "create", "update", "patch", "delete"],
        },
        {"apiGroups": [""], "resources": ["podtemplates"], "verbs": ["watch", "list", "get"]},
    ]


def chart_values(
    cluster_name: pulumi.Input[str],
    kubernetes_version: str,
    region: str,
    role_arn: pulumi.Input[str],
    unneeded_minutes: int,
    provisioning_requests: bool = False,
    expander_priorities: Mapping[str, Sequence[str]] | None = None,
) -> dict:
    return {
        "cloudProvider": "aws",
        "awsRegion": region,
        "autoDiscovery": {"clusterName": cluster_name},
        "image": {"tag": image_tag(kubernetes_version)},
        "rbac": {
            "serviceAccount": {
                "create": True,
                "name": SERVICE_ACCOUNT,
                "annotations": {"eks.amazonaws.com/role-arn": role_arn},
            }
        },
        "extraArgs": {
            # least-waste picks the group that leaves the fewest idle GPUs/CPUs after the pod lands; with
            # reserved capacity the priority expander first keeps the highest rung (aws/fallback.py).
            "expander": "priority,least-waste" if expander_priorities else "least-waste",
            "balance-similar-node-groups": "true",
            "skip-nodes-with-local-storage": "false",
            "scale-down-unneeded-time": f"{unneeded_minutes}m",
            "scale-down-delay-after-add": f"{unneeded_minutes}m",
            "scale-down-utilization-threshold": "0.5",
            # GPU nodes count as idle by their GPU use, not their CPU use.
            "scale-down-gpu-utilization-threshold": "0.5",
            "max-node-provision-time": "15m",  # large GPU instances take long to boot
            **(provisioning_args() if provisioning_requests else {}),
        },
        **(
            {"expanderPriorities": {k: list(v) for k, v in expander_priorities.items()}}
            if expander_priorities
            else {}
        ),
        "priorityClassName": "system-cluster-critical",
        "replicaCount": 1,
        "resources": {"requests": {"cpu": "100m", "memory": "300Mi"}, "limits": {"memory": "600Mi"}},
        "podDisruptionBudget": {"maxUnavailable": 1},
        "securityContext": {"runAsNonRoot": True, "runAsUser": 65534, "fsGroup": 65534},
        "containerSecurityContext": {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }


class Autoscaler(Component):
    TOKEN = "lepton:aws:Autoscaler"

    def __init__(self, name: str, args: AutoscalerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(name, args, opts)
        account = args.account or lookup_account(self)
        role = irsa_role(
            child_name(name, "irsa"),
            platform=args.platform,
            oidc_provider_arn=args.oidc_provider_arn,
            oidc_issuer=args.oidc_issuer,
            namespace=NAMESPACE,
            service_account=SERVICE_ACCOUNT,
            policy=autoscaler_policy(
                args.cluster_name,
                args.region,
                account.account_id,
                partition=account.partition,
                node_group_name_prefixes=args.node_group_name_prefixes,
            ),
            opts=self.child_opts(),
            description="cluster-autoscaler (scales only this cluster's node groups)",
        )
        k8s_opts = self.child_opts(provider=args.k8s_provider)
        before_release: list[pulumi.Resource] = []
        if args.provisioning_requests:
            version = image_tag(args.kubernetes_version).removeprefix("v")
            self.provisioning_crd: k8s.yaml.v2.ConfigFile | None = k8s.yaml.v2.ConfigFile(
                child_name(name, "provisioning-crd"),
                file=PROVISIONING_REQUEST_CRD_URL.format(version=version),
                opts=k8s_opts,
            )
            cluster_role = k8s.rbac.v1.ClusterRole(
                child_name(name, "provisioning-role"),
                metadata=k8s.meta.v1.ObjectMetaArgs(name=PROVISIONING_ROLE),
                rules=provisioning_rules(),  # type: ignore[arg-type]
                opts=k8s_opts,
            )
            binding = k8s.rbac.v1.ClusterRoleBinding(
                child_name(name, "provisioning-binding"),
                metadata=k8s.meta.v1.ObjectMetaArgs(name=PROVISIONING_ROLE),
                role_ref=k8s.rbac.v1.RoleRefArgs(
                    api_group="rbac.authorization.k8s.io", kind="ClusterRole", name=PROVISIONING_ROLE
                ),
                subjects=[
                    k8s.rbac.v1.SubjectArgs(kind="ServiceAccount", name=SERVICE_ACCOUNT, namespace=NAMESPACE)
                ],
                opts=k8s_opts,
            )
            before_release = [self.provisioning_crd, cluster_role, binding]
        else:
            self.provisioning_crd = None
        self.release = pinned_release(
            child_name(name, "chart"),
            CLUSTER_AUTOSCALER,
            NAMESPACE,
            chart_values(
                args.cluster_name,
                args.kubernetes_version,
                args.region,
                role.arn,
                args.scale_down_unneeded_minutes,
                args.provisioning_requests,
                args.expander_priorities,
            ),
            self.child_opts(provider=args.k8s_provider, depends_on=[*args.wait_for, *before_release]),
            timeout_seconds=HELM_DEFAULT_TIMEOUT_SECONDS,
        )
        self.role_arn: pulumi.Output[str] = role.arn
        self.finish({"role_arn": self.role_arn})
