"""Log Analytics rules: retention in prod."""

from __future__ import annotations

from collections.abc import Iterator

from lepton_infra.policy.model import Enforcement, ResourceView, Severity
from lepton_infra.policy.props import as_int
from lepton_infra.policy.registry import resource_rule
from lepton_infra.policy.rules._shared import require_prod
from lepton_infra.policy.rules.azure.tokens import AZURE, WORKSPACE
from lepton_infra.policy.rules.common import ENVIRONMENT_SCHEMA

PROD_LOG_RETENTION_DAYS = 365


@resource_rule(
    id="lepton-azure-log-retention-prod",
    title="Prod Log Analytics workspaces keep a year of logs",
    severity=Severity.MEDIUM,
    types=(WORKSPACE,),
    clouds=AZURE,
    enforcement=Enforcement.ADVISORY,
    description=f"In prod, `retentionInDays` is at least {PROD_LOG_RETENTION_DAYS}. Advisory: interactive "
    "retention beyond 31 days is billed per GB-month (docs/security.md).",
    remediation="Set `monitoring.retention_days: 365` in the prod stack.",
    config_schema=ENVIRONMENT_SCHEMA,
)
def log_retention_prod(r: ResourceView) -> Iterator[str]:
    require_prod(r)
    days = as_int(r.get("retentionInDays"))
    if days is not None and days < PROD_LOG_RETENTION_DAYS:
        yield f"retentionInDays is {days}, under {PROD_LOG_RETENTION_DAYS} in prod"
