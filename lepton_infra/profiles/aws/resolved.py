"""AWS's knobs with their defaults decided: what the AWS platform reads instead of the Optional knobs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lepton_infra.spec.cloud_knobs import AwsKnobs
from lepton_infra.spec.defaults import EnvDefault

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
    knobs: AwsKnobs  # the `aws:` block as written (an absent block: every knob at its default)
    interface_endpoints: bool
    log_retention_days: int  # the cluster's CloudWatch log groups
    access_log_retention_days: int  # the model bucket's S3 access logs


def _filled(spec: PlatformSpec, path: str, value: Any) -> Any:
    """The knob, or its environment row when unset (a spec built from model objects skips the validator's
    filling)."""
    if value is not None:
        return value
    return next(row for row in ENVIRONMENT_DEFAULTS if row.path == path).value(spec.environment)


def resolve_aws(spec: PlatformSpec) -> ResolvedAws:
    knobs = spec.aws or AwsKnobs()
    return ResolvedAws(
        knobs=knobs,
        interface_endpoints=bool(_filled(spec, "aws.interface_endpoints", knobs.interface_endpoints)),
        log_retention_days=int(_filled(spec, "aws.log_retention_days", knobs.log_retention_days)),
        access_log_retention_days=int(
            _filled(spec, "aws.access_log_retention_days", knobs.access_log_retention_days)
        ),
    )
