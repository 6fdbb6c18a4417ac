"""Opt-in (`aws.guardduty_eks_protection`): GuardDuty EKS Protection (the cluster's audit logs) and Runtime
Monitoring with GuardDuty managing its EKS security agent add-on.

A GuardDuty detector is a singleton per account and region: CreateDetector fails when one exists
(BadRequestException "The request is rejected because a detector already exists for the current account"),
and it usually does, made by the organisation's delegated administrator. So the platform creates a
detector only when no `aws.guardduty_detector_id` is given; with one, it only turns the two features on
in that detector (`aws.guardduty.DetectorFeature`; GuardDuty API UpdateDetector `Features`). Only one of
EKS_RUNTIME_MONITORING and RUNTIME_MONITORING may be set (pulumi-aws docs); RUNTIME_MONITORING is the
current one, with the EKS_ADDON_MANAGEMENT configuration. Destroying the stack does not turn a feature
off (the provider only forgets it), and a detector the platform created is protected in prod: deleting
it would end GuardDuty for the whole account and region.
"""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from lepton_infra.core.naming import child_name
from lepton_infra.profiles.aws.knobs import AwsKnobs

EKS_AUDIT_LOGS = "EKS_AUDIT_LOGS"
RUNTIME_MONITORING = "RUNTIME_MONITORING"
EKS_ADDON_MANAGEMENT = "EKS_ADDON_MANAGEMENT"


def eks_protection(
    parent: str, *, detector_id: str | None, protect: bool, opts: pulumi.ResourceOptions
) -> pulumi.Output[str]:
    """The detector id the features are set in (created here when `detector_id` is None)."""
    if detector_id is None:
        detector = aws.guardduty.Detector(
            child_name(parent, "guardduty"),
            enable=True,
            finding_publishing_frequency="FIFTEEN_MINUTES",
            opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=protect)),
        )
        target: pulumi.Output[str] = detector.id
    else:
        target = pulumi.Output.from_input(detector_id)
    aws.guardduty.DetectorFeature(
        child_name(parent, "guardduty-eks-audit-logs"),
        detector_id=target,
        name=EKS_AUDIT_LOGS,
        status="ENABLED",
        opts=opts,
    )
    aws.guardduty.DetectorFeature(
        child_name(parent, "guardduty-runtime-monitoring"),
        detector_id=target,
        name=RUNTIME_MONITORING,
        status="ENABLED",
        additional_configurations=[
            aws.guardduty.DetectorFeatureAdditionalConfigurationArgs(
                name=EKS_ADDON_MANAGEMENT, status="ENABLED"
            )
        ],
        opts=opts,
    )
    return target


def account_level_detection(
    parent: pulumi.Resource, name: str, knobs: AwsKnobs, protect: bool, opts: pulumi.ResourceOptions
) -> None:
    """Opt-in: usually the organisation's; when off, the plan names the prerequisite."""
    if knobs.guardduty_eks_protection:
        eks_protection(name, detector_id=knobs.guardduty_detector_id, protect=protect, opts=opts)
    else:
        pulumi.log.info(
            "GuardDuty EKS Protection and Runtime Monitoring: off (aws.guardduty_eks_protection); "
            "prerequisite: enable them for this account and region from the organisation's "
            "GuardDuty administrator (docs/security.md)",
            parent,
        )
    if not knobs.cloudtrail_data_events:
        pulumi.log.info(
            "CloudTrail S3 data events of the model bucket: off (aws.cloudtrail_data_events); "
            "prerequisite: record them in the organisation trail (docs/security.md)",
            parent,
        )
