"""J3: every alert reaches a person. Every PrometheusRule expression, dashboard query and scaling query reads
series some exporter the stack configures produces, with labels those series carry (exporters' metric
names at their pinned versions: lepton_infra/core/data/exported_metrics.yaml); every alert routes to a
receiver whose integrations have their credentials mounted; the Watchdog reaches a dead man's switch in
prod; the DNS server the cluster runs is the one scraped; node readiness is alerted once."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import SHIPPED_STACKS
from tests.journeys.cluster import Cluster, Journey
from tests.journeys.conftest import ALL
from tests.journeys.series import exported, queries, selectors

SECRETS_MOUNT = "/etc/alertmanager/secrets/"  # prometheus-operator mounts alertmanagerSpec.secrets here
CREDENTIAL_FILES = {
    "email_configs": ("auth_password_file",),
    "slack_configs": ("api_url_file",),
    "pagerduty_configs": ("routing_key_file",),
    "webhook_configs": ("url_file",),
}


def _alertmanager(cluster: Cluster) -> tuple[dict[str, Any], list[str]]:
    values = cluster.release_values("kube-prometheus-stack") or {}
    am = values.get("alertmanager") or {}
    return am.get("config") or {}, list((am.get("alertmanagerSpec") or {}).get("secrets") or [])


def _matches(route: dict[str, Any], labels: dict[str, str]) -> bool:
    for matcher in route.get("matchers") or []:
        name, op, value = re.fullmatch(r'\s*(\w+)\s*(=~|!=|=)\s*"(.*)"\s*', matcher).groups()  # type: ignore[union-attr]
        have = labels.get(name, "")
        if (
            (op == "=" and have != value)
            or (op == "!=" and have == value)
            or (op == "=~" and not re.fullmatch(value, have))
        ):
            return False
    return True


def route(tree: dict[str, Any], labels: dict[str, str]) -> list[str]:
    """The receivers an alert with these labels is sent to (Alertmanager's routing: the first matching
    child, and the following ones while `continue` is set; the node's own receiver when none matched)."""
    out: list[str] = []
    for child in tree.get("routes") or []:
        if _matches(child, labels):
            out += route({**child, "receiver": child.get("receiver", tree["receiver"])}, labels)
            if not child.get("continue"):
                return out
    return out or [tree["receiver"]]


def _alerts(cluster: Cluster) -> list[dict[str, str]]:
    alerts = [
        {"alertname": r["alert"], **(r.get("labels") or {})}
        for rule in cluster.of_kind("PrometheusRule")
        for g in rule["spec"]["groups"]
        for r in g["rules"]
        if "alert" in r
    ]
    # Two of kube-prometheus-stack's own rules, one per severity (88.5.3 templates/prometheus/rules-1.14:
    # KubeNodeNotReady is a warning, KubeAPIDown critical).
    alerts += [
        {"alertname": "KubeNodeNotReady", "severity": "warning"},
        {"alertname": "KubeAPIDown", "severity": "critical"},
    ]
    return alerts


def _walk_alert(cluster: Cluster, alert: dict[str, str], stop: bool = True) -> Journey:
    config, secrets = _alertmanager(cluster)
    j = Journey(f"J3 {alert['alertname']} ({alert.get('severity')})", stop)
    receivers = {r["name"]: r for r in config.get("receivers") or []}
    names = route(config["route"], alert)
    j.link("routed", bool(names), "no route")
    for name in names:
        receiver = receivers.get(name, {})
        integrations = {k: v for k, v in receiver.items() if k.endswith("_configs")}
        j.link(
            f"receiver {name} delivers",
            bool(integrations),
            f"receiver {name!r} has no integration: the alert is dropped",
        )
        for kind, configs in integrations.items():
            for c in configs:
                files = [c.get(f) for f in CREDENTIAL_FILES.get(kind, ()) if c.get(f)]
                j.link(
                    f"{name} {kind} has credentials",
                    bool(files),
                    f"{kind} without {CREDENTIAL_FILES.get(kind)}: {c}",
                )
                for f in files:
                    secret = f[len(SECRETS_MOUNT) :].split("/", 1)[0] if f.startswith(SECRETS_MOUNT) else None
                    j.link(
                        f"{name} {kind} credentials mounted",
                        secret in secrets,
                        f"{f} is not in a mounted Secret ({secrets})",
                    )
                if kind == "email_configs":
                    j.link(
                        f"{name} mail relay authenticates",
                        bool(c.get("auth_username")),
                        f"unauthenticated relay {c.get('smarthost')}",
                    )
    return j


@pytest.mark.parametrize("stack", ALL)
def test_every_query_reads_series_an_exporter_produces(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    series = exported(cluster)
    found = queries(cluster)
    assert found, f"{stack}: no alert, dashboard or scaling query"
    problems = []
    for q in found:
        for sel in selectors(q.expr):
            if sel.metric not in series:
                problems.append(f"{q.where}: {sel.metric} is exported by no exporter this stack runs")
            elif not sel.labels <= series[sel.metric]:
                problems.append(
                    f"{q.where}: {sel.metric} has no label {sorted(sel.labels - series[sel.metric])}"
                )
    assert problems == []


@pytest.mark.parametrize("stack", ALL)
def test_every_alert_reaches_a_receiver_with_credentials(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    cluster = cluster_of(stack)
    for alert in _alerts(cluster):
        _walk_alert(cluster, alert)


@pytest.mark.parametrize("stack", [s for s in SHIPPED_STACKS if s.endswith("-prod")])
def test_prod_watchdog_reaches_a_dead_mans_switch(stack: str, cluster_of: Callable[[str], Cluster]) -> None:
    cluster = cluster_of(stack)
    config, _ = _alertmanager(cluster)
    names = route(config["route"], {"alertname": "Watchdog", "severity": "none"})
    receivers = {r["name"]: r for r in config["receivers"]}
    assert names and all(receivers[n].get("webhook_configs") for n in names), names
    _walk_alert(cluster, {"alertname": "Watchdog", "severity": "none"})


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_the_dns_server_the_cluster_runs_is_the_one_scraped(
    stack: str, cluster_of: Callable[[str], Cluster]
) -> None:
    """GKE runs kube-dns (metrics on 10054/10055), EKS and AKS run CoreDNS (9153); kube-prometheus-stack
    scrapes CoreDNS unless told otherwise, which on GKE is a target down for good (TargetDown)."""
    cluster = cluster_of(stack)
    values = cluster.release_values("kube-prometheus-stack") or {}
    coredns = (values.get("coreDns") or {}).get("enabled", True)
    kubedns = (values.get("kubeDns") or {}).get("enabled", False)
    runs = "kube-dns" if cluster.cloud == "gcp" else "coredns"
    assert (coredns, kubedns) == ((False, True) if runs == "kube-dns" else (True, False))


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_node_readiness_is_alerted_once(stack: str, cluster_of: Callable[[str], Cluster]) -> None:
    """kube-prometheus-stack's kubernetes-system rules (KubeNodeNotReady) watch node readiness; a second
    rule on the same series pages twice for one node."""
    cluster = cluster_of(stack)
    values = cluster.release_values("kube-prometheus-stack") or {}
    assert ((values.get("defaultRules") or {}).get("rules") or {}).get("kubernetesSystem", True)
    ours = [
        q.where
        for q in queries(cluster)
        if q.where.startswith("PrometheusRule") and "kube_node_status_condition" in q.expr
    ]
    assert ours == []
