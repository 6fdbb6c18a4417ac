"""AWS's knobs with their defaults decided: what the AWS platform reads instead of the Optional knobs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from lepton_infra.spec.cloud_knobs import AwsKnobs
from lepton_infra.spec.defaults import EnvDefault, filled

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


# What the `aws:` knobs default to per environment (the validator fills them from these rows; the spec
# reference prints them).
ENVIRONMENT_DEFAULTS: tuple[EnvDefault, ...] = (
    EnvDefault("aws.interface_endpoints", False, False, True, cloud="aws"),
    # A year of logs in prod (checkov CKV_AWS_338); shorter, cheaper elsewhere.
    EnvDefault("aws.log_retention_days", 30, 90, 365, cloud="aws"),
    EnvDefault("aws.access_log_retention_days", 30, 90, 365, cloud="aws"),
    EnvDefault("network.flow_log_retention_days", 30, 90, 365, cloud="aws"),
)


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
