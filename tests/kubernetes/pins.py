"""The pinned charts as the tests' data files name them (`<chart>-<version>`, in chart_values/ and crds/),
read from the one table that pins them (lepton_infra/core/data/chart_support.yaml), subcharts included: a
chart bump renames every file the tests read, so a bump without regenerated data fails on a missing file."""

from __future__ import annotations

from lepton_infra.core.chart_support import chart_support


def pinned_name(chart: str) -> str:
    """`<chart>-<version>` of the pinned chart, e.g. `keda-2.20.2`."""
    return f"{chart}-{chart_support()[chart].version}"


def subchart_names(chart: str) -> dict[str, str]:
    """Subchart (the key its values sit under in the parent's values) -> `<subchart>-<version>`."""
    return {sub: f"{sub}-{version}" for sub, version in chart_support()[chart].subcharts.items()}


def subcharts_by_pinned_name() -> dict[str, dict[str, str]]:
    """`<chart>-<version>` of every pinned chart with subcharts -> its `subchart_names`."""
    return {pinned_name(c): subchart_names(c) for c, row in chart_support().items() if row.subcharts}
