"""What the chart_values generators share: a chart's values.yaml read from a fetched mirror at an exact
tag, and the provenance header each generated file starts with (source blob, how to regenerate it).
The generators run as scripts (`python tests/kubernetes/chart_values/<generator>.py ...`)."""

from __future__ import annotations

import datetime
import subprocess
from collections.abc import Sequence
from pathlib import Path


def values_at_tag(git_dir: str, tag: str, path: str) -> tuple[str, str]:
    """The file's text at `tag`, and its blob id (what the header cites)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", git_dir, *args], check=True, capture_output=True, text=True
        ).stdout

    return git("show", f"{tag}:{path}"), git("rev-parse", f"{tag}:{path}").strip()


def source_header(
    generator: str, repo_url: str, tag: str, path: str, blob: str, out: str, extra_args: Sequence[str] = ()
) -> list[str]:
    """Two comment lines: where the data comes from, and the command that wrote it."""
    return [
        f"# source: {repo_url} tag {tag} path {path} (blob {blob})",
        f"# generated: {datetime.date.today().isoformat()} with: python tests/kubernetes/chart_values/"
        f"{generator} <mirror of {repo_url}> {repo_url} {tag} {path} {Path(out).name}"
        + "".join(f" {a}" for a in extra_args),
    ]
