"""Component tests: one planned dev platform (default providers disabled), each security or scaling
property asserted on the recorded inputs, one by one."""

from __future__ import annotations

import json

import pytest

from lepton_infra.aws.iam import has_admin_wildcard
from lepton_infra.core import conventions as conv
from lepton_infra.core.cluster_handle import ClusterHandle
from tests.aws.aws_plan_support import SPEC, TENANT_PREFIX, AwsPlan

LT = "aws:ec2/launchTemplate:LaunchTemplate"
NG = "aws:eks/nodeGroup:NodeGroup"
ASG_TAG = "aws:autoscaling/tag:Tag"
TEMPLATE = "k8s.io/cluster-autoscaler/node-template"


@pytest.fixture(scope="module")
def key_arn(aws_plan: AwsPlan) -> str:
    return aws_plan.graph.one("lepton:aws:EncryptionKey", "testai-key").outputs["arn"]


def _doc(resource, field: str = "policy") -> dict:
    return json.loads(resource.inputs[field])


# --- NodePool: launch template -----------------------------------------------------------------------


@pytest.mark.parametrize("pool", ["system", "l4-spot", "h100"])
def test_imdsv2_required(aws_plan: AwsPlan, pool: str) -> None:
    assert aws_plan.one(LT, f"testai-pool-{pool}-lt").get("metadataOptions.httpTokens") == "required"


@pytest.mark.parametrize("pool", ["system", "l4-spot", "h100"])
def test_imds_hop_limit_one(aws_plan: AwsPlan, pool: str) -> None:
    assert aws_plan.one(LT, f"testai-pool-{pool}-lt").get("metadataOptions.httpPutResponseHopLimit") == 1


@pytest.mark.parametrize("pool", ["system", "l4-spot", "h100"])
def test_root_volume_gp3_encrypted_with_cmk(aws_plan: AwsPlan, pool: str, key_arn: str) -> None:
    ebs = aws_plan.one(LT, f"testai-pool-{pool}-lt").get("blockDeviceMappings.0.ebs")
    assert ebs["volumeType"] == "gp3"
    assert ebs["encrypted"] == "true"
    assert ebs["kmsKeyId"] == key_arn


def test_root_volume_size_from_spec(aws_plan: AwsPlan) -> None:
    assert aws_plan.one(LT, "testai-pool-h100-lt").get("blockDeviceMappings.0.ebs.volumeSize") == 500


def test_launch_template_uses_node_security_group(aws_plan: AwsPlan) -> None:
    node_sg = aws_plan.graph.one("lepton:aws:Cluster", "testai-cluster").outputs["node_security_group_id"]
    assert aws_plan.one(LT, "testai-pool-system-lt").get("vpcSecurityGroupIds") == [node_sg]


# --- NodePool: node group ----------------------------------------------------------------------------


def test_gpu_pool_uses_nvidia_ami(aws_plan: AwsPlan) -> None:
    assert aws_plan.one(NG, "testai-pool-h100-ng").get("amiType") == "AL2023_x86_64_NVIDIA"


def test_cpu_pool_uses_standard_ami(aws_plan: AwsPlan) -> None:
    assert aws_plan.one(NG, "testai-pool-system-ng-a").get("amiType") == "AL2023_x86_64_STANDARD"


@pytest.mark.parametrize("pool", ["l4-spot", "h100"])
def test_gpu_taint(aws_plan: AwsPlan, pool: str) -> None:
    assert aws_plan.one(NG, f"testai-pool-{pool}-ng").get("taints") == [
        {"key": conv.GPU_TAINT_KEY, "value": conv.GPU_TAINT_VALUE, "effect": "NO_SCHEDULE"}
    ]


def test_cpu_pool_has_no_taint(aws_plan: AwsPlan) -> None:
    assert aws_plan.one(NG, "testai-pool-system-ng-a").get("taints") in (None, [])


def test_gpu_labels(aws_plan: AwsPlan) -> None:
    labels = aws_plan.one(NG, "testai-pool-l4-spot-ng").get("labels")
    assert labels[conv.POOL_LABEL] == "l4-spot"
    assert labels[conv.GPU_TYPE_LABEL] == "l4"
    assert labels[conv.GPU_PRESENT_LABEL] == "true"
    assert labels["workload"] == "inference"  # the spec's extra labels survive


def test_cpu_labels_have_no_gpu_keys(aws_plan: AwsPlan) -> None:
    labels = aws_plan.one(NG, "testai-pool-system-ng-a").get("labels")
    assert labels == {conv.POOL_LABEL: "system"}


def test_spot_pool_is_spot_with_same_shape_instance_types(aws_plan: AwsPlan) -> None:
    ng = aws_plan.one(NG, "testai-pool-l4-spot-ng")
    assert ng.get("capacityType") == "SPOT"
    # The catalog's cheapest 1x L4; no other type has its shape (one L4, 4 vCPUs, 16 GiB).
    assert ng.get("instanceTypes") == ["g6.xlarge"]


def test_on_demand_pool_has_one_instance_type(aws_plan: AwsPlan) -> None:
    ng = aws_plan.one(NG, "testai-pool-h100-ng")
    assert ng.get("capacityType") == "ON_DEMAND"
    assert ng.get("instanceTypes") == ["p5.48xlarge"]


@pytest.mark.parametrize("pool", ["system", "l4-spot", "h100"])
def test_desired_size_ignored_after_creation(aws_plan: AwsPlan, pool: str) -> None:
    # The CPU pool has one group per zone (test_zonal_node_groups.py): its first zone's stands for them.
    ng = f"testai-pool-{pool}-ng-a" if pool == "system" else f"testai-pool-{pool}-ng"
    assert "scalingConfig.desiredSize" in aws_plan.one(NG, ng).ignore_changes


def test_scaling_bounds_from_spec(aws_plan: AwsPlan) -> None:
    assert aws_plan.one(NG, "testai-pool-l4-spot-ng").get("scalingConfig") == {
        "minSize": 0,
        "maxSize": 4,
        "desiredSize": 0,
    }


def test_pool_is_replaced_create_before_delete(aws_plan: AwsPlan) -> None:
    ng = aws_plan.one(NG, "testai-pool-h100-ng")
    assert ng.get("nodeGroupNamePrefix") == "h100-"  # no fixed name, so a replacement cannot clash
    assert ng.get("nodeGroupName") is None
    assert ng.delete_before_replace is False


def test_gpu_pool_rolls_one_node_at_a_time(aws_plan: AwsPlan) -> None:
    assert aws_plan.one(NG, "testai-pool-h100-ng").get("updateConfig.maxUnavailable") == 1


def test_node_auto_repair_is_off_on_gpu_groups(aws_plan: AwsPlan) -> None:
    # The agent's latched DCGM condition (aws/eks-node-monitoring-agent#266) would replace healthy GPU nodes.
    assert aws_plan.one(NG, "testai-pool-h100-ng").get("nodeRepairConfig.enabled") is False


# --- NodePool: ASG node-template tags (scale from zero) ----------------------------------------------


def _asg_tags(aws_plan: AwsPlan, pool: str) -> dict[str, str]:
    component = aws_plan.graph.one("lepton:aws:NodePool", f"testai-pool-{pool}")
    tags = [r for r in aws_plan.graph.children(component.urn) if r.type == ASG_TAG]
    return {t.get("tag.key"): t.get("tag.value") for t in tags}


def test_gpu_pool_asg_tags_carry_gpu_resources(aws_plan: AwsPlan) -> None:
    assert _asg_tags(aws_plan, "h100")[f"{TEMPLATE}/resources/nvidia.com/gpu"] == "8"


def test_gpu_pool_asg_tags_carry_taint(aws_plan: AwsPlan) -> None:
    assert _asg_tags(aws_plan, "l4-spot")[f"{TEMPLATE}/taint/nvidia.com/gpu"] == "present:NoSchedule"


def test_gpu_pool_asg_tags_carry_labels(aws_plan: AwsPlan) -> None:
    tags = _asg_tags(aws_plan, "l4-spot")
    assert tags[f"{TEMPLATE}/label/{conv.POOL_LABEL}"] == "l4-spot"
    assert tags[f"{TEMPLATE}/label/{conv.GPU_TYPE_LABEL}"] == "l4"
    assert tags[f"{TEMPLATE}/label/{conv.GPU_PRESENT_LABEL}"] == "true"
    assert tags[f"{TEMPLATE}/label/workload"] == "inference"


def test_cpu_pool_asg_tags_have_no_gpu(aws_plan: AwsPlan) -> None:
    tags = _asg_tags(aws_plan, "system")
    assert not any("nvidia.com/gpu" in k or "/taint/" in k for k in tags)
    assert tags[f"{TEMPLATE}/label/{conv.POOL_LABEL}"] == "system"


def test_asg_tags_announce_root_disk_for_ephemeral_storage(aws_plan: AwsPlan) -> None:
    assert _asg_tags(aws_plan, "h100")[f"{TEMPLATE}/resources/ephemeral-storage"] == "500Gi"


def test_asg_tags_target_the_node_groups_asg(aws_plan: AwsPlan) -> None:
    component = aws_plan.graph.one("lepton:aws:NodePool", "testai-pool-h100")
    asg = component.outputs["autoscaling_group_name"]
    tags = [r for r in aws_plan.graph.children(component.urn) if r.type == ASG_TAG]
    assert asg.startswith("eks-h100-")
    assert {t.get("autoscalingGroupName") for t in tags} == {asg}
    assert all(t.get("tag.propagateAtLaunch") is False for t in tags)


# --- EncryptionKey -----------------------------------------------------------------------------------


def test_key_rotation_on(aws_plan: AwsPlan) -> None:
    assert aws_plan.one("aws:kms/key:Key", "testai-key-key").get("enableKeyRotation") is True


def test_key_deletion_window_short_in_dev(aws_plan: AwsPlan) -> None:
    assert aws_plan.one("aws:kms/key:Key", "testai-key-key").get("deletionWindowInDays") == 7


def test_alias_name_and_delete_before_replace(aws_plan: AwsPlan) -> None:
    alias = aws_plan.one("aws:kms/alias:Alias", "testai-key-alias")
    assert alias.get("name") == "alias/testai-dev"
    assert alias.delete_before_replace is True


def test_key_policy_grants_logs_and_autoscaling(aws_plan: AwsPlan) -> None:
    statements = _doc(aws_plan.one("aws:kms/key:Key", "testai-key-key"))["Statement"]
    by_sid = {s["Sid"]: s for s in statements}
    assert by_sid["CloudWatchLogsEncryptsThisAccountsLogGroups"]["Principal"] == {
        "Service": "logs.us-east-1.amazonaws.com"
    }
    assert "ArnLike" in by_sid["CloudWatchLogsEncryptsThisAccountsLogGroups"]["Condition"]
    assert by_sid["AutoScalingUsesKeyForEbs"]["Principal"]["AWS"].endswith(
        "role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    )
    assert by_sid["AutoScalingGrantsForEbsOnly"]["Condition"] == {
        "Bool": {"kms:GrantIsForAWSResource": "true"}
    }


# --- CMK everywhere ----------------------------------------------------------------------------------


def test_cmk_encrypts_cluster_secrets(aws_plan: AwsPlan, key_arn: str) -> None:
    eks = aws_plan.one("aws:eks/cluster:Cluster", "testai-cluster-eks")
    assert eks.get("encryptionConfig.resources") == ["secrets"]
    assert eks.get("encryptionConfig.provider.keyArn") == key_arn


def test_cmk_encrypts_every_log_group(aws_plan: AwsPlan, key_arn: str) -> None:
    groups = aws_plan.graph.of_type("aws:cloudwatch/logGroup:LogGroup")
    assert len(groups) == 6  # control plane, flow logs, 4 Container Insights groups
    assert {g.get("kmsKeyId") for g in groups} == {key_arn}
    assert all(g.get("retentionInDays") for g in groups)


def test_cmk_encrypts_sns_topic(aws_plan: AwsPlan, key_arn: str) -> None:
    assert aws_plan.one("aws:sns/topic:Topic", "testai-monitoring-alerts").get("kmsMasterKeyId") == key_arn


def test_cmk_encrypts_bucket_with_bucket_key(aws_plan: AwsPlan, key_arn: str) -> None:
    rule = aws_plan.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "testai-artifacts-models-sse",
    ).get("rules.0")
    assert rule["applyServerSideEncryptionByDefault"] == {
        "sseAlgorithm": "aws:kms",
        "kmsMasterKeyId": key_arn,
    }
    assert rule["bucketKeyEnabled"] is True


def test_cmk_encrypts_registry(aws_plan: AwsPlan, key_arn: str) -> None:
    repo = aws_plan.one("aws:ecr/repository:Repository", "testai-artifacts-images")
    assert repo.get("encryptionConfigurations") == [{"encryptionType": "KMS", "kmsKey": key_arn}]


def test_cmk_encrypts_gp3_storage_class(aws_plan: AwsPlan, key_arn: str) -> None:
    sc = aws_plan.one("kubernetes:storage.k8s.io/v1:StorageClass", "testai-addons-gp3")
    params = sc.get("parameters")
    assert {k: v for k, v in params.items() if not k.startswith("tagSpecification_")} == {
        "type": "gp3",
        "encrypted": "true",
        "kmsKeyId": key_arn,
        "fsType": "ext4",
    }
    # Every PVC volume carries the platform's tags (the budget counts them).
    assert "deployment=testai-dev" in params.values()
    assert sc.get("metadata.annotations")["storageclass.kubernetes.io/is-default-class"] == "true"


# --- Cluster -----------------------------------------------------------------------------------------


def test_all_control_plane_log_types(aws_plan: AwsPlan) -> None:
    eks = aws_plan.one("aws:eks/cluster:Cluster", "testai-cluster-eks")
    # Every control-plane log type EKS offers (EKS user guide, "control-plane-logs").
    assert sorted(eks.get("enabledClusterLogTypes")) == [
        "api",
        "audit",
        "authenticator",
        "controllerManager",
        "scheduler",
    ]


def test_dev_endpoint_public_only_to_authorized_networks(aws_plan: AwsPlan) -> None:
    vpc = aws_plan.one("aws:eks/cluster:Cluster", "testai-cluster-eks").get("vpcConfig")
    assert vpc["endpointPublicAccess"] is True
    assert vpc["endpointPrivateAccess"] is True
    assert vpc["publicAccessCidrs"] == SPEC["cluster"]["authorized_networks"]


def test_api_authentication_mode(aws_plan: AwsPlan) -> None:
    assert (
        aws_plan.one("aws:eks/cluster:Cluster", "testai-cluster-eks").get("accessConfig.authenticationMode")
        == "API"
    )


def test_standard_support_only(aws_plan: AwsPlan) -> None:
    assert (
        aws_plan.one("aws:eks/cluster:Cluster", "testai-cluster-eks").get("upgradePolicy.supportType")
        == "STANDARD"
    )


def test_cluster_version_from_spec(aws_plan: AwsPlan) -> None:
    assert aws_plan.one("aws:eks/cluster:Cluster", "testai-cluster-eks").get("version") == "1.36"


def test_control_plane_log_group_created_before_cluster(aws_plan: AwsPlan) -> None:
    logs = aws_plan.one("aws:cloudwatch/logGroup:LogGroup", "testai-cluster-logs")
    assert logs.get("name") == "/aws/eks/testai-dev/cluster"
    assert logs.urn in aws_plan.one("aws:eks/cluster:Cluster", "testai-cluster-eks").dependencies


def test_access_entry_per_admin_role(aws_plan: AwsPlan) -> None:
    entries = aws_plan.graph.of_type("aws:eks/accessEntry:AccessEntry")
    # The admins, and the deployer (EKS's creator admin is off): the offline caller's principal.
    assert sorted(e.get("principalArn") for e in entries) == sorted(
        [*SPEC["aws"]["admin_role_arns"], "arn:aws:iam::123456789012:user/offline"]
    )
    associations = aws_plan.graph.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
    assert {a.get("policyArn") for a in associations} == {
        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
    }


def test_oidc_provider_for_irsa(aws_plan: AwsPlan) -> None:
    oidc = aws_plan.one("aws:iam/openIdConnectProvider:OpenIdConnectProvider", "testai-cluster-oidc")
    assert oidc.get("url").startswith("https://oidc.eks.us-east-1.amazonaws.com/id/")
    assert oidc.get("clientIdLists") == ["sts.amazonaws.com"]


def test_cluster_sg_admits_only_nodes(aws_plan: AwsPlan) -> None:
    rule = aws_plan.one(
        "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "testai-cluster-cluster-from-nodes-443"
    )
    assert (rule.get("fromPort"), rule.get("toPort")) == (443, 443)
    assert rule.get("referencedSecurityGroupId") and rule.get("cidrIpv4") is None
    ingress = aws_plan.graph.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert not any(r.get("cidrIpv4") == "0.0.0.0/0" for r in ingress)


def test_managed_addons(aws_plan: AwsPlan) -> None:
    addons = {a.get("addonName"): a for a in aws_plan.graph.of_type("aws:eks/addon:Addon")}
    assert set(addons) == {
        "vpc-cni",
        "kube-proxy",
        "eks-pod-identity-agent",
        "coredns",
        "aws-ebs-csi-driver",
        "eks-node-monitoring-agent",
        "amazon-cloudwatch-observability",
    }
    assert addons["coredns"].get("addonVersion") == "v1.12.1-eksbuild.2"  # pinned in the spec
    assert addons["vpc-cni"].get("addonVersion")  # most recent for the cluster version
    assert (
        addons["aws-ebs-csi-driver"]
        .get("serviceAccountRoleArn")
        .endswith("role/testai-dev-kube-system-ebs-csi-controller-sa")
    )


@pytest.mark.parametrize(
    "waiting",
    [
        "testai-addons-coredns",
        "testai-addons-aws-ebs-csi-driver",
        "testai-autoscaler-chart",
        "testai-monitoring-insights",
    ],
)
def test_in_cluster_pieces_wait_for_node_groups(aws_plan: AwsPlan, waiting: str) -> None:
    """coredns, the EBS CSI controller, the autoscaler and the agent need nodes: each child (not just its
    component, whose `depends_on` children do not inherit) depends on every node group."""
    node_groups = {r.urn for r in aws_plan.graph.of_type(NG)}
    assert len(node_groups) == 4  # system per zone (2 zones), l4-spot, h100
    assert node_groups <= set(aws_plan.graph.named(waiting).dependencies)


def test_autoscaler_waits_for_addons(aws_plan: AwsPlan) -> None:
    coredns = aws_plan.graph.named("testai-addons-coredns").urn
    assert coredns in aws_plan.graph.named("testai-autoscaler-chart").dependencies


def test_ebs_csi_touches_only_volumes_it_tagged(aws_plan: AwsPlan, key_arn: str) -> None:
    doc = _doc(aws_plan.one("aws:iam/rolePolicy:RolePolicy", "testai-addons-ebs-csi-policy"))
    by_sid = {s["Sid"]: s for s in doc["Statement"]}
    assert by_sid["CreateTaggedVolumes"]["Condition"] == {
        "StringLike": {"aws:RequestTag/ebs.csi.aws.com/cluster": "true"}
    }
    assert "ec2:DeleteVolume" in by_sid["ManageOwnVolumes"]["Action"]
    assert by_sid["ManageOwnVolumes"]["Condition"] == {
        "StringLike": {"ec2:ResourceTag/ebs.csi.aws.com/cluster": "true"}
    }
    assert by_sid["GrantsForEbsOnly"]["Resource"] == [key_arn]
    assert by_sid["GrantsForEbsOnly"]["Condition"] == {"Bool": {"kms:GrantIsForAWSResource": "true"}}


# --- Network -----------------------------------------------------------------------------------------


def test_default_security_group_stripped(aws_plan: AwsPlan) -> None:
    sg = aws_plan.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup", "testai-network-default-sg")
    assert sg.get("ingress") == [] and sg.get("egress") == []


def test_subnet_tags_for_load_balancers_and_discovery(aws_plan: AwsPlan) -> None:
    public = aws_plan.one("aws:ec2/subnet:Subnet", "testai-network-public-a")
    private = aws_plan.one("aws:ec2/subnet:Subnet", "testai-network-private-b")
    lb = aws_plan.one("aws:ec2/subnet:Subnet", "testai-network-lb-b")
    assert public.get("tags")["kubernetes.io/role/elb"] == "1"
    # Internal ALBs go to the load-balancer subnets only: the private ones hold the pods' addresses.
    assert lb.get("tags")["kubernetes.io/role/internal-elb"] == "1"
    assert not {"kubernetes.io/role/elb", "kubernetes.io/role/internal-elb"} & set(private.get("tags"))
    assert private.get("tags")["kubernetes.io/cluster/testai-dev"] == "shared"
    assert lb.get("tags")["kubernetes.io/cluster/testai-dev"] == "shared"
    assert public.get("mapPublicIpOnLaunch") is False


def test_subnets_from_cidr_plan(aws_plan: AwsPlan) -> None:
    subnets = {s.name: s.get("cidrBlock") for s in aws_plan.graph.of_type("aws:ec2/subnet:Subnet")}
    assert subnets["testai-network-private-a"] == "10.60.0.0/18"
    assert subnets["testai-network-public-a"] == "10.60.128.0/20"
    assert subnets["testai-network-lb-a"] == "10.60.160.0/20"


def test_single_nat_in_dev(aws_plan: AwsPlan) -> None:
    assert len(aws_plan.graph.of_type("aws:ec2/natGateway:NatGateway")) == 1


def test_flow_logs_all_traffic(aws_plan: AwsPlan) -> None:
    flow = aws_plan.one("aws:ec2/flowLog:FlowLog", "testai-network-flow-log")
    assert flow.get("trafficType") == "ALL"
    assert flow.get("logDestinationType") == "cloud-watch-logs"


def test_s3_gateway_endpoint(aws_plan: AwsPlan) -> None:
    s3 = aws_plan.one("aws:ec2/vpcEndpoint:VpcEndpoint", "testai-network-s3")
    assert s3.get("vpcEndpointType") == "Gateway"
    assert len(s3.get("routeTableIds")) == 2


def test_interface_endpoints_when_asked(aws_plan: AwsPlan) -> None:
    interface = [
        e
        for e in aws_plan.graph.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
        if e.get("vpcEndpointType") == "Interface"
    ]
    assert sorted(
        e.get("serviceName").rsplit(".", 2)[-1]
        if "ecr" not in e.get("serviceName")
        else e.get("serviceName").split("us-east-1.")[1]
        for e in interface
    ) == ["ec2", "ecr.api", "ecr.dkr", "logs", "sts"]
    assert all(e.get("privateDnsEnabled") is True for e in interface)


# --- Autoscaler --------------------------------------------------------------------------------------


def test_autoscaler_scales_down_idle_gpu_nodes_after_ten_minutes(aws_plan: AwsPlan) -> None:
    args = aws_plan.one("kubernetes:helm.sh/v3:Release", "testai-autoscaler-chart").get("values.extraArgs")
    assert args["scale-down-unneeded-time"] == "10m"
    assert args["expander"] == "least-waste"


def test_autoscaler_discovers_this_cluster(aws_plan: AwsPlan) -> None:
    release = aws_plan.one("kubernetes:helm.sh/v3:Release", "testai-autoscaler-chart")
    assert release.get("values.autoDiscovery.clusterName") == "testai-dev"
    assert release.get("values.rbac.serviceAccount.annotations")["eks.amazonaws.com/role-arn"].endswith(
        "role/testai-dev-kube-system-cluster-autoscaler"
    )
    assert release.get("version")  # pinned chart


def test_autoscaler_pod_meets_pod_security_restricted(aws_plan: AwsPlan) -> None:
    """The one system chart whose security context the platform sets (docs/security.md)."""
    values = aws_plan.one("kubernetes:helm.sh/v3:Release", "testai-autoscaler-chart").get("values")
    assert values["securityContext"]["runAsNonRoot"] is True
    assert values["containerSecurityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def test_autoscaler_writes_scoped_by_cluster_tag(aws_plan: AwsPlan) -> None:
    doc = _doc(aws_plan.one("aws:iam/rolePolicy:RolePolicy", "testai-autoscaler-irsa-policy"))
    write = next(s for s in doc["Statement"] if "autoscaling:SetDesiredCapacity" in s["Action"])
    assert write["Condition"] == {
        "StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/testai-dev": "owned"}
    }


def test_irsa_trust_pins_service_account_and_audience(aws_plan: AwsPlan) -> None:
    trust = _doc(aws_plan.one("aws:iam/role:Role", "testai-autoscaler-irsa-role"), "assumeRolePolicy")
    (condition,) = trust["Statement"][0]["Condition"].values()
    subs = [v for k, v in condition.items() if k.endswith(":sub")]
    auds = [v for k, v in condition.items() if k.endswith(":aud")]
    assert subs == ["system:serviceaccount:kube-system:cluster-autoscaler"]
    assert auds == ["sts.amazonaws.com"]


# --- Monitoring --------------------------------------------------------------------------------------


def test_alert_email_subscriptions(aws_plan: AwsPlan) -> None:
    subs = aws_plan.graph.of_type("aws:sns/topicSubscription:TopicSubscription")
    assert sorted(s.get("endpoint") for s in subs) == sorted(SPEC["monitoring"]["alert_emails"])
    assert {s.get("protocol") for s in subs} == {"email"}


def test_alarms_notify_the_topic(aws_plan: AwsPlan) -> None:
    alarms = {a.name: a for a in aws_plan.graph.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert set(alarms) == {
        "testai-monitoring-failed-nodes",
        "testai-monitoring-gpu-idle",
        "testai-monitoring-gpu-pending",
    }
    topic = aws_plan.graph.one("lepton:aws:Monitoring", "testai-monitoring").outputs["topic_arn"]
    assert all(a.get("alarmActions") == [topic] for a in alarms.values())


def test_gpu_idle_alarm_covers_an_hour_at_spec_threshold(aws_plan: AwsPlan) -> None:
    alarm = aws_plan.one("aws:cloudwatch/metricAlarm:MetricAlarm", "testai-monitoring-gpu-idle")
    assert alarm.get("evaluationPeriods") * 300 == 3600
    expression = next(q["expression"] for q in alarm.get("metricQueries") if q.get("expression"))
    assert "< 15" in expression


def test_budget_thresholds(aws_plan: AwsPlan) -> None:
    budget = aws_plan.one("aws:budgets/budget:Budget", "testai-monitoring-budget")
    assert budget.get("limitAmount") == "3000.00"
    assert sorted(n["threshold"] for n in budget.get("notifications")) == [80, 100]
    assert {n["thresholdType"] for n in budget.get("notifications")} == {"PERCENTAGE"}


def test_container_insights_addon_with_irsa_and_gpu_metrics(aws_plan: AwsPlan) -> None:
    addon = aws_plan.one("aws:eks/addon:Addon", "testai-monitoring-insights")
    assert addon.get("serviceAccountRoleArn").endswith("role/testai-dev-amazon-cloudwatch-cloudwatch-agent")
    config = json.loads(addon.get("configurationValues"))
    kubernetes = config["agent"]["config"]["logs"]["metrics_collected"]["kubernetes"]
    assert kubernetes["accelerated_compute_metrics"] is True


# --- ArtifactStore -----------------------------------------------------------------------------------


def test_bucket_public_access_blocked(aws_plan: AwsPlan) -> None:
    block = aws_plan.one(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "testai-artifacts-models-public-access"
    )
    assert all(
        block.get(k) is True
        for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    )


def test_bucket_versioning_and_noncurrent_expiry(aws_plan: AwsPlan) -> None:
    assert (
        aws_plan.one("aws:s3/bucketVersioning:BucketVersioning", "testai-artifacts-models-versioning").get(
            "versioningConfiguration.status"
        )
        == "Enabled"
    )
    rule = aws_plan.one(
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "testai-artifacts-models-lifecycle",
    ).get("rules.0")
    assert rule["noncurrentVersionExpiration"]["noncurrentDays"] == 30


def test_bucket_denies_plain_http(aws_plan: AwsPlan) -> None:
    (st,) = _doc(aws_plan.one("aws:s3/bucketPolicy:BucketPolicy", "testai-artifacts-models-tls-only"))[
        "Statement"
    ]
    assert st["Effect"] == "Deny"
    assert st["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_registry_immutable_and_scanned(aws_plan: AwsPlan) -> None:
    repo = aws_plan.one("aws:ecr/repository:Repository", "testai-artifacts-images")
    assert repo.get("imageTagMutability") == "IMMUTABLE"
    assert repo.get("imageScanningConfiguration.scanOnPush") is True


def test_prefix_reader_binder(aws_plan: AwsPlan) -> None:
    role = aws_plan.one("aws:iam/role:Role", "research-models-role")
    trust = json.loads(role.get("assumeRolePolicy"))["Statement"][0]
    assert "system:serviceaccount:research:model-reader" in json.dumps(trust["Condition"])
    policy = _doc(aws_plan.one("aws:iam/rolePolicy:RolePolicy", "research-models-policy"))
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["ReadPrefix"]["Resource"][0].endswith(f"/{TENANT_PREFIX}/*")
    assert by_sid["ReadPrefix"]["Action"] == ["s3:GetObject", "s3:GetObjectVersion"]
    assert by_sid["ListPrefixOnly"]["Condition"]["StringLike"]["s3:prefix"] == [
        f"{TENANT_PREFIX}/",
        f"{TENANT_PREFIX}/*",
    ]
    # The Kubernetes layer's parent has no AWS provider: the binder still gives the platform's.
    assert role.provider == aws_plan.provider_urn


# --- IAM hygiene -------------------------------------------------------------------------------------


def test_no_iam_policy_allows_everything(aws_plan: AwsPlan) -> None:
    documents = [json.loads(r.get("policy")) for r in aws_plan.graph.of_type("aws:iam/rolePolicy:RolePolicy")]
    documents += [json.loads(r.get("assumeRolePolicy")) for r in aws_plan.graph.of_type("aws:iam/role:Role")]
    assert len(documents) >= 10
    assert not [d for d in documents if has_admin_wildcard(d)]


def test_managed_policies_only_on_cluster_and_node_roles(aws_plan: AwsPlan) -> None:
    attached = aws_plan.graph.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    assert {a.name.split("-role-")[0] for a in attached} == {"testai-cluster", "testai-cluster-node"}


# --- ClusterHandle -----------------------------------------------------------------------------------


def test_cluster_handle(aws_plan: AwsPlan) -> None:
    handle = aws_plan.platform.cluster_handle
    assert isinstance(handle, ClusterHandle)
    assert handle.cloud == "aws"
    assert handle.gpu.driver_installed is True
    assert handle.gpu.device_plugin_installed is False
    assert handle.storage_class == "gp3"
    # Pods wait for the node groups, cluster DNS and the storage class; only workloads that need new
    # nodes wait for the autoscaler (no needless serial step for the monitoring and GPU releases).
    kinds = [type(d).__name__ for d in handle.workload_dependencies]
    assert sorted(kinds) == ["Addon", "NodeGroup", "NodeGroup", "NodeGroup", "NodeGroup"]
    assert [type(d).__name__ for d in handle.storage_dependencies] == ["StorageClass"]
    assert [type(d).__name__ for d in handle.scale_up_dependencies] == ["Release"]


def test_autoscaler_does_not_wait_for_storage(aws_plan: AwsPlan) -> None:
    deps = aws_plan.graph.named("testai-autoscaler-chart").dependencies
    assert aws_plan.graph.named("testai-addons-aws-ebs-csi-driver").urn not in deps
    assert all("asg-" not in d for d in deps)  # node groups, not their ASG tags


def test_kubernetes_resources_use_the_cluster_provider(aws_plan: AwsPlan) -> None:
    (k8s_provider,) = aws_plan.graph.of_type("pulumi:providers:kubernetes")
    assert k8s_provider.get("kubeconfig") == "[secret]"
    k8s = [r for r in aws_plan.graph.managed if r.custom and r.package == "kubernetes" and not r.is_provider]
    assert k8s and {r.provider for r in k8s} == {k8s_provider.urn}


def test_every_aws_resource_uses_the_platform_provider(aws_plan: AwsPlan) -> None:
    """Planned with `pulumi:disable-default-providers: ["*"]`: the engine would fail any custom resource
    without an explicit provider; this also proves every one got *the platform's* provider."""
    assert aws_plan.graph.config["pulumi:disable-default-providers"] == '["*"]'
    aws_resources = [
        r for r in aws_plan.graph.managed if r.custom and r.package == "aws" and not r.is_provider
    ]
    assert len(aws_resources) > 100
    assert {r.provider for r in aws_resources} == {aws_plan.provider_urn}


def test_every_invoke_uses_the_platform_provider(aws_plan: AwsPlan) -> None:
    """Data sources (zones, caller identity, partition) go through the platform's provider too: with
    default providers disabled the engine would refuse them otherwise. (Add-on versions are pinned, never
    looked up: tests/aws/test_addon_pins.py.)"""
    tokens = {token for token, _ in aws_plan.invokes}
    assert {
        "aws:index/getCallerIdentity:getCallerIdentity",
        "aws:index/getPartition:getPartition",
    } <= tokens
    # A provider reference is "<urn>::<id>".
    assert {provider.rsplit("::", 1)[0] for _, provider in aws_plan.invokes} == {aws_plan.provider_urn}


def test_nothing_protected_in_dev(aws_plan: AwsPlan) -> None:
    assert not [r.name for r in aws_plan.graph.managed if r.protect]
    assert aws_plan.one("aws:eks/cluster:Cluster", "testai-cluster-eks").get("deletionProtection") is False
    assert aws_plan.one("aws:s3/bucket:Bucket", "testai-artifacts-models").get("forceDestroy") is True
