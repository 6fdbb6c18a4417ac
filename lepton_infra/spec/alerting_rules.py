"""Alerts must reach a person: rules on `monitoring` that only the whole spec can check. Pure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from lepton_infra.core.errors import Problem
from lepton_infra.core.spec_checks import Rule, rule

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec

_RECEIVER_FIX = (
    "add monitoring.smtp (relay, from, username, password: {secret, key}), or monitoring.slack, "
    "monitoring.pagerduty or monitoring.webhooks (docs/kubernetes.md, 'Alert delivery')"
)


@rule("monitoring")
def _alerts_delivered(spec: PlatformSpec) -> Iterator[Problem]:
    mon = spec.monitoring
    if mon.smtp_relay is not None:
        yield Problem(
            "monitoring.smtp_relay",
            mon.smtp_relay,
            "replaced by monitoring.smtp: a relay alone says nothing of the sender or of the "
            "authentication public relays (Amazon SES, SendGrid) require",
            f"write monitoring.smtp: {{relay: {mon.smtp_relay}, from: <sender>, username: <user>, "
            "password: {secret: <Secret in monitoring>, key: <key>}}",
        )
    smtp = mon.smtp
    if smtp is not None and (smtp.username is None) != (smtp.password is None):
        missing = "password" if smtp.password is None else "username"
        yield Problem(
            f"monitoring.smtp.{missing}",
            None,
            "SMTP AUTH needs both a user name and a password",
            "set both, or neither for a relay that accepts mail without authentication",
        )
    if mon.alert_emails and smtp is None and not mon.alert_receivers:
        yield Problem(
            "monitoring.alert_emails",
            list(mon.alert_emails),
            "in-cluster alerts (GPU, jobs, certificates, nodes) cannot be mailed: no SMTP relay is set and "
            "no cloud provides one to Alertmanager, so no alert would reach anyone (budget notices are "
            "sent by the cloud and need no relay)",
            _RECEIVER_FIX,
        )


ALERTING_RULES: tuple[Rule, ...] = (_alerts_delivered,)
