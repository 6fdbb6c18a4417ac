"""The deployer inside the cluster: the Kubernetes RBAC the plan's in-cluster resources need, whether that
amounts to cluster-admin, and how the deploying identity gets it on each cloud (read from the plan)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from lepton_infra.deployer.needs import CloudNeeds
from lepton_infra.deployer.tables import OPERATIONS, kubernetes_table
from lepton_infra.plan.record import PlannedGraph

AKS_ADMIN_ROLE = "Azure Kubernetes Service RBAC Cluster Admin"


@dataclass
class ClusterAccess:
    cluster_admin: bool = False
    why: list[str] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    """ClusterRole rules for the plan's own objects (apiGroups, resources, verbs), charts aside."""
    unknown_kinds: list[str] = field(default_factory=list)
    how: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "needs": "cluster-admin" if self.cluster_admin else "the rules below",
            "why": self.why,
            "how": self.how,
            "rules": self.rules,
            "unknown_kinds": self.unknown_kinds,
            "table_read": kubernetes_table().read_on.isoformat(),
        }


def cluster_access(graph: PlannedGraph, cloud: str, needs: CloudNeeds | None = None) -> ClusterAccess | None:
    """None when the plan creates nothing inside a cluster. With `needs` (GCP), the GKE IAM permissions
    that authorize the same Kubernetes requests are added to it: on GKE, IAM is the deployer's RBAC."""
    table = kubernetes_table()
    objects = [r for r in graph.managed if r.custom and r.package == "kubernetes" and not r.is_provider]
    if not objects:
        return None
    access = ClusterAccess(how=_how(graph, cloud))
    verbs: dict[tuple[str, str], set[str]] = defaultdict(set)
    unknown: set[str] = set()
    for r in objects:
        admin = table.cluster_admin.get(r.type)
        if admin is not None:
            access.cluster_admin = True
            if f"{r.type}: {admin.why}" not in access.why:
                access.why.append(f"{r.type}: {admin.why}")
            if needs is not None:
                for op in OPERATIONS:
                    needs.add_kubernetes(admin.gke, f"{r.type} ({op})")
            continue
        kind = table.kinds.get(r.type)
        if kind is None:
            unknown.add(r.type)
            continue
        for op in OPERATIONS:
            verbs[(kind.group, kind.resource)].update(table.verbs[op])
            if needs is not None:
                gke = [f"container.{kind.gke}.{table.gke_verbs[v]}" for v in table.verbs[op]]
                needs.add_kubernetes(tuple(dict.fromkeys(gke)), f"{r.type} ({op})")
        for rule in table.awaits.get(r.type, ()):
            verbs[(rule.group, rule.resource)].update(rule.verbs)
            if needs is not None:
                gke = [f"container.{rule.gke}.{table.gke_verbs[v]}" for v in rule.verbs]
                needs.add_kubernetes(tuple(dict.fromkeys(gke)), f"{r.type} (read)")
    access.rules = [
        {"apiGroups": [group], "resources": [resource], "verbs": sorted(v)}
        for (group, resource), v in sorted(verbs.items())
    ]
    access.unknown_kinds = sorted(unknown)
    return access


def _how(graph: PlannedGraph, cloud: str) -> str:
    if cloud == "aws":
        clusters = graph.of_type("aws:eks/cluster:Cluster")
        creator = any(c.get("accessConfig.bootstrapClusterCreatorAdminPermissions") for c in clusters)
        admins = len(graph.of_type("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"))
        if creator:
            return (
                "EKS access entry: the cluster is created with bootstrapClusterCreatorAdminPermissions, "
                "so the identity that creates it gets AmazonEKSClusterAdminPolicy (cluster-admin) at "
                f"cluster scope; {admins} more access polic{'y' if admins == 1 else 'ies'} for "
                "aws.admin_role_arns. The deployer must stay the creator (or be listed in "
                "aws.admin_role_arns) for later ups and the destroy."
            )
        return (
            "EKS access entry: only the roles in aws.admin_role_arns get AmazonEKSClusterAdminPolicy "
            "(cluster-admin); the deploying identity must be one of them."
        )
    if cloud == "gcp":
        return (
            "IAM: on GKE the project's IAM permissions authorize the Kubernetes API (container.* per "
            "resource and verb, below in the permissions), so roles/container.admin is cluster-admin with "
            "no RBAC binding; the DNS-based endpoint also checks container.clusters.connect (in "
            "roles/container.admin)."
        )
    grants = [
        r
        for r in graph.of_type("azure-native:authorization:RoleAssignment")
        if AKS_ADMIN_ROLE in str(r.get("description", ""))
    ]
    if grants:
        return (
            f"Azure RBAC for Kubernetes: the stack assigns {AKS_ADMIN_ROLE} on the cluster to the deploying "
            f"principal ({grants[0].name}); that needs Microsoft.Authorization/roleAssignments/write, "
            "counted above."
        )
    return f"Azure RBAC for Kubernetes: the deploying principal needs {AKS_ADMIN_ROLE} on the cluster."
