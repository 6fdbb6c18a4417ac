"""The cost section as rich tables."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


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


def render_cost(section: dict[str, Any], console: Console) -> None:
    table = Table(title="Estimated monthly cost (USD, 730 h/month)")
    table.add_column("item", overflow="fold", ratio=3)
    table.add_column("units", justify="right")
    table.add_column("$/h", justify="right")
    table.add_column("idle", justify="right")
    table.add_column("max", justify="right")
    table.add_column("price", overflow="fold", ratio=1)
    for item in sorted(section["items"], key=lambda i: (-i["monthly_usd_max"], i["name"])):
        label = f"{item['pool']} ({item['machine_type']})" if item.get("pool") else item["name"]
        if item["category"] == "control_plane" and item.get("note"):  # the Kubernetes support level
            label += f" ({item['note']})"
        units = (
            f"{item['idle_units']:g}"
            if item["idle_units"] == item["max_units"]
            else f"{item['idle_units']:g}-{item['max_units']:g}"
        )
        table.add_row(
            label,
            units,
            f"{item['usd_per_hour']:.4f}",
            f"{item['monthly_usd_idle']:,.0f}",
            f"{item['monthly_usd_max']:,.0f}",
            short_source(item),
        )
    table.add_section()
    table.add_row(
        "[bold]total[/bold]",
        "",
        "",
        f"[bold]{section['monthly_usd_idle']:,.2f}[/bold]",
        f"[bold]{section['monthly_usd_max']:,.2f}[/bold]",
        "",
    )
    console.print(table)
    console.print(
        "[dim]idle: every pool at its min; max: every pool at its max. Sources and dates of each "
        "price are in the JSON report (cost.items[].price_source).[/dim]"
    )
    if section.get("tenants"):
        tenants = Table(title="Per tenant: GPU quota at the cheapest pool offering its GPU type")
        for column in ("tenant", "GPU quota", "pool", "$/GPU-h", "monthly at quota"):
            tenants.add_column(column)
        for t in section["tenants"]:
            tenants.add_row(
                t["tenant"],
                str(t["gpu_quota"]),
                t.get("pool") or "-",
                f"{t.get('usd_per_gpu_hour', 0):.4f}",
                f"{t['monthly_usd_at_quota']:,.2f}",
            )
        console.print(tenants)
