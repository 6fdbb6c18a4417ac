"""The inference engines' Grafana dashboard, built as data so a test can read its queries: per service
(the `namespace` and `service` labels the services' ServiceMonitor scrape sets), time to first token,
inter-token latency, requests waiting and running, KV cache usage and tokens per second, on the metric
names of the engine's reviewed table (spec/engines.py, read from the engine's source at its pinned
version). Loaded by the Grafana sidecar like the GPU dashboard (a labelled ConfigMap)."""

from __future__ import annotations

import json
from typing import Any

from lepton_infra.kubernetes.observability.grafana import dashboard, query_variable, timeseries_panel
from lepton_infra.spec.engines import Engine

SELECTOR = '{namespace=~"$namespace",service=~"$service"}'
BY = "namespace, service"
RATE_WINDOW = "5m"


def dashboard_uid(engine: Engine) -> str:
    return f"lepton-inference-{engine.kind}"


def _panel(pid: int, title: str, targets: list[tuple[str, str]], unit: str, x: int, y: int) -> dict[str, Any]:
    return timeseries_panel(pid, title, targets, x, y, {"unit": unit})


def _quantiles(histogram: str) -> list[tuple[str, str]]:
    def q(quantile: float) -> str:
        return (
            f"histogram_quantile({quantile}, sum by ({BY}, le) "
            f"(rate({histogram}_bucket{SELECTOR}[{RATE_WINDOW}])))"
        )

    return [(q(0.5), "{{service}} p50"), (q(0.95), "{{service}} p95")]


def engine_dashboard(engine: Engine) -> dict[str, Any]:
    def per_service(fn: str, metric: str) -> str:
        return f"{fn} by ({BY}) ({metric}{SELECTOR})"

    def rate(counter: str) -> str:
        return f"sum by ({BY}) (rate({counter}{SELECTOR}[{RATE_WINDOW}]))"

    panels = [
        _panel(1, "Time to first token", _quantiles(engine.ttft_metric), "s", 0, 0),
        _panel(2, "Inter-token latency", _quantiles(engine.inter_token_metric), "s", 12, 0),
        _panel(
            3,
            "Requests waiting / running",
            [
                (per_service("sum", engine.queue_metric), "{{service}} waiting"),
                (per_service("sum", engine.running_metric), "{{service}} running"),
            ],
            "none",
            0,
            8,
        ),
        _panel(
            4,
            "KV cache usage",
            [(per_service("avg", engine.kv_cache_metric), "{{service}}")],
            "percentunit",
            12,
            8,
        ),
        _panel(
            5,
            "Tokens per second",
            [
                (rate(engine.generation_tokens_metric), "{{service}} generated"),
                (rate(engine.prompt_tokens_metric), "{{service}} prompt"),
            ],
            "none",
            0,
            16,
        ),
    ]
    by_label = f'{engine.running_metric}{{namespace=~"$namespace"}}'
    return dashboard(
        dashboard_uid(engine),
        f"Lepton / Inference ({engine.kind} {engine.version})",
        ["lepton", "inference", engine.kind],
        [
            query_variable("namespace", f"label_values({engine.running_metric}, namespace)"),
            query_variable("service", f"label_values({by_label}, service)"),
        ],
        panels,
    )


def engine_dashboard_json(engine: Engine) -> str:
    return json.dumps(engine_dashboard(engine), sort_keys=True)
