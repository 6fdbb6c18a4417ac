"""Turn pydantic's errors into `Problem`s: path, given value, why, and how to fix it."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from lepton_infra.core.errors import MISSING, Problem

_FIXES = {
    "extra_forbidden": "remove it or check the spelling against the documented fields",
    "missing": "add it",
    "greater_than_equal": "raise it",
    "greater_than": "raise it",
    "less_than_equal": "lower it",
    "less_than": "lower it",
    "string_pattern_mismatch": "use the documented format",
    "literal_error": "use one of the allowed values",
    "too_short": "add at least one entry",
}


def format_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(root)"


def problems_from_validation_error(err: ValidationError, data: Any) -> list[Problem]:
    problems: list[Problem] = []
    for e in err.errors():
        nested = (e.get("ctx") or {}).get("error")
        carried = getattr(nested, "problems", None)
        if carried is not None:  # the cross-field rules, already well-formed
            problems.extend(carried)
            continue
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        is_key = bool(loc) and loc[-1] == "[key]"  # pydantic marks a bad mapping key this way
        loc = loc[:-1] if is_key else loc
        value = MISSING if e["type"] == "missing" else e.get("input")
        why = e["msg"][0].lower() + e["msg"][1:] if e["msg"] else e["type"]
        why = f"invalid key: {why}" if is_key else why
        if e["type"] == "extra_forbidden":
            why = "unknown field"
        fix = _FIXES.get(e["type"], "correct the value")
        problems.append(Problem(format_path(loc), value, why, fix))
    return problems
