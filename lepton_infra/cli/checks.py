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
    if str(path) == "-":
        raise BadUsage(f"--policy-report {kind} -: give a file name (stdout carries the report)")
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
    except SpecError as err:  # malformed YAML/JSON: the file, line and what is wrong, on one line
        raise BadUsage(f"--policy-config {path}: " + "; ".join(p.render() for p in err.problems)) from None
    except UnicodeDecodeError as err:
        raise BadUsage(f"--policy-config {path}: not UTF-8 text (byte offset {err.start})") from None
    except OSError as err:
        raise BadUsage(f"--policy-config {path}: cannot be read ({err.strerror})") from None
    try:
        PolicyConfig.parse(document, [r.id for r in all_rules()], source=str(path))
    except SpecError as err:
        raise BadUsage(str(err).replace("\n", " ")) from None
    return document


def read_plan_report(path: Path) -> dict[str, Any]:
    """A `plan --json` report for `diff`: a mapping whose `resources` each have a urn, type and name."""
    import json

    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BadUsage(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadUsage(f"{path}: is a folder, not a plan report") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise BadUsage(f"{path}: not a plan report ({' '.join(str(exc).split())})") from None
    resources = report.get("resources") if isinstance(report, dict) else None
    if not isinstance(resources, list) or not all(
        isinstance(r, dict) and all(isinstance(r.get(k), str) for k in ("urn", "type", "name"))
        for r in resources
    ):
        raise BadUsage(
            f"{path}: not a plan report (no `resources` list of urn/type/name); write one with `plan --json`"
        )
    return report
