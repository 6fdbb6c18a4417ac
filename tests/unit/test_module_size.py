"""Small modules: none under `lepton_infra/` over 400 lines (as `ruff format` writes them). A module that
grows past it is split by concept (one concept per file), not by line count."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "lepton_infra"
MAX_LINES = 400


def test_no_module_over_400_lines() -> None:
    lines = {
        str(path.relative_to(PACKAGE.parent)): len(path.read_text().splitlines())
        for path in sorted(PACKAGE.rglob("*.py"))
    }
    assert {path: n for path, n in lines.items() if n > MAX_LINES} == {}
