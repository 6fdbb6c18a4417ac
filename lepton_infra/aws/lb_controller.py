"""`LoadBalancerController`: the AWS Load Balancer Controller (Helm) with an IRSA role scoped to this
cluster's load balancers, so Kubernetes Ingresses of class `alb` become ALBs.

The role's policy is derived from the controller's own `docs/install/iam_policy.json` at the pinned app
version (kubernetes-sigs/aws-load-balancer-controller v3.5.0), narrowed where the platform allows:
- every resource names this partition, region and account (upstream: `arn:aws:...:*:*:`);
- the ownership tag `elbv2.k8s.aws/cluster` must equal *this* cluster's name (upstream: any cluster), on
  create (request tag) and on every modify/delete (resource tag): the value the controller writes
  (pkg/deploy/tracking/provider.go: `elbv2.k8s.aws/cluster: <clusterName>`);
- the unconditioned security-group ingress rule is limited to this VPC (`ec2:Vpc`), as the controller's
  installation guide recommends; CreateSecurityGroup to this VPC;
- WAF, WAF Regional, Shield, Cognito and IAM server certificates are not granted: the chart turns the
  WAF/Shield add-ons off (`enableWaf`, `enableWafv2`, `enableShield`) and no route authenticates with
  Cognito or serves an IAM certificate. Outposts customer-owned IP pools (`ec2:GetCoipPoolUsage`) and IPAM
  pools (`elasticloadbalancing:ModifyIpPools`) are not granted either: the controller calls them only for
  the `customer-owned-ipv4-pool` / `ipam-ipv4-pool-id` annotations, which no route carries.
Describe/List calls authorize only on `*` (Service Authorization Reference) and stay unscoped.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pulumi

from lepton_infra.aws.account import AwsAccount, lookup_account, make_arn
from lepton_infra.aws.iam import allow, document, irsa_role
from lepton_infra.core.args import at_least
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.conventions import POOL_LABEL
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name
from lepton_infra.kubernetes.charts.helm import HELM_DEFAULT_TIMEOUT_SECONDS, pinned_release

# The pin lives with every other chart pin (core/data/chart_support.yaml; kubernetes/charts/pinned.py is
# plain data).
from lepton_infra.kubernetes.charts.pinned import AWS_LOAD_BALANCER_CONTROLLER

NAMESPACE = "kube-system"
SERVICE_ACCOUNT = "aws-load-balancer-controller"
INGRESS_CLASS = "alb"
OWNER_TAG = "elbv2.k8s.aws/cluster"

DESCRIBE_ACTIONS = (
    "ec2:DescribeAccountAttributes",
    "ec2:DescribeAddresses",
    "ec2:DescribeAvailabilityZones",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeVpcs",
    "ec2:DescribeVpcPeeringConnections",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeInstances",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeTags",
    "ec2:DescribeCoipPools",
    "ec2:DescribeIpamPools",
    "ec2:DescribeRouteTables",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancerAttributes",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeListenerCertificates",
    "elasticloadbalancing:DescribeSSLPolicies",
    "elasticloadbalancing:DescribeRules",
    "elasticloadbalancing:DescribeTargetGroups",
    "elasticloadbalancing:DescribeTargetGroupAttributes",
    "elasticloadbalancing:DescribeTargetHealth",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTrustStores",
    "elasticloadbalancing:DescribeListenerAttributes",
    "elasticloadbalancing:DescribeCapacityReservation",
    "acm:ListCertificates",
)


@dataclass
class LoadBalancerControllerArgs(ComponentArgs):
    cluster_name: pulumi.Input[str]
    """The EKS cluster: the controller's IAM policy and values are scoped to its load balancers."""
    region: str
    """The cluster's region (the controller's AWS API calls)."""
    vpc_id: pulumi.Input[str]
    """The VPC its load balancers and target groups live in."""
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
    replicas: int = 1
    """Controller pods; with more than one a PodDisruptionBudget keeps one up. Default: 1 (the platform runs 2
    in prod)."""
    system_pool: str | None = None
    """Pool the controller runs on (an on-demand CPU pool with nodes). Default: none, any node."""
    wait_for: Sequence[pulumi.Resource] = ()
    """Resources the in-cluster pieces wait for (the node pools), passed to the children themselves: a
    component's `depends_on` does not reach the children it creates. Default: none."""
    account: AwsAccount | None = None
    """The partition and account id every ARN here names (`aws.Platform` passes its one lookup). Default:
    looked up here with the provider's credentials (`aws.get_caller_identity`, `aws.get_partition`)."""

    def problems(self) -> Iterator[Problem]:
        yield from at_least("replicas", self.replicas, 1, "the controller's webhooks admit every Ingress")


def controller_policy(
    cluster_name: pulumi.Input[str],
    vpc_id: pulumi.Input[str],
    region: str,
    account_id: pulumi.Input[str],
    *,
    partition: pulumi.Input[str],
) -> pulumi.Output[str]:
    def arn(service: str, resource: pulumi.Input[str]) -> pulumi.Output[str]:
        return make_arn(partition, service, region, account_id, resource)

    groups = arn("ec2", "security-group/*")
    vpc = arn("ec2", pulumi.Output.concat("vpc/", vpc_id))
    balancers = [arn("elasticloadbalancing", r) for r in ("loadbalancer/app/*/*", "loadbalancer/net/*/*")]
    target_groups = arn("elasticloadbalancing", "targetgroup/*/*")
    listeners = [arn("elasticloadbalancing", r) for r in ("listener/app/*/*/*", "listener/net/*/*/*")]
    rules = [arn("elasticloadbalancing", r) for r in ("listener-rule/app/*/*/*", "listener-rule/net/*/*/*")]
    owned = pulumi.Output.from_input(cluster_name).apply(
        lambda c: {
            "request": {"StringEquals": {f"aws:RequestTag/{OWNER_TAG}": c}},
            "resource": {"StringEquals": {f"aws:ResourceTag/{OWNER_TAG}": c}},
            "retag": {
                "Null": {f"aws:RequestTag/{OWNER_TAG}": "true"},
                "StringEquals": {f"aws:ResourceTag/{OWNER_TAG}": c},
            },
            "sg_create": {
                "StringEquals": {"ec2:CreateAction": "CreateSecurityGroup", f"aws:RequestTag/{OWNER_TAG}": c}
            },
            "lb_create": {
                "StringEquals": {
                    "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
                    f"aws:RequestTag/{OWNER_TAG}": c,
                }
            },
        }
    )
    in_vpc = pulumi.Output.from_input(vpc).apply(lambda v: {"ArnEquals": {"ec2:Vpc": v}})
    return pulumi.Output.json_dumps(
        document(
            [
                allow(
                    ["iam:CreateServiceLinkedRole"],
                    [
                        make_arn(
                            partition,
                            "iam",
                            "",
                            account_id,
                            "role/aws-service-role/elasticloadbalancing.amazonaws.com/"
                            "AWSServiceRoleForElasticLoadBalancing",
                        )
                    ],
                    sid="ElbServiceLinkedRole",
                    condition={"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}},
                ),
                allow(list(DESCRIBE_ACTIONS), "*", sid="DescribeOnlyIsUnscoped"),
                allow(["acm:DescribeCertificate"], [arn("acm", "certificate/*")], sid="ReadCertificates"),
                allow(["ec2:GetSecurityGroupsForVpc"], [vpc], sid="ReadThisVpcsGroups"),
                allow(
                    ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
                    [groups],
                    sid="OpenTargetsToTheAlbInThisVpc",
                    condition=in_vpc,
                ),
                allow(["ec2:CreateSecurityGroup"], [groups, vpc], sid="CreateGroupsInThisVpc"),
                allow(["ec2:CreateTags"], [groups], sid="TagGroupsItCreates", condition=owned["sg_create"]),
                allow(
                    ["ec2:CreateTags", "ec2:DeleteTags"],
                    [groups],
                    sid="RetagOwnedGroups",
                    condition=owned["retag"],
                ),
                allow(
                    [
                        "ec2:AuthorizeSecurityGroupIngress",
                        "ec2:RevokeSecurityGroupIngress",
                        "ec2:DeleteSecurityGroup",
                    ],
                    [groups],
                    sid="ChangeOwnedGroups",
                    condition=owned["resource"],
                ),
                allow(
                    ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
                    [*balancers, target_groups],
                    sid="CreateOwnedBalancers",
                    condition=owned["request"],
                ),
                allow(
                    [
                        "elasticloadbalancing:CreateListener",
                        "elasticloadbalancing:DeleteListener",
                        "elasticloadbalancing:CreateRule",
                        "elasticloadbalancing:DeleteRule",
                    ],
                    [*balancers, *listeners, *rules],
                    sid="ListenersAndRules",
                ),
                allow(
                    ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
                    [target_groups, *balancers],
                    sid="RetagOwnedBalancers",
                    condition=owned["retag"],
                ),
                allow(
                    ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
                    [*listeners, *rules],
                    sid="TagListenersAndRules",
                ),
                allow(
                    [
                        "elasticloadbalancing:ModifyLoadBalancerAttributes",
                        "elasticloadbalancing:SetIpAddressType",
                        "elasticloadbalancing:SetSecurityGroups",
                        "elasticloadbalancing:SetSubnets",
                        "elasticloadbalancing:DeleteLoadBalancer",
                        "elasticloadbalancing:ModifyTargetGroup",
                        "elasticloadbalancing:ModifyTargetGroupAttributes",
                        "elasticloadbalancing:DeleteTargetGroup",
                        "elasticloadbalancing:ModifyListenerAttributes",
                        "elasticloadbalancing:ModifyCapacityReservation",
                    ],
                    [*balancers, target_groups, *listeners],
                    sid="ChangeOwnedBalancers",
                    condition=owned["resource"],
                ),
                allow(
                    ["elasticloadbalancing:AddTags"],
                    [target_groups, *balancers],
                    sid="TagOnCreate",
                    condition=owned["lb_create"],
                ),
                allow(
                    ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"],
                    [target_groups],
                    sid="RegisterPodTargets",
                ),
                allow(
                    [
                        "elasticloadbalancing:ModifyListener",
                        "elasticloadbalancing:AddListenerCertificates",
                        "elasticloadbalancing:RemoveListenerCertificates",
                        "elasticloadbalancing:ModifyRule",
                        "elasticloadbalancing:SetRulePriorities",
                    ],
                    [*listeners, *rules],
                    sid="ChangeListenersAndRules",
                ),
            ]
        )
    )


def chart_values(
    cluster_name: pulumi.Input[str],
    region: str,
    vpc_id: pulumi.Input[str],
    role_arn: pulumi.Input[str],
    replicas: int,
    system_pool: str | None,
) -> dict:
    values: dict = {
        "clusterName": cluster_name,
        # Nodes answer IMDS only to themselves (hop limit 1): region and VPC are given, not discovered.
        "region": region,
        "vpcId": vpc_id,
        "serviceAccount": {
            "create": True,
            "name": SERVICE_ACCOUNT,
            "annotations": {"eks.amazonaws.com/role-arn": role_arn},
        },
        "replicaCount": replicas,
        "ingressClass": INGRESS_CLASS,
        "createIngressClassResource": True,
        # Services of type LoadBalancer keep their own controller: the webhook would otherwise make this one
        # the default for every new such Service (installation guide, "When using ... v2.5+").
        "enableServiceMutatorWebhook": False,
        # Neither WAF nor Shield is used; off, the controller never calls them (so its role holds no grant).
        "enableShield": False,
        "enableWaf": False,
        "enableWafv2": False,
        "defaultTargetType": "ip",
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
        "securityContext": {
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
    }
    if replicas > 1:
        values["podDisruptionBudget"] = {"maxUnavailable": 1}
    if system_pool:
        values["nodeSelector"] = {POOL_LABEL: system_pool}
    return values


class LoadBalancerController(Component):
    TOKEN = "lepton:aws:LoadBalancerController"

    def __init__(
        self, name: str, args: LoadBalancerControllerArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        account = args.account or lookup_account(self)
        role = irsa_role(
            child_name(name, "irsa"),
            platform=args.platform,
            oidc_provider_arn=args.oidc_provider_arn,
            oidc_issuer=args.oidc_issuer,
            namespace=NAMESPACE,
            service_account=SERVICE_ACCOUNT,
            policy=controller_policy(
                args.cluster_name, args.vpc_id, args.region, account.account_id, partition=account.partition
            ),
            opts=self.child_opts(),
            description="aws-load-balancer-controller (only this cluster's load balancers)",
        )
        # Its webhooks must answer before any Ingress is admitted: the release (atomic) waits for the pods.
        self.release = pinned_release(
            child_name(name, "chart"),
            AWS_LOAD_BALANCER_CONTROLLER,
            NAMESPACE,
            chart_values(
                args.cluster_name, args.region, args.vpc_id, role.arn, args.replicas, args.system_pool
            ),
            self.child_opts(provider=args.k8s_provider, depends_on=list(args.wait_for)),
            timeout_seconds=HELM_DEFAULT_TIMEOUT_SECONDS,
        )
        self.role_arn: pulumi.Output[str] = role.arn
        self.finish({"role_arn": self.role_arn})
