"""The pinned Helm charts: where each comes from, its version, and which Kubernetes minors (and companion
charts) it supports.

Data, not code (`data/chart_support.yaml`, the one place a chart version is written): the spec reads it to
refuse an unsupported `cluster.version` before anything is created, without importing the in-cluster
layer (which pulls pulumi_kubernetes); `kubernetes/charts/pinned.py` builds its pins from the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lepton_infra.core.yaml_table import read_table

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
    # Where Helm fetches the chart (an HTTP repository or an `oci://` address) and the release name.
    repo: str = ""
    release: str = ""
    # chart -> the minor ("2.18") its pinned version must have
    requires: Mapping[str, str] = field(default_factory=dict)
    # The parent's Chart.yaml dependencies at the pinned version: subchart -> version.
    subcharts: Mapping[str, str] = field(default_factory=dict)
    # Kubernetes minor -> image tag, for a chart whose image must match the cluster's minor.
    image_tags: Mapping[str, str] = field(default_factory=dict)
    # How the chart's CRDs reach a cluster on an upgrade: templates, upgrade-hook, install-only or none;
    # for install-only, the chart version whose CRDs clusters hold (data/chart_support.yaml's header).
    crds: str = "none"
    crds_from: str | None = None
    read: str = ""  # the date the row was read (ISO)
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
    raw = read_table(DATA.read_text())
    return {
        chart: ChartSupport(
            chart=chart,
            version=str(row["version"]),
            kubernetes_min=str(row["kubernetes"]["min"]),
            kubernetes_max=None if row["kubernetes"]["max"] is None else str(row["kubernetes"]["max"]),
            repo=str(row["repo"]),
            release=str(row["release"]),
            requires={str(k): str(v) for k, v in (row.get("requires") or {}).items()},
            subcharts={str(k): str(v) for k, v in (row.get("subcharts") or {}).items()},
            image_tags={str(k): str(v) for k, v in (row.get("image_tags") or {}).items()},
            crds=str(row["crds"]),
            crds_from=None if row.get("crds_from") is None else str(row["crds_from"]),
            read=str(row["read"]),
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
