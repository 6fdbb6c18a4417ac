"""Where Alertmanager sends alerts: receivers from the spec (e-mail through an SMTP relay, Slack,
PagerDuty, webhooks), the route tree, and the dead man's switch. Plain data for the chart's
`alertmanager.config`.

Every credential stays in a Kubernetes Secret the deployer creates in the monitoring namespace: the
operator mounts each Secret named in `alertmanagerSpec.secrets` at /etc/alertmanager/secrets/<name>/, and
the config names the file (`*_file` fields: smtp_auth_password_file, api_url_file, routing_key_file,
url_file; prometheus/alertmanager v0.34.0 config/config.go and notify/*/config.go, the version
kube-prometheus-stack 88.5.3 ships; read 2026-12-07). Nothing secret is in the plan or the state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from lepton_infra.spec.monitoring import MonitoringSpec, SecretKeyRef

SECRETS_MOUNT = "/etc/alertmanager/secrets"  # where the operator mounts alertmanagerSpec.secrets
# The dead man's switch fires always; it is re-sent this often, and its receiver alerts when it stops.
HEARTBEAT_INTERVAL = "5m"
# kube-prometheus-stack's always-firing alerts: Watchdog (the heartbeat) and InfoInhibitor (only inhibits).
WATCHDOG = "Watchdog"
INFO_INHIBITOR = "InfoInhibitor"


@dataclass(frozen=True)
class SecretFile:
    """One key of a Secret in the monitoring namespace, as the file Alertmanager reads."""

    secret: str
    key: str

    @property
    def path(self) -> str:
        return f"{SECRETS_MOUNT}/{self.secret}/{self.key}"


@dataclass(frozen=True)
class SmtpRelay:
    """Where Alertmanager sends mail, and how it authenticates."""

    smarthost: str
    from_address: str
    username: str | None = None
    password: SecretFile | None = None
    require_tls: bool = True


@dataclass(frozen=True)
class AlertReceivers:
    emails: Sequence[str] = ()
    smtp: SmtpRelay | None = None
    slack_url: SecretFile | None = None
    slack_channel: str | None = None
    pagerduty_key: SecretFile | None = None
    webhook_urls: Sequence[SecretFile] = field(default_factory=tuple)
    heartbeat_url: SecretFile | None = None

    @property
    def secret_files(self) -> list[SecretFile]:
        files = [self.smtp.password if self.smtp else None, self.slack_url, self.pagerduty_key]
        files += [*self.webhook_urls, self.heartbeat_url]
        return [f for f in files if f is not None]

    @property
    def secrets(self) -> list[str]:
        """The Secrets Alertmanager needs mounted, each once, in a stable order."""
        return sorted({f.secret for f in self.secret_files})

    @property
    def mails(self) -> bool:
        return bool(self.emails) and self.smtp is not None


def _everyone(receivers: AlertReceivers) -> dict[str, Any]:
    """The receiver every alert goes to: mail, Slack and webhooks, whichever are set."""
    out: dict[str, Any] = {"name": "platform"}
    if receivers.mails and receivers.smtp is not None:
        smtp = receivers.smtp
        email: dict[str, Any] = {"smarthost": smtp.smarthost, "from": smtp.from_address}
        email["require_tls"] = smtp.require_tls
        if smtp.username and smtp.password:
            email["auth_username"] = smtp.username
            email["auth_password_file"] = smtp.password.path
        out["email_configs"] = [{**email, "to": e, "send_resolved": True} for e in receivers.emails]
    if receivers.slack_url is not None:
        slack: dict[str, Any] = {"api_url_file": receivers.slack_url.path, "send_resolved": True}
        if receivers.slack_channel:
            slack["channel"] = receivers.slack_channel
        out["slack_configs"] = [slack]
    if receivers.webhook_urls:
        out["webhook_configs"] = [{"url_file": u.path, "send_resolved": True} for u in receivers.webhook_urls]
    return out


def alertmanager_config(receivers: AlertReceivers) -> dict[str, Any]:
    """Every alert to the `platform` receiver; critical ones also page (PagerDuty); the Watchdog to the
    heartbeat only, every HEARTBEAT_INTERVAL; InfoInhibitor nowhere. With no receiver at all (allowed
    outside prod, spec/alerting_rules.py) alerts go to `null`."""
    everyone = _everyone(receivers)
    has_everyone = len(everyone) > 1
    named: list[dict[str, Any]] = [{"name": "null"}]
    if has_everyone:
        named.append(everyone)
    routes: list[dict[str, Any]] = []
    if receivers.heartbeat_url is not None:
        named.append({"name": "heartbeat", "webhook_configs": [{"url_file": receivers.heartbeat_url.path}]})
        routes.append(
            {
                "receiver": "heartbeat",
                "matchers": [f'alertname = "{WATCHDOG}"'],
                "group_wait": "0s",
                "group_interval": HEARTBEAT_INTERVAL,
                "repeat_interval": HEARTBEAT_INTERVAL,
            }
        )
    else:
        routes.append({"receiver": "null", "matchers": [f'alertname = "{WATCHDOG}"']})
    routes.append({"receiver": "null", "matchers": [f'alertname = "{INFO_INHIBITOR}"']})
    if receivers.pagerduty_key is not None:
        named.append(
            {
                "name": "page",
                "pagerduty_configs": [
                    {"routing_key_file": receivers.pagerduty_key.path, "send_resolved": True}
                ],
            }
        )
        # Pages, then goes on (`continue`) to the catch-all below: the team's channel sees it as well. A
        # matched child route ends the search otherwise, and the root's receiver is used only when none
        # matched.
        routes.append({"receiver": "page", "matchers": ['severity = "critical"'], "continue": has_everyone})
        if has_everyone:
            routes.append({"receiver": "platform"})
    return {
        "route": {
            "receiver": "platform" if has_everyone else "null",
            "group_by": ["alertname", "namespace"],
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "4h",
            "routes": routes,
        },
        "receivers": named,
    }


def alert_receivers(mon: MonitoringSpec) -> AlertReceivers:
    """The spec's receivers as Alertmanager's (spec/alerting_rules.py refused what cannot deliver)."""

    def file(ref: SecretKeyRef | None) -> SecretFile | None:
        return SecretFile(ref.secret, ref.key) if ref is not None else None

    smtp = mon.smtp
    return AlertReceivers(
        emails=tuple(mon.alert_emails),
        smtp=SmtpRelay(
            smarthost=smtp.relay,
            from_address=smtp.from_address,
            username=smtp.username,
            password=file(smtp.password),
            require_tls=smtp.require_tls,
        )
        if smtp is not None
        else None,
        slack_url=file(mon.slack.webhook_url) if mon.slack else None,
        slack_channel=mon.slack.channel if mon.slack else None,
        pagerduty_key=file(mon.pagerduty.routing_key) if mon.pagerduty else None,
        webhook_urls=tuple(SecretFile(w.secret, w.key) for w in mon.webhooks),
        heartbeat_url=file(mon.heartbeat),
    )
