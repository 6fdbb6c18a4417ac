"""A plan diff as JSON, as Markdown for a pull-request comment, and as text for the terminal.

All three come from `diff_document`, so they say the same thing. Values are shown as the reports hold
them: secrets stay `[secret]`.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.text import Text

from lepton_infra.plan.diff import PlanDiff

MAX_VALUE = 80  # characters of one value shown; the JSON keeps the whole value


def _ref(r: dict[str, Any]) -> dict[str, Any]:
    return {"urn": r["urn"], "type": r["type"], "name": r["name"], "protect": bool(r.get("protect"))}


def _label(report: dict[str, Any]) -> str:
    return f"{report.get('project', '?')}/{report.get('stack', '?')}"


def diff_document(d: PlanDiff, exit_code: int) -> dict[str, Any]:
    cost_delta = d.cost_delta()
    return {
        "base": _label(d.base),
        "head": _label(d.head),
        "summary": {
            "added": len(d.added),
            "removed": len(d.removed),
            "changed": len(d.changed),
            "replaced": len(d.replaced),
            "renamed": len(d.renamed),
            "accidental_replacements": len(d.accidental),
            "protected_at_risk": len(d.protected_at_risk),
        },
        "added": [_ref(r) for r in d.added],
        "removed": [_ref(r) for r in d.removed],
        "changed": [
            {
                **_ref(p.new),
                "old_urn": p.old["urn"],
                "replaced": p.replaced,
                "changes": [
                    {"path": c.path, "old": c.old, "new": c.new, "forces_replacement": c.forces_replacement}
                    for c in p.changes
                ],
            }
            for p in d.changed
        ],
        "renamed": [{"old_urn": p.old["urn"], "urn": p.new["urn"]} for p in d.renamed],
        "accidental_replacements": [
            {"old_urn": o["urn"], "urn": n["urn"], "type": o["type"], "why": why}
            for o, n, why in d.accidental
        ],
        "protected_at_risk": [{**_ref(r), "action": action} for r, action in d.protected_at_risk],
        "moved_providers": [{"urn": urn, "change": how} for urn, how in sorted(d.moved_providers.items())],
        "cost": {
            key: {
                "base": d.base.get("cost", {}).get(key),
                "head": d.head.get("cost", {}).get(key),
                "delta": cost_delta[key],
            }
            for key in ("monthly_usd_idle", "monthly_usd_max")
        },
        "policy": {"new": d.policy_new, "fixed": d.policy_fixed},
        "exit_code": exit_code,
    }


def to_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, default=str) + "\n"


CONTEXT = 24  # characters shown before the first difference when a value is cut


def _text(value: Any) -> str:
    if value is None:
        return "(none)"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _window(text: str, start: int) -> str:
    """`MAX_VALUE` characters of `text` from `start`, with `…` where it was cut."""
    head = "…" if start > 0 else ""
    body = text[start : start + MAX_VALUE - len(head)]
    tail = "…" if start + len(body) < len(text) else ""
    return head + (body[: len(body) - len(tail)] if tail else body) + tail


def shown_change(old: Any, new: Any) -> tuple[str, str]:
    """Both sides of a change, each at most `MAX_VALUE` characters; a long value is cut around its first
    difference from the other (a change in the last characters of an ARN stays visible), the same
    window on both sides."""
    a, b = _text(old), _text(new)
    if len(a) <= MAX_VALUE and len(b) <= MAX_VALUE:
        return a, b
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, common - CONTEXT)
    return _window(a, start), _window(b, start)


def _money(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "n/a"
    return f"{value:+,.2f}" if signed else f"{value:,.2f}"


def _lines(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """(kind, line) pairs: the content both the text and the Markdown forms are built from. Kinds:
    title, summary, danger (must not be missed), section, item, detail."""
    s = doc["summary"]
    out = [
        ("title", f"Plan diff {doc['base']} → {doc['head']}"),
        (
            "summary",
            f"{s['added']} to create, {s['removed']} to delete, {s['changed']} to change "
            f"({s['replaced']} replaced), {s['renamed']} renamed through an alias",
        ),
    ]
    for r in doc["protected_at_risk"]:
        verb, _, how = r["action"].partition(" ")
        out.append(
            (
                "danger",
                f"PROTECTED {verb.upper()}{' ' + how if how else ''}: {r['type']} {r['name']} — "
                "the engine refuses to "
                "delete a protected resource; add an alias, or keep the inputs that force this",
            )
        )
    for m in doc["moved_providers"]:
        out.append(
            (
                "danger",
                f"PROVIDER MOVED: {m['urn'].rsplit('::', 1)[-1]} {m['change']} — its regional "
                "resources would be created there and deleted here",
            )
        )
    for a in doc["accidental_replacements"]:
        out.append(
            (
                "danger",
                f"REPLACE-AND-DELETE without an alias: {a['old_urn'].split('::', 2)[2]} → "
                f"{a['urn'].split('::', 2)[2]} ({a['why']}); add `aliases=[...]` to keep it",
            )
        )
    replaced = [c for c in doc["changed"] if c["replaced"]]
    if replaced:
        out.append(("section", "Replace (an input the provider cannot change in place)"))
        for c in replaced:
            forcing = ", ".join(ch["path"] for ch in c["changes"] if ch["forces_replacement"])
            out.append(("item", f"± {c['type']} {c['name']}: {forcing} forces replacement"))
    if doc["added"]:
        out.append(("section", "Create"))
        out += [("item", f"+ {r['type']} {r['name']}") for r in doc["added"]]
    if doc["removed"]:
        out.append(("section", "Delete"))
        out += [
            ("item", f"- {r['type']} {r['name']}" + (" (protected)" if r["protect"] else ""))
            for r in doc["removed"]
        ]
    if doc["renamed"]:
        out.append(("section", "Renamed (through an alias: no replacement)"))
        out += [("item", f"{r['old_urn']} → {r['urn']}") for r in doc["renamed"]]
    if doc["changed"]:
        out.append(("section", "Change"))
        for c in doc["changed"]:
            out.append(("item", f"~ {c['type']} {c['name']}" + (" (replace)" if c["replaced"] else "")))
            for ch in c["changes"]:
                mark = " [forces replacement]" if ch["forces_replacement"] else ""
                before, after = shown_change(ch["old"], ch["new"])
                out.append(("detail", f"{ch['path']}: {before} → {after}{mark}"))
    cost = doc["cost"]
    out.append(("section", "Cost (USD per month)"))
    for key, label in (("monthly_usd_idle", "idle"), ("monthly_usd_max", "max")):
        c = cost[key]
        out.append(
            ("item", f"{label}: {_money(c['base'])} → {_money(c['head'])} ({_money(c['delta'], True)})")
        )
    policy = doc["policy"]
    out.append(("section", f"Policy: {len(policy['new'])} new, {len(policy['fixed'])} fixed"))
    out += [
        ("item", f"new {v['enforcement']} {v['policy']} on {v['urn'].rsplit('::', 1)[-1]}: {v['message']}")
        for v in policy["new"]
    ]
    out += [("item", f"fixed {v['policy']} on {v['urn'].rsplit('::', 1)[-1]}") for v in policy["fixed"]]
    return out


_STYLES = {
    "title": "bold",
    "danger": "bold red",
    "warn": "yellow",
    "section": "bold",
    "summary": "",
    "item": "",
    "detail": "dim",
}


def render_text(doc: dict[str, Any], console: Console) -> None:
    for kind, line in _lines(doc):
        indent = {"item": "  ", "detail": "      "}.get(kind, "")
        console.print(Text(indent + line, style=_STYLES[kind]), overflow="fold")


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;")


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


MARKDOWN_LIMIT = 60_000  # GitHub refuses comments over 65,536 characters
SECTION_ITEMS = 60  # items shown per section in Markdown; the JSON and the text keep them all
FOLDED = ("Create", "Delete", "Renamed", "Change")  # long lists, folded under <details>


def to_markdown(doc: dict[str, Any]) -> str:
    out: list[str] = []
    shown = 0
    folded = False

    def close() -> None:
        nonlocal folded
        if folded:
            out.append("\n</details>\n")
            folded = False

    for kind, line in _lines(doc):
        if kind == "title":
            out.append(f"### {_md(line)}\n")
        elif kind == "summary":
            out.append(f"{_md(line)}\n")
        elif kind == "danger":
            out.append(f"> [!CAUTION]\n> {_md(line)}\n")
        elif kind == "section":
            close()
            shown = 0
            if line.startswith(FOLDED):
                out.append(f"<details><summary><b>{_md(line)}</b></summary>\n")
                folded = True
            else:
                out.append(f"\n**{_md(line)}**\n")
        elif shown < SECTION_ITEMS or (kind == "detail" and shown <= SECTION_ITEMS):
            if kind == "item":
                shown += 1
            out.append(f"- {_code(line)}" if kind == "item" else f"  - {_code(line)}")
        elif kind == "item" and shown == SECTION_ITEMS:
            shown += 1
            out.append("- … more in the JSON diff (`--format json`)")
    close()
    text = "\n".join(out) + "\n"
    if len(text) > MARKDOWN_LIMIT:
        text = (
            text[:MARKDOWN_LIMIT].rsplit("\n", 1)[0]
            + "\n\n… cut at the comment size limit; the JSON diff has it all\n"
        )
    return text
