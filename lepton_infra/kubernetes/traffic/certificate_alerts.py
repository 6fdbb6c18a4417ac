"""Alert rules for the services' certificates, on what cert-manager's controller exports (`certmanager_*`,
scraped through the chart's ServiceMonitor). A certificate that cannot be issued or renewed breaks its
service for every client at once, and nothing else would say so before it expires."""

from __future__ import annotations

from typing import Any

from lepton_infra.kubernetes.observability.alerts import AlertRule, prometheus_rule_spec

RULE_GROUP = "lepton-certificates"
# Renewal starts 30 days ahead (private CA: HOST_RENEW_BEFORE; Let's Encrypt: a third of 90 days): a week
# left means renewal has failed for three weeks.
EXPIRY_WARNING_DAYS = 7


def certificate_alert_rules() -> list[AlertRule]:
    return [
        AlertRule(
            name="CertificateNotReady",
            expr='max by (namespace, name) (certmanager_certificate_ready_status{condition="False"}) == 1',
            for_="30m",
            severity="warning",
            summary="A service certificate is not ready",
            description="Certificate {{ $labels.namespace }}/{{ $labels.name }} has not been Ready for 30m: "
            "issuance or renewal fails (`kubectl describe certificate`, then its CertificateRequest "
            "and, for ACME, the Order and Challenge: DNS-01 needs the zone's write access).",
        ),
        AlertRule(
            name="CertificateExpiringSoon",
            expr=f"min by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds - time()) "
            f"< {EXPIRY_WARNING_DAYS} * 86400",
            for_="1h",
            severity="critical",
            summary="A service certificate expires within a week",
            description="Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in under "
            f"{EXPIRY_WARNING_DAYS} days although renewal starts 30 days ahead: renewal keeps "
            "failing. Clients will refuse the service once it expires.",
        ),
        AlertRule(
            name="CertManagerMetricsMissing",
            expr="absent(certmanager_clock_time_seconds_gauge)",
            for_="15m",
            severity="critical",
            summary="cert-manager is not running or not scraped",
            description="No cert-manager metrics for 15m: certificates are neither renewed nor watched. "
            "Check the pods in the cert-manager namespace.",
        ),
    ]


def certificate_rule_spec() -> dict[str, Any]:
    return prometheus_rule_spec(certificate_alert_rules(), RULE_GROUP)
