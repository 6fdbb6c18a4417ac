"""The plan report's `kubernetes` section: the platform's Kubernetes minor on its cloud, how long its support
lasts after the plan's date, and a warning within `WARN_DAYS` days of the end (core/kubernetes_versions.py).

Read from the plan's own `lepton:platform` config, so any program built with `lepton_infra.platform` gets
it; a stranger's program (no platform spec) gets no section.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from rich.console import Console
from rich.text import Text

from lepton_infra.core.kubernetes_versions import (
    PlanDateError,
    Support,
    SupportStatus,
    lifecycle,
    plan_date,
    status,
)
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec.platform import spec_in_config

SECTION = "kubernetes"


def describe(st: SupportStatus, support: Support) -> str:
    """`Kubernetes 1.36 on EKS: standard support until 2027-08-02` (and what follows, with the opt-in)."""
    row, head = st.row, f"Kubernetes {st.minor} on {st.service}"
    if row is None:
        return f"{head}: not in the version lifecycle table"
    if support == "standard" or row.extended_ends is None:
        return f"{head}: standard support until {row.standard_ends}"
    if st.phase == "standard":
        return (
            f"{head}: standard support until {row.standard_ends}, then paid extended support until "
            f"{row.extended_ends}"
        )
    return (
        f"{head}: extended support until {row.extended_ends} (paid; standard support ended "
        f"{row.standard_ends})"
    )


def kubernetes_section(graph: PlannedGraph) -> dict[str, Any] | None:
    """The section, or None when the plan carries no valid platform spec (a stranger's program, or a config
    no platform could have been built from) or no valid plan date."""
    spec = spec_in_config(graph.config)
    if spec is None:
        return None
    try:
        on = plan_date()
    except PlanDateError:
        return None  # the spec refused it already
    cluster = spec.cluster
    st = status(spec.cloud, cluster.version, on)
    row, ends = st.row, st.support_ends(cluster.support)
    section = {
        "cloud": spec.cloud,
        "service": st.service,
        "version": cluster.version,
        "support": cluster.support,
        "phase": st.phase,
        "support_ends": ends.isoformat() if ends else None,
        "days_left": (ends - on).days if ends else None,
        "standard_support_ends": row.standard_ends.isoformat() if row else None,
        "extended_support_ends": row.extended_ends.isoformat() if row and row.extended_ends else None,
        "plan_date": on.isoformat(),
        "table_read": lifecycle().read.isoformat(),
        "source": row.source if row else None,
        "source_as_of": row.as_of if row else None,
        "derived": row.derived if row else None,
        "summary": describe(st, cluster.support),
        "warning": st.warning(cluster.support),
    }
    return {
        **section,
        "__render__": partial(render_kubernetes, section),
        "__summary__": [_summary_line(section)],
    }


def _summary_line(section: dict[str, Any]) -> str:
    days = section["days_left"]
    tail = f" ({days} days after {section['plan_date']})" if days is not None else ""
    warning = f"; WARNING: {section['warning']}" if section["warning"] else ""
    return f"kubernetes: {section['summary']}{tail}{warning}"


def render_kubernetes(section: dict[str, Any], console: Console) -> None:
    days = section["days_left"]
    detail = f"{days} days after the plan date {section['plan_date']}" if days is not None else ""
    console.print(
        Text.assemble(
            (section["summary"], "bold"),
            f" ({detail}; lifecycle table read {section['table_read']})" if detail else "",
        ),
        overflow="fold",
    )
    if section["warning"]:
        console.print(Text(f"warning: {section['warning']}", style="yellow"), overflow="fold")
