"""The cost section as rich tables."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text


def short_source(item: dict[str, Any]) -> str:
    """A few words for the table; the JSON report keeps the full source text."""
    source = str(item["price_source"])
    if source == "spec override":
        return "override"
    if source.startswith("assumption"):
        return "assumption"
    elsewhere = " list price, not " in source  # priced at the catalog's region, not the platform's
    kind = "estimate" if "estimate" in source or elsewhere else "list"
    if elsewhere:
        kind += " " + source.split(" list price, not ")[0].rsplit("; ", 1)[-1]
    return f"{kind} {item['price_date']}" + (" spot" if item.get("note") == "spot" else "")


NARROW = 100  # below this width the table drops $/h and the price source, so item names stay whole


def render_cost(section: dict[str, Any], console: Console) -> None:
    wide = console.width >= NARROW
    table = Table(title="Estimated monthly cost (USD, 730 h/month)")
    table.add_column("item", overflow="fold", ratio=3 if wide else None)
    table.add_column("units", justify="right", no_wrap=True)
    if wide:
        table.add_column("$/h", justify="right", no_wrap=True)
    table.add_column("idle", justify="right", no_wrap=True)
    table.add_column("max", justify="right", no_wrap=True)
    if wide:
        table.add_column("price", overflow="fold", ratio=1)
    for item in sorted(section["items"], key=lambda i: (-i["monthly_usd_max"], i["name"])):
        label = f"{item['pool']} ({item['machine_type']})" if item.get("pool") else item["name"]
        if item["category"] == "control_plane" and item.get("note"):  # the Kubernetes support level
            label += f" ({item['note']})"
        if item["category"] == "reservation":  # cost/committed.py: billed whether nodes run or not
            label += " committed"
        units = (
            f"{item['idle_units']:g}"
            if item["idle_units"] == item["max_units"]
            else f"{item['idle_units']:g}-{item['max_units']:g}"
        )
        figures = [f"{item['monthly_usd_idle']:,.0f}", f"{item['monthly_usd_max']:,.0f}"]
        if wide:
            table.add_row(
                Text(label), units, f"{item['usd_per_hour']:.4f}", *figures, Text(short_source(item))
            )
        else:
            table.add_row(Text(label), units, *figures)
    table.add_section()
    totals = [
        Text(f"{section['monthly_usd_idle']:,.2f}", style="bold"),
        Text(f"{section['monthly_usd_max']:,.2f}", style="bold"),
    ]
    if wide:
        table.add_row(Text("total", style="bold"), "", "", *totals, "")
    else:
        table.add_row(Text("total", style="bold"), "", *totals)
    console.print(table)
    console.print(
        Text(
            "idle: every pool at its min, or the nodes kept-running services hold; "
            "max: every pool at its max. "
            + ("" if wide else "$/h and each price's source are left out at this width; ")
            + "sources and dates of each price are in the JSON report (cost.items[].price_source).",
            style="dim",
        )
    )
    if section.get("tenants"):
        tenants = Table(title="Per tenant: GPU quota at the cheapest pool offering its GPU type")
        for column in ("tenant", "GPU quota", "pool", "$/GPU-h", "monthly at quota"):
            tenants.add_column(column)
        for t in section["tenants"]:
            tenants.add_row(
                Text(t["tenant"]),
                str(t["gpu_quota"]),
                Text(t.get("pool") or "-"),
                f"{t.get('usd_per_gpu_hour', 0):.4f}",
                f"{t['monthly_usd_at_quota']:,.2f}",
            )
        console.print(tenants)
