"""The AWS partition and account a platform deploys into, looked up once and passed down.

No ARN in lepton_infra/aws/ names the `aws` partition: in aws-cn or aws-us-gov every policy would
otherwise name resources that cannot exist there. `aws.Platform` looks both up once (with its
provider); a component used on its own looks them up itself when its args leave `account` unset."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class AwsAccount:
    partition: pulumi.Input[str]  # aws, aws-cn, aws-us-gov
    account_id: pulumi.Input[str]


def lookup_account(parent: pulumi.Resource, provider: pulumi.ProviderResource | None = None) -> AwsAccount:
    """Both answers from the caller's credentials (`provider`, or the parent's)."""
    opts = pulumi.InvokeOutputOptions(parent=parent, provider=provider)
    return AwsAccount(
        partition=aws.get_partition_output(opts=opts).partition,
        account_id=aws.get_caller_identity_output(opts=opts).account_id,
    )


def make_arn(
    partition: pulumi.Input[str],
    service: str,
    region: pulumi.Input[str],
    account_id: pulumi.Input[str],
    resource: pulumi.Input[str],
) -> pulumi.Output[str]:
    """`arn:<partition>:<service>:<region>:<account>:<resource>` ("" for a global service's region)."""
    return pulumi.Output.concat("arn:", partition, ":", service, ":", region, ":", account_id, ":", resource)
