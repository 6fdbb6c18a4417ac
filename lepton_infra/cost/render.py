"""The cost section as rich tables."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def render_cost(section: dict[str, Any], console: Console) -> None:
    table = Table(title="Estimated monthly cost (USD, 730 h/month, list prices)")
    for column in ("item", "type", "units idle→max", "$/h per unit", "idle", "max", "price source"):
        table.add_column(column, overflow="fold", justify="right" if column in {"idle", "max"} else "left")
    for item in sorted(section["items"], key=lambda i: (-i["monthly_usd_max"], i["name"])):
        label = f"{item['pool']} ({item['machine_type']})" if item.get("pool") else item["name"]
        table.add_row(label, item["category"], f"{item['idle_units']:g}→{item['max_units']:g}",
                      f"{item['usd_per_hour']:.4f}", f"{item['monthly_usd_idle']:,.2f}",
                      f"{item['monthly_usd_max']:,.2f}", f"{item['price_source']} ({item['price_date']})")
    table.add_section()
    table.add_row("[bold]total[/bold]", "", "", "", f"[bold]{section['monthly_usd_idle']:,.2f}[/bold]",
                  f"[bold]{section['monthly_usd_max']:,.2f}[/bold]", "")
    console.print(table)
    if section.get("tenants"):
        tenants = Table(title="Per tenant: GPU quota priced at the cheapest pool offering its GPU type")
        for column in ("tenant", "gpu quota", "pool", "$/GPU-h", "monthly at quota"):
            tenants.add_column(column)
        for t in section["tenants"]:
            tenants.add_row(t["tenant"], str(t["gpu_quota"]), t.get("pool") or "-",
                            f"{t.get('usd_per_gpu_hour', 0):.4f}", f"{t['monthly_usd_at_quota']:,.2f}")
        console.print(tenants)
