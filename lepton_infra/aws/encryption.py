"""`EncryptionKey`: the platform's one customer-managed KMS key and its alias, and the account's Auto
Scaling service-linked role its policy names.

KMS refuses a key policy whose principal does not exist (MalformedPolicyDocumentException), and
`AWSServiceRoleForAutoScaling` exists only after the account's first Auto Scaling group: in a fresh
account the key would fail before anything else is built. So the role is created here (or declared
existing) and the key waits for it. The other key policy principals need nothing: the account root and
service principals (`logs.<region>`, `cloudwatch`, `budgets`) always exist; the EKS cluster role and the
EBS CSI role use the key through their own IAM policies, which the root statement enables.
(AWS docs: EC2 Auto Scaling "Required AWS KMS key policy for use with encrypted volumes" and
"Service-linked roles for Amazon EC2 Auto Scaling"; pulumi-aws `aws.iam.ServiceLinkedRole`.)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import pulumi
import pulumi_aws as aws

from lepton_infra.aws.account import AwsAccount, lookup_account
from lepton_infra.aws.iam import document
from lepton_infra.core.args import at_least, at_most
from lepton_infra.core.component import Component, ComponentArgs
from lepton_infra.core.errors import Problem
from lepton_infra.core.naming import child_name

# Actions a service needs to use (not manage) a key for envelope encryption.
_USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
AUTOSCALING_SERVICE = "autoscaling.amazonaws.com"
AUTOSCALING_SLR_NAME = "AWSServiceRoleForAutoScaling"


def autoscaling_slr_arn(account_id: str, partition: str) -> str:
    return (
        f"arn:{partition}:iam::{account_id}:role/aws-service-role/"
        f"{AUTOSCALING_SERVICE}/{AUTOSCALING_SLR_NAME}"
    )


@dataclass
class EncryptionKeyArgs(ComponentArgs):
    alias: str
    """Alias without the `alias/` prefix, e.g. `acme-ai-prod`; also the key's `Name` tag."""
    region: str
    """The key's region: its policy admits the regional CloudWatch Logs service principal
    (`logs.<region>`)."""
    deletion_window_days: int = 30
    """Days KMS waits before deleting the key once deletion is scheduled (7 to 30): the window to cancel a
    mistaken destroy. Default: 30."""
    protect: bool = False
    """Pulumi `protect` on the key: `pulumi destroy` and replacements stop at it. Default: off (the platform
    sets it in prod)."""
    autoscaling_service_linked_role: Literal["create", "existing"] = "create"
    """`create`: create the account's Auto Scaling service-linked role, which the key policy names (kept on
    destroy: it is the account's, not the stack's); `existing`: it is already there (any Auto Scaling group
    ever made in the account). Default: `create`."""
    cloudtrail_trail_name: str | None = None
    """A trail (in this account and region) that encrypts its log files with the key: the policy lets
    CloudTrail generate data keys for that trail only (aws/data_events.py). Default: none, no CloudTrail
    statement."""
    account: AwsAccount | None = None
    """The partition and account id every ARN here names (`aws.Platform` passes its one lookup). Default:
    looked up here with the provider's credentials (`aws.get_caller_identity`, `aws.get_partition`)."""

    def problems(self) -> Iterator[Problem]:
        # KMS ScheduleKeyDeletion accepts a pending window of 7 to 30 days.
        yield from at_least("deletion_window_days", self.deletion_window_days, 7, "KMS waits 7 to 30 days")
        yield from at_most("deletion_window_days", self.deletion_window_days, 30, "KMS waits 7 to 30 days")


def cloudtrail_statements(account_id: str, partition: str, region: str, trail: str) -> list[dict]:
    """CloudTrail user guide, "Configure AWS KMS key policies for CloudTrail": encrypt (GenerateDataKey*,
    limited to this account's trails by encryption context and to this trail by aws:SourceArn) and
    DescribeKey. Reading the logs goes through IAM (the root statement)."""
    source = {"aws:SourceArn": f"arn:{partition}:cloudtrail:{region}:{account_id}:trail/{trail}"}
    return [
        {
            "Sid": "CloudTrailEncryptsThisTrailsLogs",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:GenerateDataKey*",
            "Resource": "*",
            "Condition": {
                "StringEquals": source,
                "StringLike": {
                    "kms:EncryptionContext:aws:cloudtrail:arn": (
                        f"arn:{partition}:cloudtrail:*:{account_id}:trail/*"
                    )
                },
            },
        },
        {
            "Sid": "CloudTrailDescribesKey",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "kms:DescribeKey",
            "Resource": "*",
            "Condition": {"StringEquals": source},
        },
    ]


def key_policy(
    account_id: str,
    partition: str,
    region: str,
    autoscaling_slr: str | None = None,
    cloudtrail_trail: str | None = None,
) -> dict:
    """The key policy: the account root administers the key through IAM (without this statement the key
    becomes unmanageable), and exactly the services that encrypt platform data may use it.
    `autoscaling_slr` is the ARN of the created service-linked role (default: the well-known ARN)."""
    root = f"arn:{partition}:iam::{account_id}:root"
    autoscaling_slr = autoscaling_slr or autoscaling_slr_arn(account_id, partition)
    return document(
        [
            {
                "Sid": "AccountAdministersThroughIam",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchLogsEncryptsThisAccountsLogGroups",
                "Effect": "Allow",
                "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                "Action": [
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": (
                            f"arn:{partition}:logs:{region}:{account_id}:log-group:*"
                        )
                    }
                },
            },
            # Node groups launch encrypted gp3 volumes through the Auto Scaling service-linked role.
            {
                "Sid": "AutoScalingUsesKeyForEbs",
                "Effect": "Allow",
                "Principal": {"AWS": autoscaling_slr},
                "Action": _USE,
                "Resource": "*",
            },
            {
                "Sid": "AutoScalingGrantsForEbsOnly",
                "Effect": "Allow",
                "Principal": {"AWS": autoscaling_slr},
                "Action": "kms:CreateGrant",
                "Resource": "*",
                "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
            },
            # CloudWatch alarms and AWS Budgets publish to the encrypted SNS topic.
            {
                "Sid": "AlarmsAndBudgetsPublishToEncryptedTopic",
                "Effect": "Allow",
                "Principal": {"Service": ["cloudwatch.amazonaws.com", "budgets.amazonaws.com"]},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            },
            *(
                cloudtrail_statements(account_id, partition, region, cloudtrail_trail)
                if cloudtrail_trail
                else []
            ),
        ]
    )


class EncryptionKey(Component):
    """One CMK for secrets, EBS, logs, SNS, S3 and ECR: rotation on, a 30-day deletion window in prod.

    The alias is deleted before it is re-created (`delete_before_replace`): Pulumi's default
    create-before-delete would otherwise clash on the fixed alias name when the key is replaced."""

    TOKEN = "lepton:aws:EncryptionKey"

    def __init__(
        self, name: str, args: EncryptionKeyArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(name, args, opts)
        account = args.account or lookup_account(self)
        self.autoscaling_role: aws.iam.ServiceLinkedRole | None = None
        depends_on: list[pulumi.Resource] = []
        if args.autoscaling_service_linked_role == "create":
            self.autoscaling_role = aws.iam.ServiceLinkedRole(
                child_name(name, "autoscaling-slr"),
                aws_service_name=AUTOSCALING_SERVICE,
                # The account's role, shared with every other ASG in it: destroying a stack leaves it.
                opts=self.child_opts(retain_on_delete=True),
            )
            depends_on.append(self.autoscaling_role)
        slr_arn: pulumi.Input[str | None] = self.autoscaling_role.arn if self.autoscaling_role else None
        policy = pulumi.Output.all(account.account_id, account.partition, slr_arn).apply(
            lambda ap: pulumi.Output.json_dumps(
                key_policy(ap[0], ap[1], args.region, ap[2], args.cloudtrail_trail_name)
            )
        )
        self.key = aws.kms.Key(
            child_name(name, "key"),
            description=f"lepton-infra platform key ({args.alias})",
            key_usage="ENCRYPT_DECRYPT",
            enable_key_rotation=True,
            rotation_period_in_days=365,
            deletion_window_in_days=args.deletion_window_days,
            policy=policy,
            tags={"Name": args.alias},
            opts=self.child_opts(protect=args.protect, depends_on=depends_on),
        )
        self.alias = aws.kms.Alias(
            child_name(name, "alias"),
            name=f"alias/{args.alias}",
            target_key_id=self.key.key_id,
            opts=self.child_opts(delete_before_replace=True),
        )
        self.arn: pulumi.Output[str] = self.key.arn
        self.key_id: pulumi.Output[str] = self.key.key_id
        self.finish({"arn": self.arn, "key_id": self.key_id, "alias": self.alias.name})
