"""SNS rules: the alert topic is encrypted with a customer-managed key."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import ResourceView, Severity
from lepton_infra.policy.props import is_set
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.aws.tokens import AWS, SNS_TOPIC


@resource_rule(
    id="lepton-aws-sns-cmk",
    title="SNS topics are encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    types=(SNS_TOPIC,),
    clouds=AWS,
    description="Topics have `kmsMasterKeyId` set to a key of ours (not `alias/aws/sns`).",
    remediation="Set `kms_master_key_id=key.arn`.",
    anchors=("checkov:CKV_AWS_26",),
)
def sns_cmk(r: ResourceView) -> Iterator[str]:
    key = r.get("kmsMasterKeyId")
    if not is_set(key):
        yield "kmsMasterKeyId is not set"
    elif key == "alias/aws/sns":
        yield "kmsMasterKeyId is the AWS-managed alias/aws/sns, not a customer-managed key"
