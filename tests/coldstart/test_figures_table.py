"""lepton_infra/coldstart/figures.yaml: every figure the estimate reads has a value and a source, and the
table says when it was read; the node term's rows exist in the deploy model's durations."""

from __future__ import annotations

import datetime
from typing import Any

from lepton_infra.coldstart.figures import figure, table
from lepton_infra.deploy.critical_path import durations


def _rows(node: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(node, dict) and "value" in node:
        return [path]
    if isinstance(node, dict):
        return [row for key, child in node.items() for row in _rows(child, (*path, key))]
    return []


def test_every_figure_has_a_value_and_a_source() -> None:
    rows = [r for r in _rows(table()) if r]
    # gpu 3, pull 1, streamed 1, default image size 1, engine image size 1, weights 9, engine 2
    assert len(rows) == 18
    for path in rows:
        fig = figure(*path)
        assert fig.value >= 0 and fig.source, path


def test_the_table_is_dated() -> None:
    assert table()["read"] == datetime.date(2026, 12, 7)


def test_the_node_rows_are_in_the_deploy_model() -> None:
    for cloud, row_type in table()["node_pool_type"].items():
        assert row_type in durations()["types"], cloud
