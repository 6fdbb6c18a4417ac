"""Cost estimates over a recorded plan: idle (every pool at its min) and at max, per item, per node pool
and per tenant. Prices carry their source date; the spec's `budget.price_overrides` wins."""

from lepton_infra.cost.model import CostItem, CostReport, estimate_cost

__all__ = ["CostItem", "CostReport", "estimate_cost"]
