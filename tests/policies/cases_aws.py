"""AWS fixtures: each compliant as the AWS platform builds it, and one field changed per violation."""

from __future__ import annotations

import json

from tests.policies.harness import DELETE, Case, Res

TAGS = {"environment": "prod", "team": "ml-platform", "cost-center": "1234", "platform": "acme-ai"}
AWS_PROVIDER = {"region": "us-east-1", "defaultTags": json.dumps({"tags": TAGS})}
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"

EKS = {
    "name": "acme-ai-prod",
    "version": "1.33",
    "roleArn": "arn:aws:iam::123456789012:role/eks",
    "encryptionConfig": {"resources": ["secrets"], "provider": {"keyArn": KEY_ARN}},
    "vpcConfig": {
        "subnetIds": ["subnet-1", "subnet-2"],
        "endpointPrivateAccess": True,
        "endpointPublicAccess": False,
    },
    "enabledClusterLogTypes": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
}
LAUNCH_TEMPLATE = {
    "metadataOptions": {"httpEndpoint": "enabled", "httpTokens": "required", "httpPutResponseHopLimit": 1},
    "tagSpecifications": [
        {"resourceType": kind, "tags": TAGS} for kind in ("instance", "volume", "network-interface")
    ],
    "blockDeviceMappings": [
        {
            "deviceName": "/dev/xvda",
            "ebs": {"volumeSize": 100, "volumeType": "gp3", "encrypted": "true", "kmsKeyId": KEY_ARN},
        }
    ],
}
GPU_NODE_GROUP = {
    "clusterName": "acme-ai-prod",
    "amiType": "AL2023_x86_64_NVIDIA",
    "capacityType": "SPOT",
    "instanceTypes": ["g6.xlarge", "g6.2xlarge"],
    "nodeRoleArn": "arn:aws:iam::123456789012:role/nodes",
    "scalingConfig": {"minSize": 0, "maxSize": 16, "desiredSize": 0},
    "launchTemplate": {"id": "lt-0123456789abcdef0", "version": "1"},
    "taints": [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}],
    "labels": {"lepton.ai/pool": "l4-spot", "lepton.ai/gpu-type": "l4", "nvidia.com/gpu.present": "true"},
}
CPU_NODE_GROUP = {
    **GPU_NODE_GROUP,
    "amiType": "AL2023_x86_64_STANDARD",
    "capacityType": "ON_DEMAND",
    "instanceTypes": ["m7i.xlarge"],
    "taints": [],
    "labels": {"lepton.ai/pool": "system"},
    "scalingConfig": {"minSize": 2, "maxSize": 4, "desiredSize": 2},
}
ADMIN_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
SCOPED_DOC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["autoscaling:SetDesiredCapacity"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/acme-ai-prod": "owned"}
            },
        }
    ],
}
BUCKET = Res("aws:s3/bucket:Bucket", "models", {"bucket": "acme-ai-prod-models"}, protect=True)


def cases() -> list[Case]:
    return [
        Case(
            "lepton-aws-eks-secrets-encryption",
            [Res("aws:eks/cluster:Cluster", "eks", EKS)],
            {
                "no_encryption_config": ("eks:encryptionConfig", DELETE),
                "resources_without_secrets": ("eks:encryptionConfig.resources", []),
                "no_key_arn": ("eks:encryptionConfig.provider.keyArn", DELETE),
            },
        ),
        Case(
            "lepton-aws-eks-endpoint-not-public",
            [Res("aws:eks/cluster:Cluster", "eks", EKS)],
            {
                "public_default_cidrs": ("eks:vpcConfig.endpointPublicAccess", True),
                "public_by_default": ("eks:vpcConfig.endpointPublicAccess", DELETE),
            },
        ),
        Case(
            "lepton-aws-eks-endpoint-not-public",
            [
                Res(
                    "aws:eks/cluster:Cluster",
                    "eks-dev",
                    {
                        **EKS,
                        "vpcConfig": {"endpointPublicAccess": True, "publicAccessCidrs": ["203.0.113.0/24"]},
                    },
                )
            ],
            {
                "world_cidr": ("eks-dev:vpcConfig.publicAccessCidrs", ["203.0.113.0/24", "0.0.0.0/0"]),
                "empty_cidrs": ("eks-dev:vpcConfig.publicAccessCidrs", []),
            },
        ),
        Case(
            "lepton-aws-eks-control-plane-logs",
            [Res("aws:eks/cluster:Cluster", "eks", EKS)],
            {
                "no_audit": ("eks:enabledClusterLogTypes", ["api", "authenticator"]),
                "no_logs": ("eks:enabledClusterLogTypes", DELETE),
            },
        ),
        Case(
            "lepton-aws-imdsv2",
            [Res("aws:ec2/launchTemplate:LaunchTemplate", "lt", LAUNCH_TEMPLATE)],
            {
                "imdsv1_allowed": ("lt:metadataOptions.httpTokens", "optional"),
                "hop_limit_2": ("lt:metadataOptions.httpPutResponseHopLimit", 2),
                "hop_limit_unset": ("lt:metadataOptions.httpPutResponseHopLimit", DELETE),
                "no_metadata_options": ("lt:metadataOptions", DELETE),
            },
        ),
        Case(
            "lepton-aws-node-disk-cmk",
            [
                Res("aws:ec2/launchTemplate:LaunchTemplate", "lt", LAUNCH_TEMPLATE),
                Res("aws:eks/nodeGroup:NodeGroup", "gpu", GPU_NODE_GROUP),
            ],
            {
                "unencrypted": ("lt:blockDeviceMappings.0.ebs.encrypted", "false"),
                "aws_managed_key": ("lt:blockDeviceMappings.0.ebs.kmsKeyId", DELETE),
                "no_mappings": ("lt:blockDeviceMappings", DELETE),
                "node_group_without_template": ("gpu:launchTemplate", DELETE),
            },
        ),
        Case(
            "lepton-aws-kms-key-rotation",
            [Res("aws:kms/key:Key", "key", {"enableKeyRotation": True, "deletionWindowInDays": 30})],
            {
                "rotation_off": ("key:enableKeyRotation", False),
                "rotation_unset": ("key:enableKeyRotation", DELETE),
            },
        ),
        Case(
            "lepton-aws-ecr-cmk",
            [
                Res(
                    "aws:ecr/repository:Repository",
                    "ecr",
                    {"encryptionConfigurations": [{"encryptionType": "KMS", "kmsKey": KEY_ARN}]},
                )
            ],
            {
                "aes256": ("ecr:encryptionConfigurations.0.encryptionType", "AES256"),
                "aws_managed_kms": ("ecr:encryptionConfigurations.0.kmsKey", DELETE),
                "unset": ("ecr:encryptionConfigurations", DELETE),
            },
        ),
        Case(
            "lepton-aws-ecr-scan-on-push",
            [
                Res(
                    "aws:ecr/repository:Repository",
                    "ecr",
                    {"imageScanningConfiguration": {"scanOnPush": True}},
                )
            ],
            {
                "scan_off": ("ecr:imageScanningConfiguration.scanOnPush", False),
                "unset": ("ecr:imageScanningConfiguration", DELETE),
            },
        ),
        Case(
            "lepton-aws-ecr-immutable-tags",
            [Res("aws:ecr/repository:Repository", "ecr", {"imageTagMutability": "IMMUTABLE"})],
            {
                "mutable": ("ecr:imageTagMutability", "MUTABLE"),
                "default_mutable": ("ecr:imageTagMutability", DELETE),
            },
        ),
        Case(
            "lepton-aws-log-group-cmk",
            [Res("aws:cloudwatch/logGroup:LogGroup", "logs", {"kmsKeyId": KEY_ARN, "retentionInDays": 90})],
            {"no_key": ("logs:kmsKeyId", DELETE)},
        ),
        Case(
            "lepton-aws-sns-cmk",
            [Res("aws:sns/topic:Topic", "alerts", {"kmsMasterKeyId": KEY_ARN})],
            {
                "no_key": ("alerts:kmsMasterKeyId", DELETE),
                "aws_managed": ("alerts:kmsMasterKeyId", "alias/aws/sns"),
            },
        ),
        Case(
            "lepton-aws-no-world-ingress",
            [
                Res(
                    "aws:ec2/securityGroup:SecurityGroup",
                    "lb",
                    {
                        "ingress": [
                            {"protocol": "tcp", "fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]},
                            {"protocol": "tcp", "fromPort": 22, "toPort": 22, "cidrBlocks": ["10.40.0.0/16"]},
                        ]
                    },
                ),
                Res(
                    "aws:ec2/securityGroupRule:SecurityGroupRule",
                    "node-rule",
                    {
                        "type": "ingress",
                        "protocol": "tcp",
                        "fromPort": 10250,
                        "toPort": 10250,
                        "cidrBlocks": ["10.40.0.0/16"],
                        "securityGroupId": "sg-1",
                    },
                ),
                Res(
                    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                    "ingress-rule",
                    {
                        "ipProtocol": "tcp",
                        "fromPort": 80,
                        "toPort": 80,
                        "cidrIpv4": "0.0.0.0/0",
                        "securityGroupId": "sg-1",
                    },
                ),
            ],
            {
                "ssh_from_world": ("lb:ingress.1.cidrBlocks", ["0.0.0.0/0"]),
                "all_protocols_from_world": ("lb:ingress.0.protocol", "-1"),
                "rule_port_range": ("ingress-rule:toPort", 8080),
                "sg_rule_world": ("node-rule:cidrBlocks", ["::/0", "10.0.0.0/8"]),
            },
        ),
        Case(
            "lepton-aws-no-world-ingress",
            [
                Res(
                    "aws:eks/nodeGroup:NodeGroup",
                    "ssh-pool",
                    {
                        **CPU_NODE_GROUP,
                        "remoteAccess": {"ec2SshKey": "ops", "sourceSecurityGroupIds": ["sg-bastion"]},
                    },
                )
            ],
            {
                "ssh_key_without_source_groups": ("ssh-pool:remoteAccess.sourceSecurityGroupIds", DELETE),
            },
        ),
        Case(
            "lepton-aws-nodes-no-public-ip",
            [
                Res(
                    "aws:ec2/launchTemplate:LaunchTemplate",
                    "lt",
                    {
                        **LAUNCH_TEMPLATE,
                        "networkInterfaces": [{"deviceIndex": 0, "associatePublicIpAddress": "false"}],
                    },
                ),
                Res("aws:ec2/instance:Instance", "bastion", {"instanceType": "t3.micro"}),
            ],
            {
                "template_public_ip": ("lt:networkInterfaces.0.associatePublicIpAddress", "true"),
                "instance_public_ip": ("bastion:associatePublicIpAddress", True),
            },
        ),
        Case(
            "lepton-aws-vpc-flow-logs",
            [
                Res("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.40.0.0/16"}),
                Res(
                    "aws:ec2/flowLog:FlowLog", "flow", {"vpcId": "vpc-1", "trafficType": "ALL"}, deps=["vpc"]
                ),
            ],
            {
                "no_flow_log": ("flow:@drop", None),
            },
        ),
        Case(
            "lepton-aws-internal-lb-private-dns",
            [
                Res(
                    "aws:route53/zone:Zone", "private", {"name": "ai.acme.dev", "vpcs": [{"vpcId": "vpc-1"}]}
                ),
                Res(
                    "aws:route53/record:Record",
                    "internal-host",
                    {
                        "zoneId": "Z0PRIVATE",
                        "name": "sentiment.ai.acme.dev",
                        "type": "A",
                        "aliases": [
                            {
                                "name": "internal-k8s-lepton-i-61c92ac308-3379122376"
                                ".us-east-1.elb.amazonaws.com",
                                "zoneId": "Z35SXDOTRQ7X7K",
                                "evaluateTargetHealth": True,
                            }
                        ],
                    },
                    deps=["private"],
                ),
                # An internet-facing ALB may be named in the operator's public zone.
                Res(
                    "aws:route53/record:Record",
                    "public-host",
                    {
                        "zoneId": "Z0123456789ABCDEFGHIJ",
                        "name": "chat.ai.acme.dev",
                        "type": "A",
                        "aliases": [
                            {
                                "name": "k8s-lepton-p-2fb6c28c4b-1943479716.us-east-1.elb.amazonaws.com",
                                "zoneId": "Z35SXDOTRQ7X7K",
                                "evaluateTargetHealth": True,
                            }
                        ],
                    },
                ),
            ],
            {
                "zone_not_private": ("private:vpcs", DELETE),
                "zone_outside_the_stack": ("private:@drop", None),
                "internal_in_the_public_zone": (
                    "public-host:aliases.0.name",
                    "internal-k8s-lepton-i-61c92ac308-3379122376.us-east-1.elb.amazonaws.com",
                ),
            },
        ),
        Case(
            "lepton-aws-node-pool-max",
            [Res("aws:eks/nodeGroup:NodeGroup", "cpu", CPU_NODE_GROUP)],
            {
                "max_zero": ("cpu:scalingConfig.maxSize", 0),
                "min_above_max": ("cpu:scalingConfig.minSize", 5),
                "max_missing": ("cpu:scalingConfig.maxSize", DELETE),
            },
        ),
        Case(
            "lepton-aws-gpu-pool-tainted",
            [
                Res("aws:eks/nodeGroup:NodeGroup", "gpu", GPU_NODE_GROUP),
                Res("aws:eks/nodeGroup:NodeGroup", "cpu", CPU_NODE_GROUP),
            ],
            {
                "no_taint": ("gpu:taints", []),
                "wrong_effect": ("gpu:taints.0.effect", "PREFER_NO_SCHEDULE"),
            },
        ),
        Case(
            "lepton-aws-spot-gpu-min-zero",
            [Res("aws:eks/nodeGroup:NodeGroup", "gpu", GPU_NODE_GROUP)],
            {
                "min_one": ("gpu:scalingConfig.minSize", 1),
            },
        ),
        Case(
            "lepton-aws-iam-no-admin",
            [
                Res("aws:iam/policy:Policy", "autoscaler", {"policy": json.dumps(SCOPED_DOC)}),
                Res(
                    "aws:iam/role:Role",
                    "nodes",
                    {
                        "assumeRolePolicy": "{}",
                        "managedPolicyArns": ["arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"],
                    },
                ),
                Res(
                    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
                    "attach",
                    {"role": "nodes", "policyArn": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"},
                ),
            ],
            {
                "star_on_star": ("autoscaler:policy", json.dumps(ADMIN_DOC)),
                "admin_attached": ("attach:policyArn", "arn:aws:iam::aws:policy/AdministratorAccess"),
                "admin_managed_arn": (
                    "nodes:managedPolicyArns",
                    ["arn:aws:iam::aws:policy/AdministratorAccess"],
                ),
                "inline_admin": ("nodes:inlinePolicies", [{"name": "x", "policy": json.dumps(ADMIN_DOC)}]),
            },
        ),
        Case(
            "lepton-aws-s3-cmk",
            [
                BUCKET,
                Res(
                    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                    "sse",
                    {
                        "bucket": "acme-ai-prod-models",
                        "rules": [
                            {
                                "applyServerSideEncryptionByDefault": {
                                    "sseAlgorithm": "aws:kms",
                                    "kmsMasterKeyId": KEY_ARN,
                                },
                                "bucketKeyEnabled": True,
                            }
                        ],
                    },
                    deps=["models"],
                ),
            ],
            {
                "no_sse_config": ("sse:@drop", None),
                "sse_s3": ("sse:rules.0.applyServerSideEncryptionByDefault.sseAlgorithm", "AES256"),
                "aws_managed_key": ("sse:rules.0.applyServerSideEncryptionByDefault.kmsMasterKeyId", DELETE),
            },
        ),
        Case(
            "lepton-aws-s3-versioning",
            [
                BUCKET,
                Res(
                    "aws:s3/bucketVersioning:BucketVersioning",
                    "ver",
                    {"bucket": "acme-ai-prod-models", "versioningConfiguration": {"status": "Enabled"}},
                    deps=["models"],
                ),
            ],
            {
                "suspended": ("ver:versioningConfiguration.status", "Suspended"),
                "no_versioning": ("ver:@drop", None),
            },
        ),
        Case(
            "lepton-aws-s3-public-access-block",
            [
                BUCKET,
                Res(
                    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
                    "pab",
                    {
                        "bucket": "acme-ai-prod-models",
                        "blockPublicAcls": True,
                        "blockPublicPolicy": True,
                        "ignorePublicAcls": True,
                        "restrictPublicBuckets": True,
                    },
                    deps=["models"],
                ),
            ],
            {
                "policy_not_blocked": ("pab:blockPublicPolicy", False),
                "no_block": ("pab:@drop", None),
            },
        ),
        Case(
            "lepton-aws-launched-resource-tags",
            [Res("aws:ec2/launchTemplate:LaunchTemplate", "lt", LAUNCH_TEMPLATE)],
            {
                "no_tag_specifications": ("lt:tagSpecifications", DELETE),
                "instances_named_only": (
                    "lt:tagSpecifications",
                    [
                        {"resourceType": "instance", "tags": {"Name": "x"}},
                        {"resourceType": "volume", "tags": TAGS},
                    ],
                ),
            },
        ),
        Case(
            "lepton-aws-required-tags",
            [
                Res("aws:ec2/vpc:Vpc", "vpc", {"cidrBlock": "10.40.0.0/16"}, provider=dict(AWS_PROVIDER)),
                Res(
                    "aws:kms/key:Key",
                    "key",
                    {"tags": {"environment": "prod", "owner": "ml", "cost-center": "1"}},
                    provider={"region": "us-east-1"},
                ),
            ],
            {
                "no_default_tags": ("vpc:@provider.defaultTags", DELETE),
                "default_tags_without_cost_center": (
                    "vpc:@provider.defaultTags",
                    json.dumps({"tags": {"environment": "prod", "team": "ml"}}),
                ),
                "own_tags_incomplete": ("key:tags", {"environment": "prod"}),
            },
        ),
        *_fsx_cases(),
        _efa_case(),
    ]


# The shared filesystem as aws/filesystem.py builds it: PERSISTENT_2 with the platform key, its own group
# admitting Lustre from the nodes' group and from itself, and the nodes' group admitting it back.
LUSTRE = {
    "deploymentType": "PERSISTENT_2",
    "storageType": "SSD",
    "storageCapacity": 1200,
    "perUnitStorageThroughput": 125,
    "subnetIds": ["subnet-1"],
    "securityGroupIds": ["sg-fsx"],
    "kmsKeyId": KEY_ARN,
}
INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
SG = "aws:ec2/securityGroup:SecurityGroup"


def _lustre_rule(group: str, source: str) -> dict[str, object]:
    return {
        "securityGroupId": group,
        "referencedSecurityGroupId": source,
        "ipProtocol": "tcp",
        "fromPort": 988,
        "toPort": 988,
    }


def _fsx_cases() -> list[Case]:
    network = [
        Res(SG, "fsx-sg", {"vpcId": "vpc-1", "description": "FSx"}),
        Res(SG, "node-sg", {"vpcId": "vpc-1", "description": "nodes"}),
        Res(INGRESS, "from-nodes", _lustre_rule("sg-fsx", "sg-nodes"), deps=["fsx-sg", "node-sg"]),
        Res(INGRESS, "from-self", _lustre_rule("sg-fsx", "sg-fsx"), deps=["fsx-sg"]),
        Res(INGRESS, "nodes-from-fsx", _lustre_rule("sg-nodes", "sg-fsx"), deps=["node-sg", "fsx-sg"]),
    ]
    lustre = Res("aws:fsx/lustreFileSystem:LustreFileSystem", "lustre", LUSTRE, deps=["fsx-sg"])
    return [
        Case(
            "lepton-aws-fsx-cmk",
            [Res("aws:fsx/lustreFileSystem:LustreFileSystem", "lustre", LUSTRE)],
            {
                "no_key": ("lustre:kmsKeyId", DELETE),
                "scratch": ("lustre:deploymentType", "SCRATCH_2"),
            },
        ),
        Case(
            "lepton-aws-fsx-private",
            [lustre, *network],
            {
                "no_groups": ("lustre:securityGroupIds", []),
                "cidr_on_its_group": ("from-self:cidrIpv4", "10.0.0.0/8"),
                "world_from_nodes_rule": ("from-nodes:cidrIpv4", "0.0.0.0/0"),
                "inline_ingress": (
                    "fsx-sg:ingress",
                    [{"protocol": "tcp", "fromPort": 988, "toPort": 988, "cidrBlocks": ["0.0.0.0/0"]}],
                ),
                "prefix_list": ("from-self:prefixListId", "pl-12345678"),
            },
        ),
    ]


def _efa_case() -> Case:
    """A fabric pool as aws/node_pool.py launches it (the ENA interface and an EFA-only one on the same
    card) and the EFA device plugin release aws/fabric.py installs."""
    interfaces = [
        {"interfaceType": "interface", "networkCardIndex": 0, "deviceIndex": 0, "securityGroups": ["sg-1"]},
        {"interfaceType": "efa-only", "networkCardIndex": 0, "deviceIndex": 1, "securityGroups": ["sg-1"]},
    ]
    return Case(
        "lepton-aws-efa-device-plugin",
        [
            Res("aws:ec2/launchTemplate:LaunchTemplate", "h100-lt", {"networkInterfaces": interfaces}),
            Res(
                "kubernetes:helm.sh/v3:Release",
                "efa-plugin",
                {"chart": "aws-efa-k8s-device-plugin", "namespace": "kube-system", "version": "v0.5.30"},
            ),
        ],
        {
            "no_plugin": ("efa-plugin:@drop", None),
            "other_chart_only": ("efa-plugin:chart", "cluster-autoscaler"),
        },
    )
