"""What one plan asks of the identity that runs `pulumi up` and `pulumi destroy`: every cloud permission,
which resource types (and operations) need it, which are needed only once, and the types no table row
covers (so a new resource type is never silently left out of the policy)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from lepton_infra.deployer.tables import OPERATIONS, PACKAGES, PermissionTable, Row, permission_table
from lepton_infra.plan.record import PlannedGraph, RecordedResource

INVOKE = "invoke"  # the operation name of a data source call
PROVIDER = "every call"  # the operation name of what the provider needs for any request


@dataclass
class CloudNeeds:
    cloud: str
    table: PermissionTable
    needed_by: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """permission -> `type (operation)` labels of what needs it."""
    not_once: set[str] = field(default_factory=set)
    """Permissions some row needs beyond a first deploy (so not `once`, even if another row says so)."""
    scope: dict[str, str] = field(default_factory=dict)
    """permission -> where it is granted, when not the cloud's default scope."""
    rows: dict[str, Row] = field(default_factory=dict)
    """type or invoke token -> the table row used: the report cites their sources."""
    unknown_types: set[str] = field(default_factory=set)
    unknown_invokes: set[str] = field(default_factory=set)

    @property
    def permissions(self) -> list[str]:
        return sorted(self.needed_by)

    @property
    def once(self) -> list[str]:
        return sorted(p for p in self.needed_by if p not in self.not_once)

    def add(self, row: Row, operation: str, permissions: tuple[str, ...], label: str) -> None:
        self.rows[row.token] = row
        for p in permissions:
            self.needed_by[p].add(f"{label} ({operation})")
            if p not in row.once:
                self.not_once.add(p)
            if row.scope != "default":
                self.scope[p] = row.scope

    def add_kubernetes(self, permissions: tuple[str, ...], label: str) -> None:
        """Cloud permissions that authorize in-cluster requests (GKE's container.* per resource and verb)."""
        for p in permissions:
            self.needed_by[p].add(label)
            self.not_once.add(p)


def _set(resource: RecordedResource, path: str) -> bool:
    """Whether the resource sets `path` to something (a false flag or an empty list is not set)."""
    value = resource.get(path)
    return value not in (None, False, "", [], {}, "false")


def cloud_needs(graph: PlannedGraph, cloud: str) -> CloudNeeds:
    """Every permission the plan's `cloud` resources, invokes and provider need, for every operation."""
    table = permission_table(cloud)
    needs = CloudNeeds(cloud=cloud, table=table)
    package = PACKAGES[cloud]
    cloud_resources = [r for r in graph.managed if r.custom and r.package == package and not r.is_provider]
    for resource in cloud_resources:
        row = table.types.get(resource.type)
        if row is None:
            needs.unknown_types.add(resource.type)
            continue
        for op in OPERATIONS:
            needs.add(row, op, row.permissions[op], resource.type)
        for path, extra in row.when_set.items():
            if _set(resource, path):
                for op in ("create", "update", "delete"):
                    needs.add(row, op, extra, f"{resource.type} with {path}")
    for invoke in graph.invokes:
        if not invoke.token.startswith(f"{package}:"):
            continue
        row = table.invokes.get(invoke.token)
        if row is None:
            needs.unknown_invokes.add(invoke.token)
            continue
        needs.add(row, INVOKE, row.permissions["read"], invoke.token)
    if cloud_resources and table.provider is not None:
        needs.add(table.provider, PROVIDER, table.provider.permissions["read"], table.provider.token)
    return needs


def by_service(permissions: list[str]) -> dict[str, list[str]]:
    """The service of each permission: `ec2:CreateVpc` -> ec2; `compute.networks.create` -> compute;
    `Microsoft.Network/natGateways/read` -> Microsoft.Network."""
    groups: dict[str, list[str]] = defaultdict(list)
    for p in permissions:
        if ":" in p:
            service = p.split(":", 1)[0]
        elif "/" in p:
            service = p.split("/", 1)[0]
        else:
            service = p.split(".", 1)[0]
        groups[service].append(p)
    return {k: sorted(v) for k, v in sorted(groups.items())}
