"""Use `lepton_infra.aws.Network` in your own Pulumi program."""

import pulumi
import pulumi_aws as aws

from lepton_infra.aws import Network, NetworkArgs

config = pulumi.Config()
region = config.require("region")
# An explicit provider: the component's children inherit it through `parent`.
provider = aws.Provider(
    "aws",
    region=region,
    default_tags=aws.ProviderDefaultTagsArgs(
        tags={"team": "ml-platform", "cost-center": "1234", "environment": "dev"}
    ),
)

network = Network(
    "example",
    NetworkArgs(
        cidr=config.get("cidr") or "10.50.0.0/16",
        zones=config.get_int("zones") or 2,
        cluster_name=config.require("clusterName"),
        region=region,
        nat="single",
        key_id=config.require("kmsKeyArn"),  # the flow-log group is encrypted with it
    ),
    opts=pulumi.ResourceOptions(provider=provider),
)

pulumi.export("vpc_id", network.vpc_id)
pulumi.export("private_subnet_ids", network.private_subnet_ids)
pulumi.export("public_subnet_ids", network.public_subnet_ids)
