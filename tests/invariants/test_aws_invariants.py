"""Cross-resource invariants over the recorded plans of the shipped AWS stacks: facts that no single
component's inputs show, and that the cloud would otherwise reveal only after `pulumi up` (a key policy
KMS refuses, a budget measuring $0, NetworkPolicies accepted and ignored, an RBAC group nobody carries).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.plan.record import PlannedGraph, RecordedResource

AWS_STACKS = ["aws-dev", "aws-prod"]
BUDGET = "aws:budgets/budget:Budget"
LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ADDON = "aws:eks/addon:Addon"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
BINDINGS = (
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
)
ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry"
# Costly resources that carry the provider's default tags (tagged by the AWS provider itself).
DEFAULT_TAGGED_COSTLY = (
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:eks/cluster:Cluster",
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    "aws:kms/key:Key",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:s3/bucket:Bucket",
    "aws:ecr/repository:Repository",
)
# What a node launch bills; only the launch template's tag specifications reach them.
LAUNCHED_KINDS = ("instance", "volume", "network-interface")
IRSA_ANNOTATION = "eks.amazonaws.com/role-arn"
# EKS Pod Identity agent (hostNetwork DaemonSet) link-local address and port (EKS user guide, "Pod Identity").
POD_IDENTITY_AGENT = ("169.254.170.23", 80)


@pytest.fixture(scope="module", params=AWS_STACKS)
def graph(request, plan_stack, platform_dir: Path) -> PlannedGraph:
    return plan_stack(platform_dir, request.param)


# --- budget ------------------------------------------------------------------------------------------


def _budget_tags(graph: PlannedGraph) -> set[tuple[str, str]]:
    """(key, value) pairs the budget's TagKeyValue filter counts (`user:<key>$<value>`)."""
    pairs = set()
    for f in graph.one(BUDGET).get("costFilters", []):
        if f["name"] == "TagKeyValue":
            for value in f["values"]:
                assert value.startswith("user:"), value
                key, _, tag_value = value.removeprefix("user:").partition("$")
                pairs.add((key, tag_value))
    return pairs


def _default_tags(graph: PlannedGraph, resource: RecordedResource) -> dict[str, str]:
    provider = graph.by_urn(resource.provider) if resource.provider else None
    raw = provider.get("defaultTags") if provider else None
    return json.loads(raw)["tags"] if raw else {}


def _effective_tags(graph: PlannedGraph, resource: RecordedResource) -> dict[str, str]:
    return {**_default_tags(graph, resource), **(resource.get("tags") or {})}


def test_budget_counts_a_tag_every_costly_resource_carries(graph: PlannedGraph) -> None:
    wanted = _budget_tags(graph)
    assert wanted, "the budget filters on no tag: it would count the whole account"
    untagged = [
        r.name
        for t in DEFAULT_TAGGED_COSTLY
        for r in graph.of_type(t)
        if not wanted <= set(_effective_tags(graph, r).items())
    ]
    assert untagged == []


def test_node_launches_carry_the_budget_tag(graph: PlannedGraph) -> None:
    """Instances, volumes and ENIs of every node group: through the launch template only (provider default
    tags never reach what an Auto Scaling group launches)."""
    wanted = _budget_tags(graph)
    templates = {t.urn: t for t in graph.of_type(LAUNCH_TEMPLATE)}
    for group in graph.of_type(NODE_GROUP):
        (template,) = [templates[u] for u in group.dependencies if u in templates]
        specs = {s["resourceType"]: s.get("tags", {}) for s in template.get("tagSpecifications", [])}
        for kind in LAUNCHED_KINDS:
            assert wanted <= set(specs.get(kind, {}).items()), (group.name, kind)


def test_persistent_volumes_carry_the_budget_tag(graph: PlannedGraph) -> None:
    wanted = _budget_tags(graph)
    for sc in graph.of_type("kubernetes:storage.k8s.io/v1:StorageClass"):
        if sc.get("provisioner") != "ebs.csi.aws.com":
            continue
        tags = dict(
            v.split("=", 1) for k, v in sc.get("parameters", {}).items() if k.startswith("tagSpecification_")
        )
        assert wanted <= set(tags.items()), sc.name


def test_dev_and_prod_budgets_count_different_spend(plan_stack, platform_dir: Path) -> None:
    dev, prod = (_budget_tags(plan_stack(platform_dir, s)) for s in AWS_STACKS)
    assert dev and prod and dev.isdisjoint(prod)


# --- principals --------------------------------------------------------------------------------------


def _policies(resource: RecordedResource) -> Iterator[dict[str, Any]]:
    for key in ("policy", "assumeRolePolicy"):
        raw = resource.get(key)
        if isinstance(raw, str) and raw.startswith("{"):
            doc = json.loads(raw)
            if "Statement" in doc:
                yield doc


def _principals(doc: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(effect, kind, value) of every principal."""
    statements = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
    for st in statements:
        principal = st.get("Principal")
        if principal is None:
            continue
        if principal == "*":
            yield st["Effect"], "*", "*"
            continue
        for kind, values in principal.items():
            for value in values if isinstance(values, list) else [values]:
                yield st["Effect"], kind, value


def _creator(graph: PlannedGraph, kind: str, arn: str) -> RecordedResource | None:
    """The planned resource that creates the IAM principal `arn`, if any."""
    if kind == "Federated":
        host = arn.split(":oidc-provider/", 1)[-1]
        return next(
            (
                r
                for r in graph.of_type("aws:iam/openIdConnectProvider:OpenIdConnectProvider")
                if r.get("url", "").removeprefix("https://") == host
            ),
            None,
        )
    path = arn.split(":role/", 1)[-1] if ":role/" in arn else None
    if path is None:
        return None
    if path.startswith("aws-service-role/"):
        service = path.split("/")[1]
        return next(
            (
                r
                for r in graph.of_type("aws:iam/serviceLinkedRole:ServiceLinkedRole")
                if r.get("awsServiceName") == service
            ),
            None,
        )
    return next(
        (r for r in graph.of_type("aws:iam/role:Role") if path.rsplit("/", 1)[-1] == r.get("name")), None
    )


def _depends_on(graph: PlannedGraph, resource: RecordedResource, target: str) -> bool:
    seen: set[str] = set()
    stack = [resource.urn]
    while stack:
        node = graph.by_urn(stack.pop())
        for dep in {*node.dependencies, *(u for urns in node.property_dependencies.values() for u in urns)}:
            if dep == target:
                return True
            if dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return False


def _aws_managed(effect: str, kind: str, value: str) -> bool:
    if kind == "Service":
        return value.endswith(".amazonaws.com")
    if kind == "*":
        return effect == "Deny"  # anyone, only to deny (never an Allow to the world)
    return kind == "AWS" and value.endswith(":root")


def test_every_policy_principal_exists_before_the_policy(graph: PlannedGraph) -> None:
    """KMS, IAM and S3 refuse a policy naming a principal that does not exist yet (KMS:
    MalformedPolicyDocumentException). Each one is AWS's own, or created earlier in this graph."""
    unknown = []
    checked = 0
    for resource in graph.managed:
        for doc in _policies(resource):
            for effect, kind, value in _principals(doc):
                checked += 1
                if _aws_managed(effect, kind, value):
                    continue
                creator = _creator(graph, kind, value)
                if creator is None or not _depends_on(graph, resource, creator.urn):
                    unknown.append((resource.name, kind, value))
    assert checked > 10, "no principals found: the collector is broken"
    assert unknown == []


# --- NetworkPolicy enforcement -----------------------------------------------------------------------


def _vpc_cni_enforces(graph: PlannedGraph) -> bool:
    cni = [a for a in graph.of_type(ADDON) if a.get("addonName") == "vpc-cni"]
    if len(cni) != 1:
        return False
    config = json.loads(cni[0].get("configurationValues") or "{}")
    # A version the stack pins must carry the network policy agent (v1.14.0+). (Unpinned, the plan shows
    # the mocks' answer to the "most recent" lookup, which is no version at all.)
    spec = json.loads(graph.config.get("lepton:platform") or "{}")
    pinned = ((spec.get("aws") or {}).get("addon_versions") or {}).get("vpc-cni")
    if pinned:
        assert cni[0].get("addonVersion") == pinned
        if tuple(int(x) for x in pinned[1:].split("-")[0].split(".")) < (1, 14, 0):
            return False
    return config.get("enableNetworkPolicy") == "true"


def test_network_policies_only_where_vpc_cni_enforces_them(graph: PlannedGraph) -> None:
    policies = graph.of_type(NETWORK_POLICY)
    assert policies, "the shipped stacks isolate tenants with NetworkPolicies"
    assert _vpc_cni_enforces(graph), "vpc-cni would accept every NetworkPolicy and enforce none"


# --- RBAC groups -------------------------------------------------------------------------------------


def test_every_rbac_group_is_carried_by_an_access_entry(graph: PlannedGraph) -> None:
    carried = {g for e in graph.of_type(ACCESS_ENTRY) for g in e.get("kubernetesGroups") or []}
    groups = [
        (b.name, s["name"])
        for t in BINDINGS
        for b in graph.of_type(t)
        for s in b.get("subjects") or []
        if s.get("kind") == "Group" and not s["name"].startswith("system:")
    ]
    assert groups, "the shipped stacks bind tenant admin groups"
    assert [g for g in groups if g[1] not in carried] == []


# --- tenant egress vs workload identity --------------------------------------------------------------


def _egress_allows(policies: list[RecordedResource], ip: str, port: int, protocol: str = "TCP") -> bool:
    address = ipaddress.ip_address(ip)
    for policy in policies:
        spec = policy.get("spec") or {}
        if "Egress" not in spec.get("policyTypes", []) or spec.get("podSelector") != {}:
            continue
        for rule in spec.get("egress") or []:
            ports = rule.get("ports") or []
            if ports and not any(
                p.get("protocol", "TCP") == protocol and int(p["port"]) == port for p in ports
            ):
                continue
            peers = rule.get("to") or []
            if not peers:
                return True
            for peer in peers:
                block = peer.get("ipBlock")
                if (
                    block
                    and address in ipaddress.ip_network(block["cidr"])
                    and not any(address in ipaddress.ip_network(e) for e in block.get("except", []))
                ):
                    return True
    return False


def test_tenant_egress_allows_what_workload_identity_needs(graph: PlannedGraph) -> None:
    """IRSA: the SDK in the pod calls STS over HTTPS (regional endpoint, public or a VPC endpoint inside the
    VPC CIDR). Pod Identity: the node agent at 169.254.170.23:80. A default-deny egress that blocks either
    leaves the pod without credentials."""
    vpc = ipaddress.ip_network(graph.one("aws:ec2/vpc:Vpc").get("cidrBlock"))
    sts_endpoint = any(
        e.get("serviceName", "").endswith(".sts") for e in graph.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    )
    sts_ip = str(next(vpc.hosts())) if sts_endpoint else "52.94.0.1"  # a public STS address otherwise
    pod_identity_namespaces = {
        a.get("namespace") for a in graph.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")
    }
    irsa = [
        sa
        for sa in graph.of_type("kubernetes:core/v1:ServiceAccount")
        if IRSA_ANNOTATION in ((sa.get("metadata") or {}).get("annotations") or {})
    ]
    assert irsa, "tenants' workload service accounts use IRSA"
    for sa in irsa:
        namespace = sa.get("metadata")["namespace"]
        policies = [
            p for p in graph.of_type(NETWORK_POLICY) if p.get("metadata", {}).get("namespace") == namespace
        ]
        if not policies:
            continue
        assert _egress_allows(policies, sts_ip, 443), (namespace, "STS over HTTPS")
        if namespace in pod_identity_namespaces:
            assert _egress_allows(policies, *POD_IDENTITY_AGENT), (namespace, "Pod Identity agent")
