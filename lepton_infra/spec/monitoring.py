"""Monitoring, alerting and the budget."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from lepton_infra.spec.base import Email, SpecModel, described


def _port_in_range(relay: str) -> str:
    if not 1 <= int(relay.rsplit(":", 1)[1]) <= 65535:
        raise PydanticCustomError("port_range", "the port is not between 1 and 65535")
    return relay


# The pattern first, so the port check only sees `host:digits`.
SmtpRelay = Annotated[
    str,
    StringConstraints(
        pattern=described(r"^[A-Za-z0-9.-]+:[0-9]{2,5}$", "`host:port`, e.g. `smtp.acme.dev:587`")
    ),
    AfterValidator(_port_in_range),
]


class MonitoringSpec(SpecModel):
    alert_emails: list[Email] = Field(
        default_factory=list, description="Where alerts and budget notices go. Default none."
    )
    smtp_relay: SmtpRelay | None = Field(
        default=None,
        description="SMTP relay `host:port` Alertmanager sends through (e.g. Amazon SES "
        "`email-smtp.us-east-1.amazonaws.com:587`). Default: `smtp.<domain of the first alert email>:587`.",
    )

    gpu_idle_percent: int = Field(
        default=10, ge=1, le=100, description="A GPU below this utilisation for an hour is idle. Default 10."
    )
    retention_days: int = Field(
        default=15,
        ge=1,
        le=400,
        description="Metrics retention (Prometheus; on Azure also the Log Analytics "
        "workspace). AWS CloudWatch log groups use `aws.log_retention_days`. Default 15 days.",
    )
    storage_gb: int = Field(default=50, ge=10, le=10000, description="Prometheus volume. Default 50 GiB.")


class BudgetSpec(SpecModel):
    monthly_usd: float = Field(
        gt=0, allow_inf_nan=False, description="Monthly spending limit in USD: a finite amount above 0."
    )
    thresholds_percent: list[int] = Field(
        default_factory=lambda: [80, 100],
        description="Notify at these percentages of the budget. Default 80 and 100.",
    )
    price_overrides: dict[str, Annotated[float, Field(ge=0, allow_inf_nan=False)]] = Field(
        default_factory=dict,
        description="USD per hour by machine type of the chosen cloud's catalog (or fee key, e.g. "
        "`eks-control-plane`), overriding catalog list prices (e.g. negotiated discounts). Finite, not "
        "negative; unknown keys are refused.",
    )
