"""Add one hardened, autoscaled GPU node pool to an existing GKE cluster."""

import pulumi
import pulumi_gcp as gcp

from lepton_infra.gcp import NodePool, NodePoolArgs

config = pulumi.Config()
gcp_config = pulumi.Config("gcp")
project = gcp_config.require("project")
region = gcp_config.require("region")

# An explicit provider: the pool and its service account use it through `parent`.
provider = gcp.Provider(
    "gcp", project=project, region=region, default_labels={"team": config.get("team") or "ml-platform"}
)

pool = NodePool(
    config.get("pool") or "gpu",
    NodePoolArgs(
        project=project,
        cluster=config.require("cluster"),
        location=config.get("location") or region,
        pool_name=config.get("pool") or "gpu",
        key_id=config.require("boot_disk_kms_key"),
        gpu_type=config.get("gpu_type") or "l4",
        gpu_count=config.get_int("gpu_count") or 1,
        min_nodes=config.get_int("min_nodes") or 0,
        max_nodes=config.get_int("max_nodes") or 4,
        spot=config.get_bool("spot") or False,
        name_prefix=config.get("prefix") or "example",
    ),
    opts=pulumi.ResourceOptions(provider=provider),
)

pulumi.export("pool_name", pool.pool_name)
pulumi.export("machine_type", pool.machine_type)
pulumi.export("node_service_account", pool.service_account_email)
