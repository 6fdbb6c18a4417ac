"""What GKE would refuse or silently ignore, pinned: the cluster handle's facts, Google Groups for RBAC,
the node identity's role, GPU metrics from GKE's own exporter, and where `pulumi up` must run."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pulumi
import pytest

from lepton_infra.core.cluster_handle import ClusterHandle, EgressRule
from lepton_infra.core.errors import SpecError
from lepton_infra.gcp.cluster_facts import metadata_server_egress
from lepton_infra.gcp.platform import Platform
from lepton_infra.plan.record import PlannedGraph
from lepton_infra.spec import PlatformSpec
from tests.gcp._specs import dev_spec, prod_spec

CLUSTER = "gcp:container/cluster:Cluster"
NO_DEFAULT_PROVIDERS = {"pulumi:disable-default-providers": ["*"]}


def _handle(
    plan_program: Callable[..., PlannedGraph], raw: dict[str, Any]
) -> tuple[PlannedGraph, ClusterHandle]:
    spec = PlatformSpec.from_dict(raw)
    captured: dict[str, ClusterHandle] = {}

    def program() -> None:
        captured["handle"] = Platform(spec.name, spec).cluster_handle

    graph = plan_program(program, NO_DEFAULT_PROVIDERS)
    return graph, captured["handle"]


@pytest.fixture(scope="module")
def prod_handle() -> tuple[PlannedGraph, ClusterHandle]:
    from lepton_infra.plan.engine import plan_program

    return _handle(lambda fn, cfg: plan_program(fn, cfg), prod_spec())


def test_gke_runs_metrics_server_so_the_layer_does_not(
    prod_handle: tuple[PlannedGraph, ClusterHandle],
    plan_stack: Callable[..., PlannedGraph],
    platform_dir: Path,
) -> None:
    _, handle = prod_handle
    assert handle.metrics_server_installed is True
    for stack in ("gcp-dev", "gcp-prod"):
        charts = {
            r.inputs["chart"]
            for r in plan_stack(platform_dir, stack).of_type("kubernetes:helm.sh/v3:Release")
        }
        assert "metrics-server" not in charts


def test_network_policy_is_enforced_by_dataplane_v2(prod_handle: tuple[PlannedGraph, ClusterHandle]) -> None:
    graph, handle = prod_handle
    assert graph.one(CLUSTER).inputs["datapathProvider"] == "ADVANCED_DATAPATH"
    assert handle.network_policy_enforced is True


def test_tenants_reach_the_gke_metadata_server(prod_handle: tuple[PlannedGraph, ClusterHandle]) -> None:
    """GKE Workload Identity docs: under Dataplane V2 pods fetch tokens from 169.254.169.254:80."""
    _, handle = prod_handle
    assert tuple(handle.identity_egress) == (EgressRule(cidr="169.254.169.254/32", port=80, protocol="TCP"),)


def test_metadata_server_address_follows_the_datapath() -> None:
    assert metadata_server_egress("ADVANCED_DATAPATH") == (EgressRule("169.254.169.254/32", 80),)
    assert metadata_server_egress("LEGACY_DATAPATH") == (EgressRule("169.254.169.252/32", 988),)


def test_critical_priority_pods_need_a_quota_on_gke(prod_handle: tuple[PlannedGraph, ClusterHandle]) -> None:
    assert prod_handle[1].critical_priority_needs_quota is True


def test_gke_runs_the_whole_gpu_stack_so_no_operator(
    prod_handle: tuple[PlannedGraph, ClusterHandle],
    plan_stack: Callable[..., PlannedGraph],
    platform_dir: Path,
) -> None:
    graph, handle = prod_handle
    assert "DCGM" in graph.one(CLUSTER).get("monitoringConfig.enableComponents")
    gpu = handle.gpu
    assert (gpu.driver_installed, gpu.device_plugin_installed, gpu.dcgm_exporter_installed) == (
        True,
        True,
        True,
    )
    assert gpu.dcgm_exporter is not None and gpu.dcgm_exporter.namespace == "gke-managed-system"
    prod = plan_stack(platform_dir, "gcp-prod")
    assert "gpu-operator" not in {r.inputs["chart"] for r in prod.of_type("kubernetes:helm.sh/v3:Release")}
    # Nothing of ours runs on GPU nodes: no privileged namespace left empty.
    assert "gpu-operator" not in {
        n.get("metadata.name") for n in prod.of_type("kubernetes:core/v1:Namespace")
    }


def test_gpu_alerts_on_gke_read_only_fields_its_exporter_serves(
    plan_stack: Callable[..., PlannedGraph], platform_dir: Path
) -> None:
    """GKE's managed DCGM exporter serves no XID field: an XID rule there would never fire. The rules
    that stay read the fields it does serve, scraped by the PodMonitor."""

    def alerts(stack: str) -> set[str]:
        rule = plan_stack(platform_dir, stack).one(
            "kubernetes:monitoring.coreos.com/v1:PrometheusRule", "acme-ai-k8s-observability-gpu-rules"
        )
        return {r["alert"] for g in rule.get("spec.groups") for r in g["rules"]}

    assert alerts("gcp-prod") == {
        "GpuIdle",
        "GpuMemoryNearFull",
        "GpuPodPending",
        "GpuMetricsMissing",
    }
    assert "GpuXidError" in alerts("aws-dev")  # the operator's exporter on EKS serves it


def _problems(raw: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SpecError) as err:
        PlatformSpec.from_dict(raw)
    return {p.path: f"{p.why}; {p.fix}" for p in err.value.problems}


def test_admins_must_be_google_group_emails() -> None:
    raw = prod_spec()
    raw["gcp"]["rbac_security_group"] = "gke-security-groups@acme.dev"
    raw["tenants"] = [{"name": "research", "admins": ["research-admins@acme.dev", "research-admins"]}]
    problems = _problems(raw)
    assert list(problems) == ["tenants[0].admins[1]"]
    assert "e-mail" in problems["tenants[0].admins[1]"]


def test_admins_need_the_rbac_security_group() -> None:
    raw = prod_spec()
    raw["tenants"] = [{"name": "research", "admins": ["research-admins@acme.dev"]}]
    problems = _problems(raw)
    assert list(problems) == ["tenants[0].admins[0]"]
    assert "gcp.rbac_security_group" in problems["tenants[0].admins[0]"]


def test_security_group_must_be_gke_security_groups() -> None:
    raw = prod_spec()
    raw["gcp"]["rbac_security_group"] = "admins@acme.dev"
    assert "gcp.rbac_security_group" in _problems(raw)


def test_cluster_passes_google_groups_to_rbac(plan_program: Callable[..., PlannedGraph]) -> None:
    raw = prod_spec()
    raw["gcp"]["rbac_security_group"] = "gke-security-groups@acme.dev"
    graph, _ = _handle(plan_program, raw)
    assert graph.one(CLUSTER).inputs["authenticatorGroupsConfig"] == {
        "securityGroup": "gke-security-groups@acme.dev"
    }
    graph, _ = _handle(plan_program, dev_spec())
    assert "authenticatorGroupsConfig" not in graph.one(CLUSTER).inputs


def test_nodes_hold_the_documented_minimum_role(prod_handle: tuple[PlannedGraph, ClusterHandle]) -> None:
    """GKE docs: the node service account needs roles/container.defaultNodeServiceAccount on the project;
    image pulls need artifactregistry.reader on the repository only."""
    graph, _ = prod_handle
    account = graph.one("gcp:serviceaccount/account:Account", "acme-ai-nodes-sa")
    member = f"serviceAccount:{account.inputs['accountId']}@acme-ai-prod.iam.gserviceaccount.com"
    project_roles = {
        m.inputs["role"]
        for m in graph.of_type("gcp:projects/iAMMember:IAMMember")
        if m.inputs["member"] == member
    }
    assert project_roles == {"roles/container.defaultNodeServiceAccount"}
    reader = graph.one("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember")
    assert (reader.inputs["role"], reader.inputs["member"]) == ("roles/artifactregistry.reader", member)


def test_api_access_says_where_pulumi_up_must_run(
    plan_stack: Callable[..., PlannedGraph], platform_dir: Path, plan_program: Callable[..., PlannedGraph]
) -> None:
    prod = plan_stack(platform_dir, "gcp-prod").outputs["api_access"]
    dev = plan_stack(platform_dir, "gcp-dev").outputs["api_access"]
    assert isinstance(prod, str) and isinstance(dev, str)
    assert prod.startswith("DNS-based endpoint") and "container.clusters.connect" in prod
    assert dev.startswith("public endpoint") and "203.0.113.0/24" in dev
    raw = prod_spec()
    raw["gcp"]["dns_endpoint"] = False
    graph, _ = _handle(plan_program, raw)
    vpc_only = graph.one("lepton:gcp:Platform").outputs["api_access"]
    assert vpc_only.startswith("private endpoint only") and "acme-ai-prod-nodes" in vpc_only
    assert "us-central1" in vpc_only and "10.99.0.0/16" in vpc_only


def test_api_access_is_logged_during_the_run(plan_program: Callable[..., PlannedGraph]) -> None:
    with mock.patch.object(pulumi.log, "info", wraps=pulumi.log.info) as info:
        graph, _ = _handle(plan_program, prod_spec())
    messages = [str(c.args[0]) for c in info.call_args_list]
    note = graph.one("lepton:gcp:Platform").outputs["api_access"]
    assert f"GKE API access: {note}" in messages


def _kubeconfig(
    plan_program: Callable[..., PlannedGraph], raw: dict[str, Any]
) -> tuple[PlannedGraph, dict[str, Any]]:
    spec = PlatformSpec.from_dict(raw)
    captured: dict[str, Any] = {}

    def program() -> None:
        Platform(spec.name, spec).cluster_handle.kubeconfig.apply(lambda k: captured.update(kubeconfig=k))

    graph = plan_program(program, NO_DEFAULT_PROVIDERS)
    return graph, json.loads(captured["kubeconfig"])["clusters"][0]["cluster"]


def test_private_prod_is_reached_over_the_dns_endpoint(plan_program: Callable[..., PlannedGraph]) -> None:
    """A private IP endpoint is out of reach of the machine running the first `pulumi up` (the VPC does not
    exist yet): prod serves the API on GKE's IAM-authorized DNS endpoint and the provider uses it."""
    graph, cluster = _kubeconfig(plan_program, prod_spec())
    gke = graph.one(CLUSTER)
    assert gke.get("privateClusterConfig.enablePrivateEndpoint") is True
    assert gke.get("controlPlaneEndpointsConfig.dnsEndpointConfig.allowExternalTraffic") is True
    # The cluster's reported DNS endpoint (`<uid>.<region>.gke.goog`); a publicly trusted certificate,
    # so no cluster CA.
    assert list(cluster) == ["server"]
    assert re.fullmatch(r"https://[a-z0-9-]+\.us-central1\.gke\.goog", cluster["server"])


def test_dns_endpoint_off_keeps_the_private_ip_and_its_ca(plan_program: Callable[..., PlannedGraph]) -> None:
    raw = prod_spec()
    raw["gcp"]["dns_endpoint"] = False
    graph, cluster = _kubeconfig(plan_program, raw)
    assert "controlPlaneEndpointsConfig" not in graph.one(CLUSTER).inputs
    assert cluster["server"] == "https://10.0.0.2" and cluster["certificate-authority-data"]
    _, dev = _kubeconfig(plan_program, dev_spec())
    assert dev["server"] == "https://203.0.113.10"


# GCP's Compute Engine quota metric for each accelerator type the shipped stacks use (spot: PREEMPTIBLE_).
GPU_QUOTA_METRIC = {"nvidia-l4": "NVIDIA_L4_GPUS", "nvidia-h100-80gb": "NVIDIA_H100_GPUS"}
# Compute Engine "Allocation quotas": E2/N1 VMs draw on CPUS, every other machine series on its own.
CPU_QUOTA_METRIC = {"n2": "N2_CPUS", "g2": "G2_CPUS", "a3": "A3_CPUS", "n1": "CPUS", "e2": "CPUS"}


def _quota_at_max(graph: PlannedGraph) -> dict[str, int]:
    """From the recorded GKE pools at max plus their upgrade surge: per GPU model, all GPUs of the project,
    per machine series' vCPU quota, all vCPUs of the project, boot-disk SSD plus every volume claim
    template's GiB in the recorded objects (pd-balanced class; replicas 1), and the Local SSD the catalog
    says each machine bundles."""
    from lepton_infra.catalog import catalog

    machines = {m.name: m for m in catalog("gcp").machines}
    need: dict[str, int] = {}

    def add(metric: str, amount: int) -> None:
        need[metric] = need.get(metric, 0) + amount

    for pool in graph.of_type("gcp:container/nodePool:NodePool"):
        # At max plus the recorded upgrade surge (a flex-start pool records none: SHORT_LIVED, no surge).
        surge = int(pool.get("upgradeSettings.maxSurge") or 0)
        config, nodes = pool.inputs["nodeConfig"], int(pool.get("autoscaling.totalMaxNodeCount")) + surge
        for acc in config.get("guestAccelerators") or []:
            # Spot and flex-start (queued-provisioning pools) VMs draw on the preemptible GPU quota.
            preemptible = config.get("spot") or config.get("flexStart")
            metric = ("PREEMPTIBLE_" if preemptible else "") + GPU_QUOTA_METRIC[acc["type"]]
            add(metric, nodes * int(acc["count"]))
            add("GPUS_ALL_REGIONS", nodes * int(acc["count"]))
        vcpus = nodes * machines[config["machineType"]].vcpu
        add(CPU_QUOTA_METRIC[config["machineType"].split("-")[0]], vcpus)
        add("CPUS_ALL_REGIONS", vcpus)
        add("SSD_TOTAL_GB", nodes * int(config["diskSizeGb"]))
        if machines[config["machineType"]].local_ssd_gib:
            add("LOCAL_SSD_TOTAL_GB", nodes * machines[config["machineType"]].local_ssd_gib)
    add("SSD_TOTAL_GB", sum(_claim_gib(r.inputs) for r in graph.resources))
    return need


def _claim_gib(node: Any) -> int:
    if isinstance(node, dict):
        return sum(
            int(v["spec"]["resources"]["requests"]["storage"].removesuffix("Gi"))
            if k == "volumeClaimTemplate"
            else _claim_gib(v)
            for k, v in node.items()
        )
    return sum(_claim_gib(v) for v in node) if isinstance(node, list) else 0


def test_deploy_readiness_quota_table_matches_the_plans(
    plan_stack: Callable[..., PlannedGraph], platform_dir: Path
) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "gcp.md").read_text()
    table = doc.split("<!-- gpu-quota-table")[1].split("<!-- /gpu-quota-table -->")[0]
    documented: dict[str, dict[str, int]] = {}
    for row in re.findall(r"^\| (gcp-\w+) \| `([A-Z0-9_]+)`[^|]* \| (\d+) \|$", table, flags=re.M):
        documented.setdefault(row[0], {})[row[1]] = int(row[2])
    assert documented == {
        stack: _quota_at_max(plan_stack(platform_dir, stack)) for stack in ("gcp-dev", "gcp-prod")
    }
