"""The package's YAML tables read the same with libyaml's parser as with PyYAML's pure-Python one."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lepton_infra.core import yaml_table

PACKAGE = Path(__file__).resolve().parents[2] / "lepton_infra"
TABLES = sorted(p for p in PACKAGE.rglob("*.yaml") if "charts" not in p.parts)


def test_the_fast_parser_is_in_use() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML was built without libyaml here: read_table falls back to SafeLoader")
    assert yaml_table._LOADER is yaml.CSafeLoader


def test_there_are_tables_to_compare() -> None:
    names = {p.name for p in TABLES}
    assert {"kubernetes_versions.yaml", "fees.yaml", "durations.yaml", "azure.yaml"} <= names


@pytest.mark.parametrize("path", TABLES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_table_reads_as_safe_load_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml_table.read_table(text) == yaml.safe_load(text)
