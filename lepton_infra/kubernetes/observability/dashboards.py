"""The GPU Grafana dashboard (DCGM metrics), built as data so a test can read its queries."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from lepton_infra.kubernetes.observability.alerts import DCGM_FIELD
from lepton_infra.kubernetes.observability.grafana import dashboard, query_variable

GPU_DASHBOARD_UID = "lepton-gpu"


def _panel(pid: int, title: str, expr: str, unit: str, x: int, y: int) -> dict[str, Any]:
    return {
        "id": pid,
        "type": "timeseries",
        "title": title,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": x, "y": y},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [{"refId": "A", "expr": expr, "legendFormat": "{{node}} GPU {{gpu}}"}],
    }


def gpu_dashboard(exported: Collection[str] = ()) -> dict[str, Any]:
    """With `exported` (the DCGM fields a cloud's exporter serves), only panels whose fields it serves:
    GKE's exporter has no XID field, and a panel on it would stay empty."""
    node = 'node=~"$node"'
    panels = [
        _panel(1, "GPU utilisation", f"DCGM_FI_DEV_GPU_UTIL{{{node}}}", "percent", 0, 0),
        _panel(
            2,
            "GPU memory used",
            f"DCGM_FI_DEV_FB_USED{{{node}}} / "
            f"(DCGM_FI_DEV_FB_USED{{{node}}} + DCGM_FI_DEV_FB_FREE{{{node}}})",
            "percentunit",
            12,
            0,
        ),
        _panel(3, "Power draw", f"DCGM_FI_DEV_POWER_USAGE{{{node}}}", "watt", 0, 8),
        _panel(4, "Temperature", f"DCGM_FI_DEV_GPU_TEMP{{{node}}}", "celsius", 12, 8),
        _panel(5, "XID errors (last code)", f"DCGM_FI_DEV_XID_ERRORS{{{node}}}", "none", 0, 16),
        _panel(
            6,
            "GPUs requested per namespace",
            'sum by (namespace) (kube_pod_container_resource_requests{resource="nvidia_com_gpu"})',
            "none",
            12,
            16,
        ),
    ]
    if exported:
        panels = [
            p
            for p in panels
            if all(set(DCGM_FIELD.findall(t["expr"])) <= set(exported) for t in p["targets"])
        ]
    return dashboard(
        GPU_DASHBOARD_UID,
        "Lepton / GPUs",
        ["lepton", "gpu"],
        [
            query_variable("node", "label_values(DCGM_FI_DEV_GPU_UTIL, node)"),
        ],
        panels,
    )


def gpu_dashboard_json(exported: Collection[str] = ()) -> str:
    return json.dumps(gpu_dashboard(exported), sort_keys=True)
