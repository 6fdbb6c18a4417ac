"""kube-prometheus-stack values from the spec, the GPU alert rules and the GPU dashboard."""

from __future__ import annotations

import json

import pytest

from lepton_infra.kubernetes.observability.alert_routing import (
    AlertReceivers,
    SecretFile,
    SmtpRelay,
    alertmanager_config,
)
from tests.kubernetes.conftest import plan_addons

OBS = "acme-ai-k8s-observability"
RELEASE = "kubernetes:helm.sh/v3:Release"
RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule"
# A deliverable receiver for specs that replace the stack's monitoring block (prod refuses none).
SLACK = {"slack": {"webhook_url": {"secret": "alertmanager-slack", "key": "url"}}}


def kps(planned):
    return planned.graph.one(RELEASE, f"{OBS}-kube-prometheus-stack")


def alerts(planned) -> dict[str, dict]:
    groups = planned.graph.one(RULE, f"{OBS}-gpu-rules").get("spec.groups")
    return {rule["alert"]: rule for group in groups for rule in group["rules"]}


def test_chart_pinned(prod) -> None:
    release = kps(prod)
    assert (release.get("chart"), release.get("version")) == ("kube-prometheus-stack", "88.5.3")
    assert release.get("repositoryOpts.repo") == "https://prometheus-community.github.io/helm-charts"
    assert release.get("namespace") == "monitoring"


def test_prometheus_retention_and_storage_from_the_spec(prod) -> None:
    spec = kps(prod).get("values.prometheus.prometheusSpec")
    assert spec["retention"] == "15d"
    claim = spec["storageSpec"]["volumeClaimTemplate"]["spec"]
    assert claim["resources"]["requests"]["storage"] == "50Gi"
    assert claim["storageClassName"] == "fast-ssd"  # the handle's storage class


def test_retention_override() -> None:
    planned = plan_addons(monitoring={**SLACK, "retention_days": 30, "storage_gb": 200})
    spec = kps(planned).get("values.prometheus.prometheusSpec")
    assert spec["retention"] == "30d"
    assert spec["storageSpec"]["volumeClaimTemplate"]["spec"]["resources"]["requests"]["storage"] == "200Gi"


@pytest.mark.parametrize(
    "selector",
    [
        "serviceMonitorSelectorNilUsesHelmValues",
        "ruleSelectorNilUsesHelmValues",
        "podMonitorSelectorNilUsesHelmValues",
    ],
)
def test_prometheus_picks_up_our_monitors_and_rules(prod, selector: str) -> None:
    assert kps(prod).get(f"values.prometheus.prometheusSpec.{selector}") is False


@pytest.mark.parametrize("component", ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"])
def test_managed_control_plane_not_scraped(prod, component: str) -> None:
    assert kps(prod).get(f"values.{component}.enabled") is False


def test_alertmanager_mails_through_the_spec_relay_with_a_mounted_password(prod) -> None:
    """aws-prod: SendGrid with SMTP AUTH, the password read from a mounted Secret, never in the values."""
    values = kps(prod).get("values.alertmanager")
    config = values["config"]
    assert config["route"]["receiver"] == "platform"
    platform = next(r for r in config["receivers"] if r["name"] == "platform")
    assert platform["email_configs"] == [
        {
            "to": "oncall@acme.dev",
            "send_resolved": True,
            "smarthost": "smtp.sendgrid.net:587",
            "from": "alerts@acme.dev",
            "require_tls": True,
            "auth_username": "apikey",
            "auth_password_file": "/etc/alertmanager/secrets/alertmanager-smtp/password",
        }
    ]
    assert values["alertmanagerSpec"]["secrets"] == [
        "alertmanager-heartbeat",
        "alertmanager-pagerduty",
        "alertmanager-smtp",
    ]


def test_critical_alerts_page_and_still_reach_the_team(prod) -> None:
    routes = kps(prod).get("values.alertmanager.config.route.routes")
    assert {"receiver": "page", "matchers": ['severity = "critical"'], "continue": True} in routes
    assert routes[-1] == {"receiver": "platform"}


def test_watchdog_goes_to_the_heartbeat_every_five_minutes(prod) -> None:
    routes = kps(prod).get("values.alertmanager.config.route.routes")
    assert routes[0] == {
        "receiver": "heartbeat",
        "matchers": ['alertname = "Watchdog"'],
        "group_wait": "0s",
        "group_interval": "5m",
        "repeat_interval": "5m",
    }


def test_no_receivers_route_to_null() -> None:
    config = alertmanager_config(AlertReceivers())
    assert config["route"]["receiver"] == "null"
    assert [r["name"] for r in config["receivers"]] == ["null"]
    assert {"receiver": "null", "matchers": ['alertname = "Watchdog"']} in config["route"]["routes"]


def test_emails_without_a_relay_are_not_a_receiver() -> None:
    config = alertmanager_config(AlertReceivers(emails=("a@b.dev",)))
    assert config["route"]["receiver"] == "null"


def test_slack_and_webhooks_read_their_urls_from_files() -> None:
    receivers = AlertReceivers(
        slack_url=SecretFile("s", "url"), slack_channel="#x", webhook_urls=(SecretFile("w", "u"),)
    )
    platform = next(r for r in alertmanager_config(receivers)["receivers"] if r["name"] == "platform")
    assert platform["slack_configs"] == [
        {"api_url_file": "/etc/alertmanager/secrets/s/url", "send_resolved": True, "channel": "#x"}
    ]
    assert platform["webhook_configs"] == [
        {"url_file": "/etc/alertmanager/secrets/w/u", "send_resolved": True}
    ]
    assert receivers.secrets == ["s", "w"]
    assert SmtpRelay("h:587", "a@b.c").password is None


def test_alert_rules_present(prod) -> None:
    assert set(alerts(prod)) == {
        "GpuIdle",
        "GpuMemoryNearFull",
        "GpuXidError",
        "GpuPodPending",
        "GpuMetricsMissing",
    }


def test_gpu_idle_uses_the_spec_threshold_for_an_hour(prod) -> None:
    rule = alerts(prod)["GpuIdle"]
    assert rule["expr"].endswith("< 10")
    assert "DCGM_FI_DEV_GPU_UTIL" in rule["expr"]
    assert rule["for"] == "1h"


def test_gpu_idle_threshold_override() -> None:
    planned = plan_addons(monitoring={**SLACK, "gpu_idle_percent": 25})
    assert alerts(planned)["GpuIdle"]["expr"].endswith("< 25")


def test_gpu_pods_pending_ten_minutes(prod) -> None:
    rule = alerts(prod)["GpuPodPending"]
    assert rule["for"] == "10m"
    assert 'phase="Pending"' in rule["expr"] and 'resource="nvidia_com_gpu"' in rule["expr"]


def test_xid_errors_are_critical_at_once(prod) -> None:
    rule = alerts(prod)["GpuXidError"]
    assert "DCGM_FI_DEV_XID_ERRORS" in rule["expr"]
    assert (rule["for"], rule["labels"]["severity"]) == ("0m", "critical")


def test_memory_near_full(prod) -> None:
    assert "DCGM_FI_DEV_FB_USED" in alerts(prod)["GpuMemoryNearFull"]["expr"]


def test_rules_wait_for_the_chart_that_owns_their_crd(prod) -> None:
    assert kps(prod).urn in prod.graph.one(RULE, f"{OBS}-gpu-rules").dependencies


def test_gpu_dashboard_configmap_is_loaded_by_the_grafana_sidecar(prod) -> None:
    cm = prod.graph.one("kubernetes:core/v1:ConfigMap", f"{OBS}-gpu-dashboard")
    assert cm.get("metadata.labels")["grafana_dashboard"] == "1"
    assert kps(prod).get("values.grafana.sidecar.dashboards.label") == "grafana_dashboard"
    dashboard = json.loads(cm.get("data")["lepton-gpu.json"])
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    for metric in ("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_FB_USED", "DCGM_FI_DEV_POWER_USAGE"):
        assert metric in exprs


def test_monitoring_namespace_is_privileged_for_node_exporter(prod) -> None:
    ns = prod.graph.one("kubernetes:core/v1:Namespace", f"{OBS}-namespace")
    assert ns.get("metadata.name") == "monitoring"
    assert ns.get("metadata.labels")["pod-security.kubernetes.io/enforce"] == "privileged"


def test_grafana_does_not_keep_the_public_default_password(prod) -> None:
    assert kps(prod).get("values.grafana.adminPassword") == ""
    assert kps(prod).inputs["values"]["grafana"]["grafana.ini"]["auth.anonymous"] == {"enabled": False}
