"""The cold-start figures (figures.yaml), each a value with its source, read once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lepton_infra.core.yaml_table import read_table


@dataclass(frozen=True)
class Figure:
    value: float
    source: str


@cache
def table() -> dict[str, Any]:
    return read_table(resources.files("lepton_infra.coldstart").joinpath("figures.yaml").read_text())


def figure(*path: str) -> Figure:
    """The row at `path`, e.g. `figure("weights_mb_per_s", "gcp", "bucket")`; a KeyError names a missing
    one."""
    row: Any = table()
    for key in path:
        row = row[key]
    return Figure(value=float(row["value"]), source=" ".join(str(row["source"]).split()))


def node_pool_type(cloud: str) -> str:
    """The deploy model's node pool type token of `cloud`, whose create time is the node term."""
    return str(table()["node_pool_type"][cloud])
