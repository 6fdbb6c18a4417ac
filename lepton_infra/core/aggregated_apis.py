"""The aggregated APIs the pinned charts register and the pod port serving each (data/aggregated_apis.yaml,
sourced per row): what the control plane must reach on the nodes for as long as the APIService exists."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lepton_infra.core.yaml_table import read_table

DATA = Path(__file__).parent / "data" / "aggregated_apis.yaml"


@dataclass(frozen=True)
class AggregatedApi:
    chart: str
    apiservices: tuple[str, ...]
    port: int
    source: str
    read: str


@cache
def aggregated_apis() -> dict[str, AggregatedApi]:
    """chart -> the APIServices it registers and their pod port."""
    rows = read_table(DATA.read_text())
    return {
        chart: AggregatedApi(
            chart=chart,
            apiservices=tuple(row["apiservices"]),
            port=int(row["port"]),
            source=" ".join(str(row["source"]).split()),
            read=str(row["read"]),
        )
        for chart, row in rows.items()
    }


def aggregated_api_ports() -> tuple[int, ...]:
    """Every pod port an aggregated API of a pinned chart is served on, ascending."""
    return tuple(sorted({api.port for api in aggregated_apis().values()}))
