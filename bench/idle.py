"""Benchmark 4: each dev stack's idle cost (every pool at its minimum) against the $150 a month target of
issue 28, and its system pool's fit: the platform's own pods' requests (plus the kube-system allowance)
against the allocatable CPU and memory of the pool's minimum node count (lepton_infra/cost/system_fit.py)."""

from __future__ import annotations

from rich.table import Table

from bench.overhead import child_result

IDLE_TARGET_USD = 150.0


def run(stacks: list[str]) -> tuple[Table, list[dict]]:
    table = Table(title=f"4. Dev stacks idle (target <= ${IDLE_TARGET_USD:.0f}/month) and system pool fit")
    for column in (
        "stack",
        "idle $/month",
        "target",
        "system pool",
        "requests CPU m",
        "allocatable CPU m",
        "requests MiB",
        "allocatable MiB",
        "fits (10% headroom)",
    ):
        table.add_column(column, justify="left" if column in ("stack", "system pool", "target") else "right")
    rows = []
    for stack in stacks:
        result = child_result("plan", stack)
        fit = result.get("system_pool_fit") or {}
        row = {"stack": stack, "monthly_usd_idle": result["monthly_usd_idle"], "fit": fit}
        rows.append(row)
        requests, allowance, alloc = (
            fit.get("requests", {}),
            fit.get("managed_allowance", {}),
            fit.get("allocatable", {}),
        )
        table.add_row(
            stack,
            f"{row['monthly_usd_idle']:,.2f}",
            "met" if row["monthly_usd_idle"] <= IDLE_TARGET_USD else "**over**",
            f"{fit.get('min_nodes', 0)} x {fit.get('machine_type', '-')}",
            f"{requests.get('cpu_m', 0)} + {allowance.get('cpu_m', 0)}",
            str(alloc.get("cpu_m", 0)),
            f"{requests.get('memory_mib', 0)} + {allowance.get('memory_mib', 0)}",
            str(alloc.get("memory_mib", 0)),
            "yes" if fit.get("fits") else "**no**",
        )
    return table, rows
