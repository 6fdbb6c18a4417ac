"""Cost estimates over a recorded plan: idle (every pool at its min, or the nodes kept-running services
hold) and at max, per item, per node pool and per tenant. Prices carry their source date; the spec's
`budget.price_overrides` wins.

The model (which reads recorded plans) loads on first use, so the spec's validation can consult the
price keys (`cost.prices`) without importing the plan engine."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lepton_infra.cost.model import CostItem, CostReport, estimate_cost

__all__ = ["CostItem", "CostReport", "estimate_cost"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from lepton_infra.cost import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
