"""Which Kubernetes minors (and which companion charts) each pinned chart of the in-cluster layer supports.

Data, not code (`data/chart_support.yaml`), so the spec can refuse an unsupported `cluster.version` before
anything is created without importing the in-cluster layer (which pulls pulumi_kubernetes).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data" / "chart_support.yaml"


def minor_tuple(version: str) -> tuple[int, int]:
    """'1.33' or 'v1.33.2' -> (1, 33)."""
    major, minor = version.lstrip("v").split(".")[:2]
    return int(major), int(minor)


@dataclass(frozen=True)
class ChartSupport:
    chart: str
    version: str
    kubernetes_min: str
    kubernetes_max: str | None  # None: no upper bound documented
    # chart -> the minor ("2.18") its pinned version must have
    requires: Mapping[str, str] = field(default_factory=dict)
    source: str = ""

    @property
    def kubernetes_range(self) -> str:
        return (
            f"{self.kubernetes_min}–{self.kubernetes_max}"
            if self.kubernetes_max
            else f"{self.kubernetes_min}+"
        )

    def supports_kubernetes(self, minor: str) -> bool:
        low = minor_tuple(self.kubernetes_min) <= minor_tuple(minor)
        return low and (self.kubernetes_max is None or minor_tuple(minor) <= minor_tuple(self.kubernetes_max))


@cache
def chart_support() -> dict[str, ChartSupport]:
    raw = yaml.safe_load(DATA.read_text())
    return {
        chart: ChartSupport(
            chart=chart,
            version=str(row["version"]),
            kubernetes_min=str(row["kubernetes"]["min"]),
            kubernetes_max=None if row["kubernetes"]["max"] is None else str(row["kubernetes"]["max"]),
            requires={str(k): str(v) for k, v in (row.get("requires") or {}).items()},
            source=" ".join(str(row.get("source", "")).split()),
        )
        for chart, row in raw.items()
    }


def supported_range(charts: Iterable[str]) -> tuple[str, str | None]:
    """The Kubernetes minors every one of `charts` supports: (min, max or None)."""
    rows = [chart_support()[c] for c in charts]
    low = max((r.kubernetes_min for r in rows), key=minor_tuple)
    highs = [r.kubernetes_max for r in rows if r.kubernetes_max is not None]
    return low, (min(highs, key=minor_tuple) if highs else None)


def kubernetes_unsupported(charts: Iterable[str], kubernetes_minor: str) -> list[str]:
    """Which of `charts` (the ones a platform will install) do not support `kubernetes_minor`, and why."""
    table = chart_support()
    return [
        f"{c} {table[c].version} supports Kubernetes {table[c].kubernetes_range}"
        for c in charts
        if not table[c].supports_kubernetes(kubernetes_minor)
    ]


def pairing_problems() -> list[str]:
    """Pinned charts that need another chart at a minor it is not pinned at (our pins, not user input)."""
    table = chart_support()
    problems = []
    for row in table.values():
        for other, minor in row.requires.items():
            pinned = table[other].version.lstrip("v")
            if not (pinned == minor or pinned.startswith(f"{minor}.")):
                problems.append(f"{row.chart} {row.version} needs {other} {minor}.x, pinned: {pinned}")
    return problems
