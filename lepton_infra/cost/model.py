"""The cost model: one rule per priced resource type, over the plan's recorded inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lepton_infra.catalog import HOURS_PER_MONTH
from lepton_infra.cost.committed import CATEGORY as COMMITTED
from lepton_infra.cost.prices import PriceBook
from lepton_infra.cost.registry import CostItem
from lepton_infra.cost.rules import rule_for
from lepton_infra.cost.system_fit import SystemFit, system_fit
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec.platform import PlatformSpec, spec_in_config


@dataclass
class CostReport:
    items: list[CostItem]
    tenants: list[dict[str, Any]] = field(default_factory=list)
    system_fit: SystemFit | None = None  # the platform's own pods against the system pool's minimum

    @property
    def monthly_usd_idle(self) -> float:
        return round(sum(i.monthly_usd_idle for i in self.items), 2)

    @property
    def monthly_usd_max(self) -> float:
        return round(sum(i.monthly_usd_max for i in self.items), 2)

    def node_pools(self) -> list[CostItem]:
        return [i for i in self.items if i.category == "node_pool"]

    def _committed_json(self) -> dict[str, Any]:
        """Committed (reserved, billed whether used or not) against on-demand spend at max: only for a
        platform with a reserved pool (cost/committed.py), so other reports keep their shape."""
        committed = [i for i in self.items if i.category == COMMITTED]
        if not committed:
            return {}
        total = round(sum(i.monthly_usd_max for i in committed), 2)
        return {
            "committed": {
                "monthly_usd_committed": total,
                "monthly_usd_on_demand_max": round(self.monthly_usd_max - total, 2),
                "pools": [
                    {"pool": i.pool, "machine_type": i.machine_type, "units": i.max_units, "note": i.note}
                    for i in committed
                ],
            }
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "monthly_usd_idle": self.monthly_usd_idle,
            "monthly_usd_max": self.monthly_usd_max,
            "items": [i.to_json() for i in self.items],
            "node_pools": [
                {
                    "pool": i.pool,
                    "machine_type": i.machine_type,
                    "min": i.idle_units,
                    "max": i.max_units,
                    "monthly_usd_idle": i.monthly_usd_idle,
                    "monthly_usd_max": i.monthly_usd_max,
                }
                for i in self.node_pools()
            ],
            "tenants": self.tenants,
            **self._committed_json(),
            **({"system_pool_fit": self.system_fit.to_json()} if self.system_fit else {}),
            "hours_per_month": HOURS_PER_MONTH,
        }


def estimate_cost(graph: PlannedGraph) -> CostReport:
    """Price every recognised resource of the plan; tenants priced when the plan carries a platform spec."""
    spec = spec_in_config(graph.config)
    book = PriceBook(
        dict(spec.budget.price_overrides) if spec and spec.budget else None,
        region=spec.region if spec else None,
    )
    items = [item for r in graph.managed if (fn := rule_for(r.type)) for item in fn(r, graph, book)]
    report = CostReport(items=items)
    if spec:
        report.tenants = tenant_costs(spec, report.node_pools())
        report.system_fit = _system_fit(graph, spec, report.node_pools())
    return report


def _system_fit(graph: PlannedGraph, spec: PlatformSpec, pools: list[CostItem]) -> SystemFit | None:
    """The system pool as the plan prices it: its machine and its nodes at idle (every node group of it)."""
    system = spec.system_pool
    items = [i for i in pools if system is not None and i.pool == system.name and i.machine_type]
    if not items:
        return None
    minimum = round(sum(i.idle_units for i in items))
    return system_fit(graph, spec.cloud, items[0].pool or "", items[0].machine_type or "", minimum)


def tenant_costs(spec: PlatformSpec, pools: list[CostItem]) -> list[dict[str, Any]]:
    """A tenant's GPU quota priced at the cheapest GPU-hour among pools offering its services' GPU types
    (any GPU pool when it runs no GPU service)."""
    pool_gpu = {p.name: p.gpu.type for p in spec.gpu_pools if p.gpu}
    gpu_hour: dict[str, tuple[float, str]] = {}
    for item in pools:
        gpu = pool_gpu.get(item.pool or "")
        if gpu and item.gpus_per_unit:
            per_gpu = item.usd_per_hour / item.gpus_per_unit
            if gpu not in gpu_hour or per_gpu < gpu_hour[gpu][0]:
                gpu_hour[gpu] = (per_gpu, item.pool or "")
    out = []
    for tenant in spec.tenants:
        wanted = {s.gpu.type for s in spec.services if s.tenant == tenant.name and s.gpu}
        options = [gpu_hour[g] for g in (wanted or set(gpu_hour)) if g in gpu_hour]
        quota = tenant.gpu_quota
        if not options or quota == 0:
            out.append({"tenant": tenant.name, "gpu_quota": quota, "pool": None, "monthly_usd_at_quota": 0.0})
            continue
        per_gpu, pool = min(options)
        out.append(
            {
                "tenant": tenant.name,
                "gpu_quota": quota,
                "pool": pool,
                "usd_per_gpu_hour": round(per_gpu, 4),
                "monthly_usd_at_quota": round(quota * per_gpu * HOURS_PER_MONTH, 2),
            }
        )
    return out
