"""Cloud KMS rules: keys rotate at least every 90 days."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lepton_infra.policy.model import NotApplicable, ResourceView, Severity
from lepton_infra.policy.props import (
    UNKNOWN,
    is_unknown,
)
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules.gcp.tokens import CRYPTO_KEY, GCP

MAX_ROTATION_SECONDS = 90 * 24 * 3600


@resource_rule(
    id="lepton-gcp-kms-key-rotation",
    title="Cloud KMS keys rotate at least every 90 days",
    severity=Severity.HIGH,
    types=(CRYPTO_KEY,),
    clouds=GCP,
    description="Symmetric keys have `rotationPeriod` of at most 7776000s.",
    remediation="Set `rotation_period='7776000s'`.",
    anchors=("checkov:CKV_GCP_43",),
)
def kms_rotation(r: ResourceView) -> Iterator[str]:
    purpose = r.get("purpose", "ENCRYPT_DECRYPT")
    if purpose not in ("ENCRYPT_DECRYPT", UNKNOWN):
        raise NotApplicable(f"{purpose} keys do not rotate automatically")
    period = r.get("rotationPeriod")
    if is_unknown(period):
        return
    seconds = _seconds(period)
    if seconds is None:
        yield "rotationPeriod is not set: the key never rotates"
    elif seconds > MAX_ROTATION_SECONDS:
        yield f"rotationPeriod {period} is longer than 90 days (7776000s)"


def _seconds(period: Any) -> float | None:
    if not isinstance(period, str) or not period.endswith("s"):
        return None
    try:
        return float(period[:-1])
    except ValueError:
        return None
