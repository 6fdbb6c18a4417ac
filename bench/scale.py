"""Benchmark 2: plan time as tenants and node pools grow; marginal cost per tenant and per pool."""

from __future__ import annotations

import copy
import time
from pathlib import Path
from typing import Any

import yaml
from rich.table import Table

from lepton_infra.cli import build_report
from lepton_infra.plan import plan_program

REPO = Path(__file__).resolve().parent.parent
BASE = yaml.safe_load((REPO / "stacks/platform/Pulumi.aws-prod.yaml").read_text())["config"]


def _spec(tenants: int, cpu_pools: int) -> dict[str, Any]:
    spec = copy.deepcopy(BASE["lepton:platform"])
    gpu_pools = [p for p in spec["node_pools"] if "gpu" in p]
    spec["node_pools"] = gpu_pools + [{"name": f"cpu-{i}", "cpu": "standard-4", "min": 0, "max": 2}
                                      for i in range(cpu_pools - len(gpu_pools))]
    spec["tenants"] = [{"name": f"team-{i}", "gpu_quota": 0} for i in range(tenants)]
    spec["services"] = []
    return spec


def _time_plan(spec: dict[str, Any]) -> tuple[float, int]:
    from lepton_infra.platform import build
    from lepton_infra.spec import PlatformSpec

    config = {**BASE, "lepton:platform": spec}
    start = time.perf_counter()
    graph = plan_program(lambda: build(PlatformSpec.from_config()), config, project="bench", stack="scale")
    build_report(graph)  # validation, naming, cost, deploy and policy analyses included
    return time.perf_counter() - start, len(graph.managed)


def _best_of(spec: dict[str, Any], runs: int = 3) -> tuple[float, int]:
    """The fastest of a few runs: the least disturbed by whatever else the machine is doing."""
    timings = [_time_plan(spec) for _ in range(runs)]
    return min(t for t, _ in timings), timings[0][1]


def _series(name: str, points: list[int], make: Any) -> tuple[list[tuple[int, float, int]], float, float]:
    _time_plan(make(points[0]))  # warm imports out of the measurement
    results = [(n, *_best_of(make(n))) for n in points]
    (n0, t0, _), (n1, t1, _), (n2, t2, _) = results
    first, second = (t1 - t0) / (n1 - n0), (t2 - t1) / (n2 - n1)
    return results, first, second


def run() -> tuple[Table, dict[str, Any]]:
    table = Table(title="2. Scale: plan time as the spec grows (aws-prod shape, best of 3; linear if the later "
                  "marginal cost is < 1.5x the earlier)")
    for column in ("series", "n", "resources", "plan s", "marginal ms/unit", "growth check"):
        table.add_column(column, justify="right" if column not in {"series", "growth check"} else "left")
    out: dict[str, Any] = {}
    for name, points, make in (("tenants", [10, 100, 500], lambda n: _spec(n, 4)),
                               ("node pools", [4, 16, 64], lambda n: _spec(10, n))):
        results, first, second = _series(name, points, make)
        ratio = second / first if first > 0 else float("inf")
        verdict = f"later/earlier marginal = {ratio:.2f} ({'linear' if ratio < 1.5 else 'SUPERLINEAR'})"
        for i, (n, seconds, count) in enumerate(results):
            marginal = "" if i == 0 else f"{(first if i == 1 else second) * 1000:.1f}"
            table.add_row(name if i == 0 else "", str(n), str(count), f"{seconds:.2f}", marginal,
                          verdict if i == 2 else "")
        out[name] = {"points": results, "marginal_s": [first, second], "ratio": ratio}
    return table, out
