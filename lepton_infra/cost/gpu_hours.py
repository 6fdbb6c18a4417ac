"""What one GPU of each GPU pool costs an hour, from the same prices as the cost model: the pool's machine
(the catalog's choice in the spec's region, or its `machine_type`), spot-discounted for a spot pool, with
`budget.price_overrides` winning, divided by the machine's GPUs. The job queues list their GPU flavors
cheapest first by it (kubernetes/jobs/queues.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from lepton_infra.cost.prices import PriceBook

if TYPE_CHECKING:
    from lepton_infra.spec.platform import PlatformSpec


def usd_per_gpu_hour(spec: PlatformSpec) -> dict[str, float]:
    """GPU pool name -> what one more hour of one of its GPUs costs: its machine's price, or 0 for a pool
    in reserved capacity (the reservation is billed whether its nodes run or not, cost/committed.py), so
    the job flavors put reserved capacity first, then the rest cheapest first (kubernetes/jobs/queues.py):
    reserved, then on-demand or spot as they cost."""
    book = PriceBook(dict(spec.budget.price_overrides) if spec.budget else None, spec.region)
    out: dict[str, float] = {}
    for pool in spec.gpu_pools:
        assert pool.gpu is not None  # gpu_pools holds only pools with GPUs
        if pool.reservation is not None:
            out[pool.name] = 0.0
            continue
        price, _ = book.machine(spec.cloud, pool.machine(spec.cloud, spec.region).name, pool.spot)
        out[pool.name] = price.usd_per_hour / pool.gpu.count
    return out
