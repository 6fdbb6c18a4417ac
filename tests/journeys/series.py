"""Every series a plan's queries read (alert rules, dashboards, KEDA triggers), parsed as PromQL, and the
series the exporters the plan configures produce (lepton_infra/core/data/exported_metrics.yaml)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import promql_parser
import yaml

import lepton_infra
from lepton_infra.gcp.cluster_facts import GKE_DCGM_EXPORTER
from tests.journeys.cluster import Cluster

CATALOG: dict[str, Any] = yaml.safe_load(
    (Path(lepton_infra.__file__).parent / "core" / "data" / "exported_metrics.yaml").read_text()
)
# Labels every scraped series gets from its target (prometheus-operator's ServiceMonitor/PodMonitor).
TARGET_LABELS = {"instance", "job", "namespace", "pod", "service", "container", "endpoint"}


@dataclass(frozen=True)
class Query:
    where: str  # what holds it: "PrometheusRule lepton-gpu/GpuIdle", "dashboard lepton-gpu: GPU utilisation"
    expr: str


@dataclass(frozen=True)
class Selector:
    metric: str
    labels: frozenset[str]  # matched and grouped-by label names


def queries(cluster: Cluster) -> list[Query]:
    out = []
    for rule in cluster.of_kind("PrometheusRule"):
        for group in rule["spec"]["groups"]:
            for r in group["rules"]:
                out.append(
                    Query(f"PrometheusRule {group['name']}/{r.get('alert') or r.get('record')}", r["expr"])
                )
    for cm in cluster.of_kind("ConfigMap"):
        if not (cm["metadata"].get("labels") or {}).get("grafana_dashboard"):
            continue
        for key, text in (cm.get("data") or {}).items():
            dash = json.loads(text)
            for panel in dash.get("panels", []):
                for target in panel.get("targets", []):
                    out.append(Query(f"dashboard {key}: {panel['title']}", target["expr"]))
            for var in (dash.get("templating") or {}).get("list", []):
                m = re.fullmatch(r"label_values\((\w+),\s*(\w+)\)", str(var.get("query", "")))
                if m:
                    out.append(Query(f"dashboard {key}: variable {var['name']}", f"max by ({m[2]}) ({m[1]})"))
    for so in cluster.of_kind("ScaledObject"):
        for trigger in so["spec"]["triggers"]:
            if trigger["type"] == "prometheus":
                out.append(Query(f"ScaledObject {so['metadata']['name']}", trigger["metadata"]["query"]))
    return out


def selectors(expr: str) -> list[Selector]:
    """Each vector selector with the label names matched on it and grouped by around it."""
    out: list[Selector] = []

    def walk(node: Any, grouping: frozenset[str]) -> None:
        kind = type(node).__name__
        if kind == "VectorSelector":
            matched = {m.name for m in node.matchers.matchers}
            out.append(Selector(node.name, frozenset(matched | grouping)))
            return
        if kind == "AggregateExpr":  # inside, only its own `by` labels need to exist
            modifier = node.modifier
            grouping = (
                frozenset(modifier.labels) if modifier and str(modifier.type).endswith("By") else frozenset()
            )
        matching = node.modifier.matching if kind == "BinaryExpr" and node.modifier is not None else None
        if matching is not None and str(matching.type).endswith("Include"):  # `on (...)`
            grouping = grouping | set(matching.labels)
        for attr in ("expr", "lhs", "rhs", "vector_selector", "param"):
            child = getattr(node, attr, None)
            if child is not None and type(child).__name__ not in ("str", "float", "int"):
                walk(child, grouping)
        for arg in getattr(node, "args", None) or []:
            walk(arg, grouping)

    walk(promql_parser.parse(expr), frozenset())
    return out


def exported(cluster: Cluster) -> dict[str, set[str]]:
    """metric -> the labels its series carry, from every exporter the plan configures and scrapes."""
    releases = {
        "kube-prometheus-stack": cluster.release_values("kube-prometheus-stack"),
        "gpu-operator": cluster.release_values("gpu-operator"),
        "kueue": cluster.release_values("kueue"),
        "cert-manager": cluster.release_values("cert-manager"),
    }
    monitors = cluster.of_kind("ServiceMonitor") + cluster.of_kind("PodMonitor")
    present = {chart for chart, values in releases.items() if values is not None}
    if any(m["metadata"]["name"].endswith("-queue") for m in cluster.of_kind("ServiceMonitor")):
        present.add("queue-monitor")
    if any(s for s in cluster.of_kind("ScaledObject")):
        present.add("service-monitor")
    if any(
        r["metadata"]["name"].endswith("-lepton-inference-engines") for r in cluster.of_kind("PrometheusRule")
    ):
        present.add("inference-engine")  # a service runs an engine (kubernetes/serving/engine.py)
    gpu_values = releases["gpu-operator"] or {}
    if not (gpu_values.get("dcgmExporter") or {}).get("enabled", True):
        present.discard("gpu-operator")
    relabelled = {
        r["targetLabel"]
        for m in monitors
        for e in m["spec"].get("endpoints") or m["spec"].get("podMetricsEndpoints") or []
        for r in e.get("relabelings") or []
        if r.get("targetLabel")
    }
    scrape = TARGET_LABELS | relabelled
    series: dict[str, set[str]] = {}
    options = (cluster.kueue_config().get("metrics") or {}) if "kueue" in present else {}
    for entry in CATALOG.values():
        if entry["installed_by"] not in present:
            continue
        gated = {
            m
            for option, names in (entry.get("gated") or {}).items()
            if not options.get(option)
            for m in names
        }
        for metric, labels in entry["metrics"].items():
            if metric not in gated:
                series[metric] = set(labels) | set(entry.get("labels") or []) | scrape
    if any(
        m["spec"].get("namespaceSelector", {}).get("matchNames") == [GKE_DCGM_EXPORTER.namespace]
        for m in monitors
    ):
        dcgm = CATALOG["dcgm-exporter"]
        for metric in GKE_DCGM_EXPORTER.metrics:
            series[metric] = set(dcgm["labels"]) | scrape
    return series
