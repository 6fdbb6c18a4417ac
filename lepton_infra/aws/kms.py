"""Deprecated since 0.2.0: `lepton_infra.aws.encryption` (every cloud keeps its key in `encryption.py`).
This module re-exports it and goes in 0.3.0 (docs/UPGRADE-0.2.md)."""

import warnings

from lepton_infra.aws.encryption import (
    AUTOSCALING_SERVICE,
    AUTOSCALING_SLR_NAME,
    EncryptionKey,
    EncryptionKeyArgs,
    autoscaling_slr_arn,
    cloudtrail_statements,
    key_policy,
)

__all__ = [
    "AUTOSCALING_SERVICE",
    "AUTOSCALING_SLR_NAME",
    "EncryptionKey",
    "EncryptionKeyArgs",
    "autoscaling_slr_arn",
    "cloudtrail_statements",
    "key_policy",
]

warnings.warn(
    "lepton_infra.aws.kms is lepton_infra.aws.encryption since 0.2.0; the old module goes in 0.3.0 "
    "(docs/UPGRADE-0.2.md)",
    DeprecationWarning,
    stacklevel=2,
)
