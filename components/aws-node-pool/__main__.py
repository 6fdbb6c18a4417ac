"""Add a lepton GPU node pool to an EKS cluster you already run."""

import pulumi
import pulumi_aws as aws

from lepton_infra.aws import NodePool, NodePoolArgs
from lepton_infra.catalog import choose_machine, spot_alternatives
from lepton_infra.core.tagging import platform_tags

config = pulumi.Config()
# Default tags on the provider reach every resource the provider creates; the required keys are the ones
# the policy pack checks. The instances and volumes the node group launches get them from the pool's
# `tags` (its launch template): provider default tags never reach what an Auto Scaling group launches.
region = config.require("region")
tags = platform_tags("acme-ai", "dev", {"team": "ml-platform", "cost-center": "1234"})
provider = aws.Provider("aws", region=region, default_tags=aws.ProviderDefaultTagsArgs(tags=tags))

gpu = config.get("gpu") or "l4"
machine = choose_machine("aws", gpu=gpu, gpu_count=1, region=region)
pool = NodePool(
    "gpu",
    NodePoolArgs(
        cluster_name=config.require("clusterName"),
        pool_name=f"{gpu}-spot",
        node_role_arn=config.require("nodeRoleArn"),
        subnet_ids=config.require_object("subnetIds"),
        security_group_ids=config.require_object("securityGroupIds"),
        key_id=config.require("kmsKeyArn"),
        # Several instance types of the same shape: spot capacity is found in more pools.
        instance_types=[m.name for m in spot_alternatives("aws", machine, region=region)],
        gpu_type=gpu,
        gpu_count=machine.gpu_count,
        spot=True,
        min_nodes=0,
        max_nodes=config.get_int("maxSize") or 4,
        tags=tags,
    ),
    opts=pulumi.ResourceOptions(provider=provider),
)

pulumi.export("node_group", pool.node_group_name)
pulumi.export("autoscaling_group", pool.autoscaling_group_name)
