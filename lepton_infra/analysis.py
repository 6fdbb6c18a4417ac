"""Fill a plan report's analysis sections (policy, cost, deploy) from the analyses that exist.

Kept out of `plan/`, which knows nothing of lepton's own rules and prices.
"""

from __future__ import annotations

from lepton_infra.plan.report import Report


def fill(report: Report) -> None:
    """Each analysis module, when present, exposes `section(report) -> dict`."""
    return None
