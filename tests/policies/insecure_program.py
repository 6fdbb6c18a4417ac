"""A deliberately insecure Pulumi program with raw aws, gcp and kubernetes resources: everything a
reviewer should refuse, declared the way a hurried engineer would."""

from __future__ import annotations

import json

import pulumi_aws as aws
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


def insecure_program() -> None:
    aws.kms.Key("key", description="no rotation")
    vpc = aws.ec2.Vpc("vpc", cidr_block="10.0.0.0/16")
    aws.ec2.SecurityGroup(
        "ssh",
        vpc_id=vpc.id,
        ingress=[
            aws.ec2.SecurityGroupIngressArgs(
                protocol="tcp", from_port=22, to_port=22, cidr_blocks=["0.0.0.0/0"]
            )
        ],
    )
    cluster = aws.eks.Cluster(
        "eks",
        role_arn="arn:aws:iam::123456789012:role/eks",
        vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=["subnet-1", "subnet-2"]),
    )
    aws.ec2.LaunchTemplate(
        "nodes",
        metadata_options=aws.ec2.LaunchTemplateMetadataOptionsArgs(
            http_tokens="optional", http_put_response_hop_limit=2
        ),
    )
    aws.eks.NodeGroup(
        "gpu",
        cluster_name=cluster.name,
        node_role_arn="arn:aws:iam::123456789012:role/nodes",
        subnet_ids=["subnet-1"],
        ami_type="AL2023_x86_64_NVIDIA",
        capacity_type="SPOT",
        instance_types=["g6.xlarge"],
        scaling_config=aws.eks.NodeGroupScalingConfigArgs(min_size=1, max_size=4, desired_size=1),
    )
    aws.iam.Policy("admin", policy=json.dumps(ADMIN))
    aws.s3.Bucket("data")
    aws.ecr.Repository("images")

    gcp.container.Cluster("gke", location="us-central1", initial_node_count=1)
    gcp.compute.Firewall(
        "ssh",
        network="default",
        source_ranges=["0.0.0.0/0"],
        allows=[gcp.compute.FirewallAllowArgs(protocol="tcp", ports=["22"])],
    )
    gcp.projects.IAMMember(
        "editor",
        project="acme",
        role="roles/editor",
        member="serviceAccount:app@acme.iam.gserviceaccount.com",
    )

    k8s.core.v1.Namespace("team", metadata={"name": "team"})
    k8s.apps.v1.Deployment(
        "app",
        metadata={"namespace": "team"},
        spec={
            "selector": {"matchLabels": {"app": "x"}},
            "template": {
                "metadata": {"labels": {"app": "x"}},
                "spec": {
                    "hostNetwork": True,
                    "containers": [
                        {"name": "x", "image": "acme/app:latest", "securityContext": {"privileged": True}}
                    ],
                },
            },
        },
    )
