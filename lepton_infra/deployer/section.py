"""The plan report's `deployer` section: the permissions the identity running `pulumi up` / `destroy` needs
(grouped by service, with what needs each, the ones needed only once and where each is granted), the
smallest set of built-in roles that covers them, and the Kubernetes access inside the cluster."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from rich.console import Console
from rich.text import Text

from lepton_infra.deployer.cluster_access import ClusterAccess, cluster_access
from lepton_infra.deployer.needs import CloudNeeds, by_service, cloud_needs
from lepton_infra.deployer.roles import role_data, smallest_cover
from lepton_infra.deployer.tables import CLOUDS
from lepton_infra.plan.record import PlannedGraph

SECTION = "deployer"


@dataclass(frozen=True)
class DeployerPlan:
    """Everything the section and `deployer-policy` derive from one plan."""

    cloud: str
    needs: CloudNeeds
    cluster: ClusterAccess | None


def deployer_plan(graph: PlannedGraph, cloud: str) -> DeployerPlan:
    needs = cloud_needs(graph, cloud)
    cluster = cluster_access(graph, cloud, needs if cloud == "gcp" else None)
    return DeployerPlan(cloud=cloud, needs=needs, cluster=cluster)


def deployer_section(graph: PlannedGraph, cloud: str | None) -> dict[str, Any] | None:
    """None for a plan on no cloud this project has tables for."""
    if cloud not in CLOUDS:
        return None
    plan = deployer_plan(graph, cloud)
    needs = plan.needs
    scopes = _scopes(needs)
    covers = {scope: smallest_cover(cloud, perms) for scope, perms in scopes.items()}
    roles = sorted({r for chosen, _ in covers.values() for r in chosen})
    data = role_data(cloud)
    sources = {
        row.token: {"source": row.source, "read_on": row.read_on.isoformat()} for row in needs.rows.values()
    }
    section: dict[str, Any] = {
        "cloud": cloud,
        "table_read": needs.table.read_on.isoformat(),
        "permissions": by_service(needs.permissions),
        "needed_by": {p: sorted(needs.needed_by[p]) for p in needs.permissions},
        "once": needs.once,
        "grant_scopes": scopes,
        "built_in_roles": {
            "roles": {scope: chosen for scope, (chosen, _) in covers.items()},
            "not_granted": sorted({p for _, missing in covers.values() for p in missing}),
            "source": data.source,
            "read": data.read,
        },
        "kubernetes": plan.cluster.to_json() if plan.cluster else None,
        "unknown_types": sorted(needs.unknown_types),
        "unknown_invokes": sorted(needs.unknown_invokes),
        "table_sources": dict(needs.table.sources),
        "sources": dict(sorted(sources.items())),
        "summary": _summary(plan, roles),
    }
    return {
        **section,
        "__render__": partial(render_deployer, section),
        "__summary__": [f"deployer: {section['summary']}"],
    }


def _scopes(needs: CloudNeeds) -> dict[str, list[str]]:
    default = {"aws": "account", "gcp": "project", "azure": "subscription"}[needs.cloud]
    out: dict[str, list[str]] = {}
    for p in needs.permissions:
        out.setdefault(needs.scope.get(p, default), []).append(p)
    return out


def _summary(plan: DeployerPlan, roles: list[str]) -> str:
    needs = plan.needs
    types = sum(1 for row in needs.rows.values() if row.token in needs.table.types)
    text = (
        f"{len(needs.permissions)} permissions in {len(by_service(needs.permissions))} services for "
        f"{types} resource types ({len(needs.once)} needed only once); "
        f"built-in roles: {', '.join(roles) or 'none'}"
    )
    if plan.cluster is not None and plan.cluster.cluster_admin:
        text += "; in the cluster: cluster-admin"
    if needs.unknown_types or needs.unknown_invokes:
        text += f"; NO PERMISSION ROW for {', '.join(sorted(needs.unknown_types | needs.unknown_invokes))}"
    return text


def render_deployer(section: dict[str, Any], console: Console) -> None:
    console.print(Text.assemble(("Deployer", "bold"), f": {section['summary']}"), overflow="fold")
    console.print(
        Text(
            "  `lepton-infra deployer-policy` writes the least-privilege policy; the JSON report lists every "
            "permission and what needs it",
            style="dim",
        ),
        overflow="fold",
    )
