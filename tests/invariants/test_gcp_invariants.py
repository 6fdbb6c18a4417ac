"""Cross-resource invariants over the recorded plans of the shipped GCP stacks: what GKE would refuse or
silently ignore, read from the whole graph (the cluster's own settings against the objects on it), not
from one component's inputs."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.plan.record import PlannedGraph, RecordedResource

STACKS = ["gcp-dev", "gcp-prod"]
CLUSTER = "gcp:container/cluster:Cluster"
RELEASE = "kubernetes:helm.sh/v3:Release"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
# Google-managed service agents: created by Google when an API is enabled, never by the stack.
SERVICE_AGENT = re.compile(
    r"^serviceAccount:service-\d+@(gcp-sa-[a-z-]+|compute-system|container-engine-robot|"
    r"gs-project-accounts)\.iam\.gserviceaccount\.com$"
)
WORKLOAD_POOL_MEMBER = re.compile(
    r"^serviceAccount:(?P<pool>[a-z0-9-]+\.svc\.id\.goog)\[(?P<ns>[^/]+)/(?P<sa>[^\]]+)\]$"
)
EMAIL = re.compile(r"^[a-z0-9][a-z0-9._+-]*@[a-z0-9-]+(\.[a-z0-9-]+)+$")
# GKE's metadata server for workload identity, per datapath (GKE Workload Identity docs).
METADATA_SERVER = {"ADVANCED_DATAPATH": ("169.254.169.254", 80), "LEGACY_DATAPATH": ("169.254.169.252", 988)}


@pytest.fixture(scope="module", params=STACKS)
def graph(
    request: pytest.FixtureRequest, plan_stack: Callable[..., PlannedGraph], platform_dir: Path
) -> PlannedGraph:
    return plan_stack(platform_dir, request.param)


def _cluster(graph: PlannedGraph) -> RecordedResource:
    return graph.one(CLUSTER)


def _datapath(graph: PlannedGraph) -> str:
    return _cluster(graph).inputs.get("datapathProvider") or "LEGACY_DATAPATH"


def test_no_release_installs_what_gke_already_runs(graph: PlannedGraph) -> None:
    charts = {r.inputs["chart"]: r for r in graph.of_type(RELEASE)}
    # GKE runs metrics-server and owns APIService v1beta1.metrics.k8s.io: Helm refuses to adopt it.
    assert "metrics-server" not in charts
    operator = charts.get("gpu-operator")
    if operator is None:
        pytest.skip("no GPU pool: no GPU operator to check")
    # GKE installs the driver (gpu_driver_installation_config) and runs the device plugin on GPU nodes.
    assert operator.get("values.driver.enabled") is False
    assert operator.get("values.devicePlugin.enabled") is False
    if "DCGM" in (_cluster(graph).get("monitoringConfig.enableComponents") or []):
        assert operator.get("values.dcgmExporter.enabled") is False


def test_gpu_metrics_reach_the_platform_prometheus(graph: PlannedGraph) -> None:
    """With GKE's managed exporter (monitoring component DCGM) the platform's Prometheus scrapes its pods
    in gke-managed-system; otherwise an exporter of ours must run."""
    if "DCGM" not in (_cluster(graph).get("monitoringConfig.enableComponents") or []):
        operator = [r for r in graph.of_type(RELEASE) if r.inputs["chart"] == "gpu-operator"]
        assert operator and operator[0].get("values.dcgmExporter.enabled") is True
        pytest.skip("GKE's DCGM is off: the GPU operator's exporter (checked above) serves the metrics")
    monitors = graph.of_type("kubernetes:monitoring.coreos.com/v1:PodMonitor")
    targets = [
        (
            m.get("spec.namespaceSelector.matchNames"),
            m.get("spec.selector.matchLabels"),
            [e["port"] for e in m.get("spec.podMetricsEndpoints")],
        )
        for m in monitors
    ]
    assert (
        ["gke-managed-system"],
        {"app.kubernetes.io/name": "gke-managed-dcgm-exporter"},
        ["metrics"],
    ) in targets


def test_network_policies_only_where_the_datapath_enforces_them(graph: PlannedGraph) -> None:
    cluster = _cluster(graph)
    enforced = _datapath(graph) == "ADVANCED_DATAPATH" or cluster.get("networkPolicy.enabled") is True
    if graph.of_type(NETWORK_POLICY):
        assert enforced


def _allows_egress_to(policies: list[RecordedResource], ip: str, port: int) -> bool:
    address = ipaddress.ip_address(ip)
    for policy in policies:
        if policy.get("spec.podSelector") not in ({}, None) or "Egress" not in (
            policy.get("spec.policyTypes") or []
        ):
            continue
        for rule in policy.get("spec.egress") or []:
            ports = rule.get("ports") or []
            port_ok = not ports or any(
                p.get("port") == port and p.get("protocol", "TCP") == "TCP" for p in ports
            )
            peers = rule.get("to") or []
            peer_ok = not peers or any(
                "ipBlock" in peer
                and address in ipaddress.ip_network(peer["ipBlock"]["cidr"])
                and not any(address in ipaddress.ip_network(e) for e in peer["ipBlock"].get("except", []))
                for peer in peers
            )
            if port_ok and peer_ok:
                return True
    return False


def test_tenant_egress_reaches_the_metadata_server_of_the_datapath(graph: PlannedGraph) -> None:
    """Default-deny egress in a tenant namespace must still let every pod reach the GKE metadata server,
    or workload identity (the model bucket) fails with a token timeout."""
    ip, port = METADATA_SERVER[_datapath(graph)]
    by_namespace: dict[str, list[RecordedResource]] = {}
    for policy in graph.of_type(NETWORK_POLICY):
        by_namespace.setdefault(policy.get("metadata.namespace"), []).append(policy)
    denied = [
        ns
        for ns, policies in by_namespace.items()
        if any(p.get("metadata.name") == "default-deny-all" for p in policies)
    ]
    assert denied, "the shipped stacks have tenants with default-deny policies"
    assert [ns for ns in denied if not _allows_egress_to(by_namespace[ns], ip, port)] == []


def test_rbac_groups_are_google_groups_the_cluster_passes_to_rbac(graph: PlannedGraph) -> None:
    groups = [
        s["name"]
        for kind in ("RoleBinding", "ClusterRoleBinding")
        for b in graph.of_type(f"kubernetes:rbac.authorization.k8s.io/v1:{kind}")
        for s in b.inputs.get("subjects") or []
        if s.get("kind") == "Group"
    ]
    assert groups, "the shipped stacks bind tenant admin groups"
    assert [g for g in groups if not EMAIL.match(g)] == []
    security_group = _cluster(graph).get("authenticatorGroupsConfig.securityGroup")
    assert isinstance(security_group, str) and security_group.startswith("gke-security-groups@")


def _iam_members(graph: PlannedGraph) -> list[RecordedResource]:
    return [
        r
        for r in graph.managed
        if r.custom and isinstance(r.inputs.get("member"), str) and isinstance(r.inputs.get("role"), str)
    ]


def test_every_iam_member_exists_before_its_grant(graph: PlannedGraph) -> None:
    """A grant to a member that does not exist yet fails at apply time: every member is a service account
    the graph creates first (the grant depends on it), a Kubernetes service account the graph creates
    (workload identity), or a Google-managed service agent."""
    accounts = {
        f"serviceAccount:{a.inputs['accountId']}@{a.inputs['project']}.iam.gserviceaccount.com": a
        for a in graph.of_type("gcp:serviceaccount/account:Account")
    }
    identities = {
        f"serviceAccount:{i.outputs.get('email')}": i
        for i in graph.of_type("gcp:projects/serviceIdentity:ServiceIdentity")
        if i.outputs.get("email")
    }
    k8s_accounts = {
        (sa.get("metadata.namespace"), sa.get("metadata.name"))
        for sa in graph.of_type("kubernetes:core/v1:ServiceAccount")
    }
    # ...or one a Helm release creates by its values (`serviceAccount: {create: true, name: ...}`:
    # cert-manager's).
    for release in graph.of_type("kubernetes:helm.sh/v3:Release"):
        account = (release.get("values") or {}).get("serviceAccount") or {}
        if account.get("create") and account.get("name"):
            k8s_accounts.add((release.get("namespace"), account["name"]))
    members = _iam_members(graph)
    assert members
    orphans = []
    for grant in members:
        member = grant.inputs["member"]
        created = accounts.get(member) or identities.get(member)
        pool_member = WORKLOAD_POOL_MEMBER.match(member)
        if created is not None:
            if created.urn not in graph.waits_for(grant):
                orphans.append((grant.name, member, "does not wait for the account"))
        elif pool_member:
            if (pool_member["ns"], pool_member["sa"]) not in k8s_accounts:
                orphans.append((grant.name, member, "no such Kubernetes service account"))
        elif not SERVICE_AGENT.match(member):
            orphans.append((grant.name, member, "not created by the stack nor a Google service agent"))
    assert orphans == []


# The API each resource family is created through (a disabled API fails the create at apply time).
API_OF_FAMILY = {
    "gcp:storage/": "storage.googleapis.com",
    "gcp:container/": "container.googleapis.com",
    "gcp:kms/": "cloudkms.googleapis.com",
    "gcp:compute/": "compute.googleapis.com",
    "gcp:artifactregistry/": "artifactregistry.googleapis.com",
    "gcp:serviceaccount/": "iam.googleapis.com",
    "gcp:monitoring/": "monitoring.googleapis.com",
    "gcp:billing/": "billingbudgets.googleapis.com",
    "gcp:projects/iAMMember": "cloudresourcemanager.googleapis.com",
    "gcp:projects/iAMAuditConfig": "cloudresourcemanager.googleapis.com",
    "gcp:binaryauthorization/": "binaryauthorization.googleapis.com",
}


def test_every_api_a_resource_needs_is_enabled_by_the_stack(graph: PlannedGraph) -> None:
    enabled = {s.inputs["service"] for s in graph.of_type("gcp:projects/service:Service")}
    needed = {
        api
        for r in graph.managed
        if r.custom
        for family, api in API_OF_FAMILY.items()
        if r.type.startswith(family)
    }
    assert needed - enabled == set()


def test_the_platform_prometheus_selects_every_monitor_we_render(graph: PlannedGraph) -> None:
    """With `*SelectorNilUsesHelmValues` left on, kube-prometheus-stack's Prometheus only picks monitors
    labelled with its release: ours (GPU metrics, services) would be silently ignored."""
    kps = next(r for r in graph.of_type(RELEASE) if r.inputs["chart"] == "kube-prometheus-stack")
    spec = kps.get("values.prometheus.prometheusSpec") or {}
    for kind, key in (
        ("PodMonitor", "podMonitorSelectorNilUsesHelmValues"),
        ("ServiceMonitor", "serviceMonitorSelectorNilUsesHelmValues"),
        ("PrometheusRule", "ruleSelectorNilUsesHelmValues"),
    ):
        if graph.of_type(f"kubernetes:monitoring.coreos.com/v1:{kind}"):
            assert spec.get(key) is False, key
            assert spec.get(key.replace("SelectorNilUsesHelmValues", "NamespaceSelector"), {}) == {}
