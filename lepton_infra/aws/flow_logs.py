"""The VPC's flow logs: every flow, to a CloudWatch group encrypted with the platform's key, written by a
role only the flow-logs service of this account can assume. Part of `Network` (its children)."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from lepton_infra.aws.iam import allow, document, granted_arn, service_trust
from lepton_infra.core.component import Component
from lepton_infra.core.naming import child_name, physical_name


def vpc_flow_logs(
    network: Component,
    name: str,
    label: str,
    vpc_id: pulumi.Input[str],
    *,
    retention_days: int,
    key_id: pulumi.Input[str],
    account_id: pulumi.Input[str],
) -> None:
    log_group = aws.cloudwatch.LogGroup(
        child_name(name, "flow-logs"),
        name=f"/aws/vpc/{label}/flow-logs",
        retention_in_days=retention_days,
        kms_key_id=key_id,
        opts=network.child_opts(),
    )
    role = aws.iam.Role(
        child_name(name, "flow-logs-role"),
        name=physical_name(label, "flow-logs", limit="aws:iam-role"),
        assume_role_policy=service_trust(["vpc-flow-logs.amazonaws.com"], source_account=account_id),
        opts=network.child_opts(),
    )
    grant = aws.iam.RolePolicy(
        child_name(name, "flow-logs-policy"),
        role=role.id,
        policy=pulumi.Output.json_dumps(
            document(
                [
                    allow(
                        ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                        [log_group.arn, pulumi.Output.concat(log_group.arn, ":*")],
                        # DescribeLogGroups authorizes only on `*` (Service Authorization Reference,
                        # CloudWatch Logs):
                        # scoped to the group's ARN it never matched (parliament: RESOURCE_MISMATCH).
                    ),
                    allow(["logs:DescribeLogGroups"], "*", sid="DescribeOnlyIsUnscoped"),
                ]
            )
        ),
        opts=network.child_opts(),
    )
    aws.ec2.FlowLog(
        child_name(name, "flow-log"),
        vpc_id=vpc_id,
        traffic_type="ALL",
        log_destination_type="cloud-watch-logs",
        log_destination=log_group.arn,
        iam_role_arn=granted_arn(role, [grant]),  # delivers only once it may write
        max_aggregation_interval=60,
        tags={"Name": f"{label}-flow-log"},
        opts=network.child_opts(),
    )
