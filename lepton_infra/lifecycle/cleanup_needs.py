"""What each controller and finalizer needs while `pulumi destroy` (or removing a service) deletes what it
cleans up after, read from the plan's type tokens and inputs (no SDK, no component).

Each finder yields `Need`s (the needed resource must outlive the user: destroy.py checks that every order
keeps it) or `Blocker`s (the deletion cannot finish in any order). Facts and their sources sit next to
each finder; the tests run them over every shipped stack (tests/lifecycle/).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lepton_infra.core.aggregated_apis import aggregated_apis
from lepton_infra.lifecycle.destroy import Blocker, DestroyGraph, Need, direct_dependencies, unmet
from lepton_infra.plan.record import PlannedGraph, RecordedResource

ROLE = "aws:iam/role:Role"
ROLE_GRANTS = ("aws:iam/rolePolicy:RolePolicy", "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
RELEASE = "kubernetes:helm.sh/v3:Release"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
STORAGE_CLASS = "kubernetes:storage.k8s.io/v1:StorageClass"
PVC = "kubernetes:core/v1:PersistentVolumeClaim"
EKS_ADDON = "aws:eks/addon:Addon"
NODE_POOLS = (
    "aws:eks/nodeGroup:NodeGroup",
    "gcp:container/nodePool:NodePool",
    "azure-native:containerservice:AgentPool",
)

# Resources that act with an IAM role while they are deleted, so they need its grants until they are gone.
ROLE_USERS: dict[str, str] = {
    "aws:eks/nodeGroup:NodeGroup": (
        "EKS drains each node before terminating it; kubelet and the VPC CNI on the draining nodes call AWS "
        "with the node role (awsdocs/amazon-eks-user-guide 4d52b4d0 latest/ug/nodes/"
        "delete-managed-node-group.adoc, read 2026-12-07)"
    ),
    "aws:eks/cluster:Cluster": "the control plane manages its ENIs with the cluster role until it is deleted",
    EKS_ADDON: "the add-on's controller (e.g. EBS CSI deleting volumes) acts with its IRSA role",
    RELEASE: "the chart's controller acts with the IRSA role its values name until it is uninstalled",
    "kubernetes:core/v1:ServiceAccount": "pods of the account act with the IRSA role it is annotated with",
    "aws:ec2/flowLog:FlowLog": "flow log delivery writes to CloudWatch Logs with its role",
}

LB_CONTROLLER_CHART = "aws-load-balancer-controller"
ALB_CLASS = "alb"
ALB_ATTRIBUTES = "alb.ingress.kubernetes.io/load-balancer-attributes"
LBC_SOURCE = (
    "kubernetes-sigs/aws-load-balancer-controller v3.5.0 docs/guide/ingress/annotations.md "
    "(load-balancer-attributes) and pkg/ingress/model_builder.go `run` (read 2026-12-07)"
)
EBS_CSI_ADDON = "aws-ebs-csi-driver"
EBS_PROVISIONER = "ebs.csi.aws.com"


def _walk(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair of nested dicts and lists."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)


def chart_of(release: RecordedResource) -> str:
    """The chart's name, without its repository or OCI address."""
    return str(release.get("chart") or "").rstrip("/").rsplit("/", 1)[-1]


def iam_grant_needs(graph: PlannedGraph) -> Iterator[Need]:
    """Whatever acts with an IAM role needs the role's policies and attachments while it is deleted (and,
    the same edge read forwards, is created only once they are attached)."""
    grants_of: dict[str, list[RecordedResource]] = {}
    for grant in graph.resources:
        if grant.type in ROLE_GRANTS:
            for dep in direct_dependencies(grant):
                if graph.by_urn(dep).type == ROLE:
                    grants_of.setdefault(dep, []).append(grant)
    for user in graph.resources:
        why = ROLE_USERS.get(user.type)
        if why is None:
            continue
        for role in sorted(direct_dependencies(user) & grants_of.keys()):
            for grant in grants_of[role]:
                yield Need(
                    user=user.urn,
                    needed=grant.urn,
                    what=f"the grant {grant.name} of the role it uses",
                    why=why,
                    source="pulumi destroy deletes a resource nothing depends on first",
                )


def _releases(graph: PlannedGraph, chart: str) -> list[RecordedResource]:
    return [r for r in graph.of_type(RELEASE) if chart_of(r) == chart]


def _alb_ingresses(graph: PlannedGraph) -> list[RecordedResource]:
    return [r for r in graph.of_type(INGRESS) if r.get("spec.ingressClassName") == ALB_CLASS]


def alb_ingress_needs(graph: PlannedGraph) -> Iterator[Need]:
    """An ALB Ingress's finalizer is removed by the load balancer controller once it has deleted the ALB,
    its target groups and security groups: the controller (and, through it, its IAM grants and webhook)
    must outlive every such Ingress."""
    controllers = _releases(graph, LB_CONTROLLER_CHART)
    for ingress in _alb_ingresses(graph):
        for controller in controllers:
            yield Need(
                user=ingress.urn,
                needed=controller.urn,
                what="the AWS load balancer controller",
                why="it removes the Ingress's finalizer only after deleting the ALB, target groups and "
                "security groups (which otherwise block the VPC's deletion)",
                source=LBC_SOURCE,
            )


def alb_deletion_blockers(graph: PlannedGraph) -> Iterator[Blocker]:
    """`deletion_protection.enabled=true` on an Ingress: the controller refuses to delete it (v3.5.0 returns
    "deletion_protection is enabled, cannot delete the ingress"), so its finalizer stays and the ALB bills."""
    for ingress in _alb_ingresses(graph):
        attributes = str((ingress.get("metadata.annotations") or {}).get(ALB_ATTRIBUTES, ""))
        pairs = dict(p.split("=", 1) for p in attributes.split(",") if "=" in p)
        if pairs.get("deletion_protection.enabled", "false").strip().lower() == "true":
            yield Blocker(
                urn=ingress.urn,
                why="its ALB has deletion_protection.enabled=true: the load balancer controller will not "
                "delete the ALB, the finalizer stays and the ALB keeps billing",
                source=LBC_SOURCE,
            )


def _ebs_classes(graph: PlannedGraph) -> tuple[set[str], bool]:
    """Names of the StorageClasses the EBS CSI driver provisions, and whether one is the default."""
    names: set[str] = set()
    default = False
    for sc in graph.of_type(STORAGE_CLASS):
        if sc.get("provisioner") == EBS_PROVISIONER:
            names.add(str(sc.get("metadata.name")))
            annotations = sc.get("metadata.annotations") or {}
            default = default or annotations.get("storageclass.kubernetes.io/is-default-class") == "true"
    return names, default


def _claims_volumes(resource: RecordedResource, classes: set[str], default: bool) -> bool:
    """Whether the resource creates PersistentVolumeClaims of an EBS class (named, or the default class
    for a claim template that names none)."""
    if resource.type == PVC:
        name = resource.get("spec.storageClassName")
        return name in classes or (name is None and default)
    for key, value in _walk(resource.inputs):
        if key == "storageClassName" and value in classes:
            return True
        if key in ("volumeClaimTemplate", "volumeClaimTemplates") and default:
            return True
    return False


def ebs_volume_needs(graph: PlannedGraph) -> Iterator[Need]:
    """A PersistentVolume of an EBS class is deleted (reclaim policy Delete) by the EBS CSI controller after
    its claim goes: the add-on (and, through it, its IRSA grants) must outlive whatever creates claims."""
    classes, default = _ebs_classes(graph)
    addons = [a for a in graph.of_type(EKS_ADDON) if a.get("addonName") == EBS_CSI_ADDON]
    if not classes:
        return
    for user in graph.resources:
        if user.type.startswith("kubernetes:") and _claims_volumes(user, classes, default):
            for addon in addons:
                yield Need(
                    user=user.urn,
                    needed=addon.urn,
                    what="the EBS CSI driver add-on",
                    why="its controller deletes the claims' EBS volumes; gone first, the volumes are "
                    "orphaned and keep billing",
                    source="kubernetes-sigs/aws-ebs-csi-driver: external-provisioner deletes a PV whose "
                    "reclaimPolicy is Delete once its claim is deleted",
                )


def aggregated_api_needs(graph: PlannedGraph) -> Iterator[Need]:
    """While an APIService exists its pods must run: every namespace deletion waits on discovery of every
    registered API. The release that serves one must go before the node pools its pods run on."""
    pools = [r for r in graph.resources if r.type in NODE_POOLS]
    for chart, api in sorted(aggregated_apis().items()):
        for release in _releases(graph, chart):
            for pool in pools:
                yield Need(
                    user=release.urn,
                    needed=pool.urn,
                    what=f"the nodes serving {', '.join(api.apiservices)}",
                    why="an APIService without its pods makes discovery fail: namespace deletion hangs",
                    source=api.source,
                )


HTTP_ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute"
GATEWAY = "kubernetes:gateway.networking.k8s.io/v1:Gateway"
NAMESPACE = "kubernetes:core/v1:Namespace"
GKE_GATEWAY_CLASS_PREFIX = "gke-l7-"
NEG_SOURCE = (
    "kubernetes/ingress-gce pkg/utils/common/finalizer.go NegFinalizerKey (the NEG controller keeps a "
    "ServiceNetworkEndpointGroup until its NEGs are deleted; read 2026-12-07); Compute Engine refuses to "
    "delete a NEG a backend service still uses"
)


def gke_neg_needs(graph: PlannedGraph) -> Iterator[Need]:
    """A GKE Gateway serves each backend Service through zonal NEGs that GKE's NEG controller creates in the
    cluster's subnet. They go only once no backend service uses them, i.e. once the route is gone; the
    Service's ServiceNetworkEndpointGroup holds its namespace (finalizer) until then, and the cluster and
    its subnet stay until the namespace is gone. So every route must be deleted before the namespace of any
    Service it sends to: a namespace deleted first waits on NEGs that only the route's deletion frees."""
    gke_gateways = {
        (r.get("metadata.namespace"), r.get("metadata.name"))
        for r in graph.of_type(GATEWAY)
        if str(r.get("spec.gatewayClassName") or "").startswith(GKE_GATEWAY_CLASS_PREFIX)
    }
    namespaces = {r.get("metadata.name"): r for r in graph.of_type(NAMESPACE)}
    for route in graph.of_type(HTTP_ROUTE):
        own = route.get("metadata.namespace")
        parents = {(p.get("namespace", own), p.get("name")) for p in route.get("spec.parentRefs") or []}
        if not parents & gke_gateways:
            continue
        for rule in route.get("spec.rules") or []:
            for ref in rule.get("backendRefs") or []:
                target = namespaces.get(ref.get("namespace", own))
                if ref.get("kind", "Service") != "Service" or target is None:
                    continue
                yield Need(
                    user=route.urn,
                    needed=target.urn,
                    what=f"the namespace of its backend Service {ref.get('name')}",
                    why="the Service's NEGs are deleted only once the route's backend service is gone, and "
                    "its namespace waits for them (networking.gke.io/neg-finalizer)",
                    source=NEG_SOURCE,
                )


FINDERS = (iam_grant_needs, alb_ingress_needs, ebs_volume_needs, aggregated_api_needs, gke_neg_needs)


def cleanup_needs(graph: PlannedGraph) -> list[Need]:
    return [need for finder in FINDERS for need in finder(graph)]


def destroy_problems(graph: PlannedGraph, needs: Iterable[Need] | None = None) -> list[str]:
    """Every need some destroy order breaks, and every deletion no order can finish, as messages."""
    destroy = DestroyGraph(graph)
    problems = [n.message() for n in unmet(destroy, cleanup_needs(graph) if needs is None else needs)]
    problems += [b.message() for b in alb_deletion_blockers(graph)]
    return problems
