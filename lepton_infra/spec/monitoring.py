"""Monitoring, alerting and the budget."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from lepton_infra.core.spec_model import SpecModel, described
from lepton_infra.spec.base import Email

SecretName = Annotated[
    str,
    StringConstraints(
        pattern=described(
            r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$",
            "a Kubernetes Secret name (lowercase letters, digits, `-` and `.`), e.g. `alertmanager-smtp`",
        )
    ),
]
SecretKey = Annotated[
    str,
    StringConstraints(
        pattern=described(r"^[-._a-zA-Z0-9]{1,253}$", "a Secret key (letters, digits, `-`, `_`, `.`)")
    ),
]


class SecretKeyRef(SpecModel):
    """A value the deployer keeps in a Kubernetes Secret in the `monitoring` namespace, created before
    `pulumi up` (kubectl, External Secrets, the cloud's secret store CSI driver): the plan and the stack
    state only name it. Alertmanager reads it from a file where the operator mounts the Secret."""

    secret: SecretName = Field(description="The Secret's name, in the `monitoring` namespace.")
    key: SecretKey = Field(description="The key in the Secret holding the value.")


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


class SmtpSpec(SpecModel):
    relay: SmtpRelay = Field(
        description="The SMTP server `host:port` Alertmanager sends through, e.g. Amazon SES "
        "`email-smtp.us-east-1.amazonaws.com:587`, SendGrid `smtp.sendgrid.net:587`, or the company relay. "
        "No cloud runs one for the platform.",
    )
    from_address: Email = Field(
        alias="from", description="The sender, an address the relay accepts mail from (SES: a verified one)."
    )
    username: str | None = Field(
        default=None,
        min_length=1,
        description="SMTP AUTH user name (SES: the SMTP user's name, SendGrid: `apikey`). Default none: "
        "the relay accepts mail without authentication (only an internal relay does).",
    )
    password: SecretKeyRef | None = Field(
        default=None,
        description="Where the SMTP AUTH password is (never in the spec). Needed with `username`.",
    )
    require_tls: bool = Field(default=True, description="STARTTLS required. Default true.")


class SlackSpec(SpecModel):
    webhook_url: SecretKeyRef = Field(description="Where the Slack incoming-webhook URL is (a secret).")
    channel: str | None = Field(
        default=None, description="Channel override, e.g. `#ml-oncall`. Default: the webhook's own."
    )


class PagerDutySpec(SpecModel):
    routing_key: SecretKeyRef = Field(
        description="Where the PagerDuty Events API v2 integration (routing) key is. Only critical alerts "
        "page; every alert also goes to the other receivers."
    )


class MonitoringSpec(SpecModel):
    alert_emails: list[Email] = Field(
        default_factory=list,
        description="Where budget notices go (the cloud sends them), and, with `smtp`, every alert. "
        "Default none.",
    )
    smtp: SmtpSpec | None = Field(
        default=None,
        description="The mail relay Alertmanager sends `alert_emails` through. Without it the alerts reach "
        "no address (no cloud gives Alertmanager a relay): the spec is refused unless another receiver "
        "is set. Default none.",
    )
    smtp_relay: SmtpRelay | None = Field(
        default=None,
        description="Replaced by `smtp` (relay, sender, authentication): refused, naming its replacement.",
    )
    slack: SlackSpec | None = Field(default=None, description="Every alert to a Slack channel. Default none.")
    pagerduty: PagerDutySpec | None = Field(
        default=None, description="Critical alerts page through PagerDuty. Default none."
    )
    webhooks: list[SecretKeyRef] = Field(
        default_factory=list,
        description="Every alert, as Alertmanager's webhook JSON, to these URLs (each a secret: URLs often "
        "carry a token). Default none.",
    )
    heartbeat: SecretKeyRef | None = Field(
        default=None,
        description="A dead man's switch: where the always-firing Watchdog alert is sent every 5 minutes "
        "(a URL at healthchecks.io, Dead Man's Snitch, PagerDuty or Opsgenie heartbeats, kept as a "
        "secret). That service alerts when the pings stop, i.e. when Prometheus, Alertmanager or their "
        "way out is broken and no other alert could say so. Default none.",
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

    @property
    def alert_receivers(self) -> list[str]:
        """The receivers in-cluster alerts reach (empty: none, alerts go nowhere)."""
        names = []
        if self.alert_emails and self.smtp is not None:
            names.append("email")
        if self.slack is not None:
            names.append("slack")
        if self.pagerduty is not None:
            names.append("pagerduty")
        if self.webhooks:
            names.append("webhook")
        return names


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
