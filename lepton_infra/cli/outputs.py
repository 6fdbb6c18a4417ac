"""The files the CLI writes (`--json`, `--policy-report`, `diff --output`): `-` is stdout wherever a
report can go there, and a run that ends in bad input (exit 2) or a failed program (exit 3) leaves no
earlier run's file behind for CI to pick up as this run's result."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

import typer

STDOUT = "-"
FAILED = (2, 3)  # bad input, the program failed: what the run was asked to write is not written
# How the CLI's own outputs begin (JSON report, SARIF, JUnit XML, text or Markdown diff): a file that
# begins otherwise is not one of ours, and is never removed (a mistyped `--json Pulumi.yaml`).
_OUR_STARTS = (b"{", b"<?xml", b"<testsuites", b"Plan diff", b"### Plan diff")


def is_stdout(path: Path | None) -> bool:
    return path is not None and str(path) == STDOUT


def write_text(path: Path, text: str) -> None:
    """`text` to `path`, or to stdout for `-`."""
    if is_stdout(path):
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        path.write_text(text, encoding="utf-8")


def _ours(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            start = f.read(32).lstrip()
    except OSError:
        return False
    return start == b"" or start.startswith(_OUR_STARTS)


def named_outputs(args: list[str]) -> list[Path | None]:
    """The files a raw command line asks the CLI to write (for a usage error, caught before the options
    are parsed): `--json FILE`, `--policy-report KIND FILE`, `--output`/`-o FILE`, `--opt=FILE` too."""
    found: list[Path | None] = []
    for i, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if eq and name in ("--json", "--output"):
            found.append(Path(value))
        elif arg in ("--json", "--output", "-o") and i + 1 < len(args):
            found.append(Path(args[i + 1]))
        elif arg == "--policy-report" and i + 2 < len(args):
            found.append(Path(args[i + 2]))
    return found


def remove_stale(paths: list[Path | None]) -> None:
    for path in paths:
        if path is None or is_stdout(path) or not path.is_file() or not _ours(path):
            continue
        with contextlib.suppress(OSError):
            path.unlink()


@contextlib.contextmanager
def no_stale_outputs(*paths: Path | None) -> Iterator[None]:
    """Remove `paths` (those the CLI would have written) when the command ends in exit 2 or 3, or in an
    error of its own: a file left from an earlier run would read as this run's result."""
    try:
        yield
    except typer.Exit as done:
        if done.exit_code in FAILED:
            remove_stale(list(paths))
        raise
    except BaseException:
        remove_stale(list(paths))
        raise
