"""Code and docs refer only to what ships in the repository: docs/architecture.md is the design's
lasting version, and every file path it names exists."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"DESIGN\.md|STYLE\.md|PULUMI-OFFLINE\.md|\bshared/")


def _texts() -> list[Path]:
    files = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    for suffix in ("py", "yaml", "md"):
        files += sorted((REPO / "lepton_infra").rglob(f"*.{suffix}"))
        files += sorted((REPO / "components").rglob(f"*.{suffix}"))
    return files


def test_nothing_points_outside_the_repository() -> None:
    found = [
        f"{p.relative_to(REPO)}: {m.group(0)}" for p in _texts() for m in OUTSIDE.finditer(p.read_text())
    ]
    assert found == []


def test_every_path_the_architecture_page_names_exists() -> None:
    text = (REPO / "docs" / "architecture.md").read_text()
    paths = set(re.findall(r"\b((?:lepton_infra|tests|docs|stacks)/[\w./]+\.(?:py|md|yaml))\b", text))
    assert paths, "the page names no file"
    assert sorted(p for p in paths if "<" not in p and not (REPO / p).exists()) == []
