"""KMS rules: customer-managed keys rotate."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import NotApplicable, ResourceView, Severity
from lepton_infra.policy.props import as_bool, is_unknown
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.aws.tokens import AWS, KMS_KEY


@resource_rule(
    id="lepton-aws-kms-key-rotation",
    title="KMS keys rotate",
    severity=Severity.HIGH,
    types=(KMS_KEY,),
    clouds=AWS,
    description="Symmetric customer-managed KMS keys have automatic rotation on.",
    remediation="Set `enable_key_rotation=True`.",
    anchors=("checkov:CKV_AWS_7",),
)
def kms_rotation(r: ResourceView) -> Iterator[str]:
    spec = r.get("customerMasterKeySpec", "SYMMETRIC_DEFAULT")
    if isinstance(spec, str) and spec != "SYMMETRIC_DEFAULT":
        raise NotApplicable(f"{spec} keys cannot rotate automatically")
    value = r.get("enableKeyRotation")
    if not is_unknown(value) and as_bool(value) is not True:
        yield "enableKeyRotation is not true"
