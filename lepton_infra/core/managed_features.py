"""Cloud-managed features with an announced end of support, and where a plan's date stands against it.

Data, not code (`data/managed_features.yaml`, each row dated and sourced). The module that turns a feature
on asks `support_warning` with the plan's date (core/kubernetes_versions.plan_date) and logs what it says,
so a plan made after the end, or within WARN_DAYS days of it, says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from lepton_infra.core.kubernetes_versions import WARN_DAYS
from lepton_infra.core.yaml_table import read_table

DATA = Path(__file__).parent / "data" / "managed_features.yaml"


@dataclass(frozen=True)
class ManagedFeature:
    key: str
    cloud: str
    feature: str
    used_by: str
    support_ends: date  # the first day out of support
    successor: str
    read: str
    source: str

    def warning(self, on: date) -> str | None:
        """A sentence when support ended on or before `on`, or ends WARN_DAYS days after it or sooner."""
        days = (self.support_ends - on).days
        if days > WARN_DAYS:
            return None
        when = (
            f"ended on {self.support_ends} ({-days} days before the plan date {on})"
            if days <= 0
            else f"ends on {self.support_ends} ({days} days after the plan date {on})"
        )
        return (
            f"{self.feature}: the cloud's support {when}; supported instead: {self.successor} "
            f"(lepton_infra/core/data/managed_features.yaml, read {self.read})"
        )


@cache
def managed_features() -> dict[str, ManagedFeature]:
    raw = read_table(DATA.read_text())
    return {
        key: ManagedFeature(
            key=key,
            cloud=row["cloud"],
            feature=row["feature"],
            used_by=row["used_by"],
            support_ends=date.fromisoformat(row["support_ends"]),
            successor=row["successor"],
            read=row["read"],
            source=row["source"],
        )
        for key, row in raw.items()
    }


def support_warning(key: str, on: date) -> str | None:
    return managed_features()[key].warning(on)
