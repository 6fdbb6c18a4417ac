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
    """`cpu_pools`: the pool count in all, the shipped ones (the system pool, which the spec requires, and
    the GPU pools) included."""
    spec = copy.deepcopy(BASE["lepton:platform"])
    shipped = spec["node_pools"]
    spec["node_pools"] = shipped + [
        {"name": f"cpu-{i}", "cpu": "standard-4", "min": 0, "max": 2} for i in range(cpu_pools - len(shipped))
    ]
    # The first teams take over the shipped tenants' quotas: every GPU pool is a job flavor some queue must
    # hold quota on (spec/jobs_rules.py), so the GPU pools keep their queue quota at every scale point.
    quotas = [{k: t[k] for k in ("gpu_quota", "jobs") if k in t} for t in spec["tenants"]]
    spec["tenants"] = [
        {"name": f"team-{i}", **(quotas[i] if i < len(quotas) else {"gpu_quota": 0})} for i in range(tenants)
    ]
    spec["services"] = []
    # Without services no pool is held for a kept-running one (spec/reserved_pools.py): every GPU pool is
    # then a job flavor, and one no queue holds gets quota in the second team's queue.
    held = {pool for t in spec["tenants"] for pool in (t.get("jobs") or {}).get("gpu_quota", {})}
    freed = {p["name"]: 1 for p in shipped if p.get("gpu") and p["name"] not in held}
    if freed and len(spec["tenants"]) > 1 and "jobs" in spec["tenants"][1]:
        jobs = spec["tenants"][1]["jobs"]
        spec["tenants"][1]["jobs"] = {**jobs, "gpu_quota": {**jobs["gpu_quota"], **freed}}
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


def _series(
    name: str, points: list[int], make: Any
) -> tuple[list[tuple[int, float, int]], float, float, float]:
    """The points, the marginal seconds per unit of both segments, and the growth ratio: seconds per planned
    resource at the largest point over the middle one. Linear growth (a fixed cost plus a cost per resource)
    keeps it at or under 1; quadratic growth raises it by the ratio of the resource counts. The marginals'
    ratio would say the same but is at the mercy of noise when the first segment costs a few ms."""
    _time_plan(make(points[0]))  # warm imports out of the measurement
    results = [(n, *_best_of(make(n))) for n in points]
    (n0, t0, _), (n1, t1, r1), (n2, t2, r2) = results
    first, second = (t1 - t0) / (n1 - n0), (t2 - t1) / (n2 - n1)
    return results, first, second, (t2 / r2) / (t1 / r1)


def run() -> tuple[Table, dict[str, Any]]:
    table = Table(
        title="2. Scale: plan time as the spec grows (aws-prod shape, best of 3; linear if the time "
        "per resource at the largest point is < 1.5x the middle point's)"
    )
    for column in ("series", "n", "resources", "plan s", "marginal ms/unit", "growth check"):
        table.add_column(column, justify="right" if column not in {"series", "growth check"} else "left")
    out: dict[str, Any] = {}
    for name, points, make in (
        ("tenants", [10, 100, 500], lambda n: _spec(n, 4)),
        ("node pools", [4, 16, 64], lambda n: _spec(10, n)),
    ):
        results, first, second, ratio = _series(name, points, make)
        verdict = f"s/resource largest/middle = {ratio:.2f} ({'linear' if ratio < 1.5 else 'SUPERLINEAR'})"
        for i, (n, seconds, count) in enumerate(results):
            marginal = "" if i == 0 else f"{(first if i == 1 else second) * 1000:.1f}"
            table.add_row(
                name if i == 0 else "",
                str(n),
                str(count),
                f"{seconds:.2f}",
                marginal,
                verdict if i == 2 else "",
            )
        out[name] = {"points": results, "marginal_s": [first, second], "ratio": ratio}
    return table, out
