"""Add one autoscaled GPU node pool (spot by choice) to an existing AKS cluster."""

import pulumi
import pulumi_azure_native as azure_native

from lepton_infra.azure import NodePool, NodePoolArgs

config = pulumi.Config()

# An explicit provider from this program's config: the pool uses it through `opts`.
provider = azure_native.Provider(
    "azure", subscription_id=config.require("subscription_id"), location=config.require("location")
)

pool = NodePool(
    config.get("pool") or "gpu",
    NodePoolArgs(
        resource_group_name=config.require("resource_group"),
        cluster_name=config.require("cluster"),
        pool_name=config.get("pool") or "gpu",
        node_subnet_id=config.require("node_subnet_id"),
        gpu_type=config.get("gpu_type") or "t4",
        gpu_count=config.get_int("gpu_count") or 1,
        min_nodes=config.get_int("min_nodes") or 0,
        max_nodes=config.get_int("max_nodes") or 4,
        spot=config.get_bool("spot") or False,
        tags={
            "team": config.get("team") or "ml-platform",
            "cost-center": config.get("cost_center") or "1234",
            "environment": "dev",
        },
    ),
    opts=pulumi.ResourceOptions(provider=provider),
)

pulumi.export("pool_name", pool.pool_name)
pulumi.export("vm_size", pool.machine_type)
