"""AWS's knobs with their defaults decided: what the AWS platform reads instead of the Optional knobs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lepton_infra.core.env_defaults import filled
from lepton_infra.profiles.aws.knobs import AwsKnobs

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


@dataclass(frozen=True)
class ResolvedAws:
    knobs: AwsKnobs  # the `aws:` block as validated
    interface_endpoints: bool
    log_retention_days: int  # the cluster's CloudWatch log groups
    access_log_retention_days: int  # the model bucket's S3 access logs


def resolve_aws(spec: PlatformSpec) -> ResolvedAws:
    knobs = filled(spec.aws, "aws")  # the environment defaults create the block on AWS
    return ResolvedAws(
        knobs=knobs,
        interface_endpoints=filled(knobs.interface_endpoints, "aws.interface_endpoints"),
        log_retention_days=filled(knobs.log_retention_days, "aws.log_retention_days"),
        access_log_retention_days=filled(knobs.access_log_retention_days, "aws.access_log_retention_days"),
    )
