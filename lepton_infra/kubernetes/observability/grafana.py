"""Grafana dashboard pieces the platform's dashboards share (JSON model, schemaVersion 39), as data."""

from __future__ import annotations

from typing import Any

DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}


def timeseries_panel(
    pid: int, title: str, targets: list[tuple[str, str]], x: int, y: int, defaults: dict[str, Any]
) -> dict[str, Any]:
    """A half-width time-series panel at (x, y): one query per (expression, legend), refIds A, B, ..."""
    return {
        "id": pid,
        "type": "timeseries",
        "title": title,
        "datasource": DATASOURCE,
        "gridPos": {"h": 8, "w": 12, "x": x, "y": y},
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "targets": [
            {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend}
            for i, (expr, legend) in enumerate(targets)
        ],
    }


def query_variable(name: str, query: str, **extra: Any) -> dict[str, Any]:
    """A multi-value template variable from a Prometheus label query, `All` included."""
    return {
        "name": name,
        "type": "query",
        "datasource": DATASOURCE,
        "query": query,
        "includeAll": True,
        "multi": True,
        **extra,
    }


def dashboard(
    uid: str, title: str, tags: list[str], variables: list[dict[str, Any]], panels: list[dict[str, Any]]
) -> dict[str, Any]:
    """A dashboard in UTC over the last 6 hours, refreshed every minute, with a Prometheus data-source
    variable ahead of `variables`."""
    return {
        "uid": uid,
        "title": title,
        "tags": tags,
        "timezone": "utc",
        "schemaVersion": 39,
        "refresh": "1m",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {
            "list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}, *variables]
        },
        "panels": panels,
    }
