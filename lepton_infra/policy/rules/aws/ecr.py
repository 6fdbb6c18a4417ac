"""ECR rules: customer-managed keys, scan on push, immutable tags."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import ResourceView, Severity
from lepton_infra.policy.props import UNKNOWN, as_bool, as_list, as_mapping, is_set, is_unknown, shown
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.aws.tokens import AWS, ECR_REPOSITORY


@resource_rule(
    id="lepton-aws-ecr-cmk",
    title="ECR repositories are encrypted with a customer-managed KMS key",
    severity=Severity.MEDIUM,
    types=(ECR_REPOSITORY,),
    clouds=AWS,
    description="Images are encrypted with our KMS key (`encryptionConfigurations[].encryptionType` KMS "
    "with `kmsKey`).",
    remediation="Set `encryption_configurations=[...(encryption_type='KMS', kms_key=key.arn)]`.",
    anchors=("checkov:CKV_AWS_136",),
)
def ecr_cmk(r: ResourceView) -> Iterator[str]:
    configs = [as_mapping(c) for c in as_list(r.get("encryptionConfigurations"))]
    if not configs:
        yield "no encryptionConfigurations: images are encrypted with AES256, not our KMS key"
        return
    for c in configs:
        if c.get("encryptionType") not in ("KMS", "KMS_DSSE", UNKNOWN):
            yield f"encryptionType is {shown(c.get('encryptionType'))}, not KMS"
        elif not is_set(c.get("kmsKey")):
            yield "kmsKey is not set: KMS with the AWS-managed key"


@resource_rule(
    id="lepton-aws-ecr-scan-on-push",
    title="ECR repositories scan images on push",
    severity=Severity.MEDIUM,
    types=(ECR_REPOSITORY,),
    clouds=AWS,
    description="`imageScanningConfiguration.scanOnPush` is true.",
    remediation="Set `image_scanning_configuration=...(scan_on_push=True)`.",
    anchors=("checkov:CKV_AWS_163",),
)
def ecr_scan_on_push(r: ResourceView) -> Iterator[str]:
    value = r.get("imageScanningConfiguration.scanOnPush")
    if not is_unknown(value) and as_bool(value) is not True:
        yield "imageScanningConfiguration.scanOnPush is not true"


@resource_rule(
    id="lepton-aws-ecr-immutable-tags",
    title="ECR image tags are immutable",
    severity=Severity.MEDIUM,
    types=(ECR_REPOSITORY,),
    clouds=AWS,
    description="`imageTagMutability` is IMMUTABLE.",
    remediation="Set `image_tag_mutability='IMMUTABLE'`.",
    anchors=("checkov:CKV_AWS_51",),
)
def ecr_immutable(r: ResourceView) -> Iterator[str]:
    value = r.get("imageTagMutability", "MUTABLE")
    if value not in ("IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION", UNKNOWN):
        yield f"imageTagMutability is {shown(value)}: a tag can be overwritten"
