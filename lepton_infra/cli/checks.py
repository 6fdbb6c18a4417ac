"""Checks of the CLI's options that name files, run before any plan: each failure is one line."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

POLICY_REPORT_FORMATS = ("sarif", "junit")


class BadUsage(Exception):
    """An option the user can fix: printed as one line, exit 2."""


def check_writable(option: str, path: Path) -> None:
    """`path` can be written: its folder exists and takes a new file, or the file exists and opens for
    writing. Tried for real (a probe file), since permission bits say nothing for root or read-only mounts."""
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise BadUsage(f"{option} {path}: is a folder; give a file name")
    if not parent.exists():
        raise BadUsage(f"{option} {path}: folder {parent} does not exist; create it first")
    if not parent.is_dir():
        raise BadUsage(f"{option} {path}: {parent} is not a folder")
    try:
        if path.exists():
            with path.open("r+b"):
                pass
        else:
            fd, probe = tempfile.mkstemp(dir=parent, prefix=".lepton-write-probe-")
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(probe)
    except OSError as err:
        raise BadUsage(f"{option} {path}: cannot be written ({err.strerror})") from None


def check_policy_report(kind: str, path: Path) -> None:
    if kind not in POLICY_REPORT_FORMATS:
        raise BadUsage(f"--policy-report {kind!r}: unknown format; use {' or '.join(POLICY_REPORT_FORMATS)}")
    check_writable("--policy-report", path)


def check_policy_config(path: Path) -> Any:
    """The policy config document, parsed and validated against the known rules."""
    from lepton_infra.core.errors import SpecError
    from lepton_infra.policy.config import PolicyConfig, load_config_file
    from lepton_infra.policy.rules import all_rules

    if not path.exists():
        raise BadUsage(f"--policy-config {path}: no such file")
    if not path.is_file():
        raise BadUsage(f"--policy-config {path}: not a file")
    try:
        document = load_config_file(path)
    except UnicodeDecodeError as err:
        raise BadUsage(f"--policy-config {path}: not UTF-8 text (byte offset {err.start})") from None
    except OSError as err:
        raise BadUsage(f"--policy-config {path}: cannot be read ({err.strerror})") from None
    try:
        PolicyConfig.parse(document, [r.id for r in all_rules()], source=str(path))
    except SpecError as err:
        raise BadUsage(str(err).replace("\n", " ")) from None
    return document
