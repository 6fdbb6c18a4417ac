"""Every Azure component refuses what Azure would refuse in its args before it registers anything (issue 21:
the Azure components used to check nothing; `azure.NodePool` raised a bare ValueError after registering and
accepted a 17-character pool name, issue 25 item 14). Each case breaks several fields and expects every
problem, by its argument's path, in one `ComponentArgsError`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from lepton_infra.azure.artifacts import ArtifactStore, ArtifactStoreArgs
from lepton_infra.azure.cluster import Cluster, ClusterArgs
from lepton_infra.azure.encryption import EncryptionKey, EncryptionKeyArgs
from lepton_infra.azure.identity import WorkloadIdentity, WorkloadIdentityArgs
from lepton_infra.azure.maintenance import AksMaintenanceWindow
from lepton_infra.azure.monitoring import Monitoring, MonitoringArgs
from lepton_infra.azure.network import Network, NetworkArgs
from lepton_infra.azure.node_pool import NodePool, NodePoolArgs
from lepton_infra.azure.traffic import Traffic, TrafficArgs
from lepton_infra.plan import plan_program
from tests.unit.test_component_args import refused

RG = "acme-ai-dev-rg"
SUB = "00000000-0000-0000-0000-000000000000"


def pool(**changes: Any) -> NodePoolArgs:
    base: dict[str, Any] = dict(
        resource_group_name=RG, cluster_name="c", pool_name="gpu", node_subnet_id="s", gpu_type="t4"
    )
    return NodePoolArgs(**{**base, **changes})


def test_a_valid_pool_plans() -> None:
    graph = plan_program(lambda: NodePool("gpu", pool(min_nodes=0, max_nodes=2)))
    assert graph.one("azure-native:containerservice:AgentPool").get("agentPoolName") == "gpu"


def test_aks_pool_names_are_at_most_12_characters() -> None:
    err = refused(lambda: NodePool("gpu", pool(pool_name="gpuspotpool17char")))
    assert err.paths == ["pool_name"]
    assert "up to 12 lowercase letters and digits" in str(err)


def test_node_pool_bounds_machine_disk_zones_labels_and_tags() -> None:
    err = refused(
        lambda: NodePool(
            "gpu",
            pool(
                pool_name="sys",
                min_nodes=5,
                max_nodes=2,
                initial_nodes=9,
                gpu_type="h100-80g",
                disk_gb=4096,
                zones=4,
                tags={"owner/team": "ml"},
            ),
        )
    )
    assert err.paths == [
        "min_nodes",
        "pool_name",
        "initial_nodes",
        "gpu_type",
        "disk_gb",
        "zones",
        "tags.owner/team",
    ]
    assert "did you mean 'h100-80gb'?" in str(err)


def test_node_pool_refuses_a_gpu_count_no_machine_has() -> None:
    assert refused(lambda: NodePool("gpu", pool(gpu_count=3))).paths == ["gpu_count"]


def _cluster(**changes: Any) -> ClusterArgs:
    base: dict[str, Any] = dict(
        name_prefix="acme-ai-dev",
        location="eastus",
        resource_group_name=RG,
        subscription_id=SUB,
        tenant_id=SUB,
        kubernetes_version="1.35",
        node_subnet_id="n",
        api_server_subnet_id="a",
        key_id="k",
        key_uri_with_version="https://v.vault.azure.net/keys/k/1",
        key_vault_id="v",
        disk_encryption_set_id="d",
        service_cidr="172.20.0.0/16",
        pod_cidr="10.244.0.0/16",
    )
    return ClusterArgs(**{**base, **changes})


def _traffic(**changes: Any) -> TrafficArgs:
    base: dict[str, Any] = dict(
        exposures=frozenset({"internal"}),
        k8s_provider=None,
        prod=False,
        location="eastus",
        resource_group_name=RG,
        name_prefix="acme-ai-dev",
        oidc_issuer="https://oidc",
        azure_provider=None,
        domain="ai.acme.dev",
    )
    return TrafficArgs(**{**base, **changes})


CASES: list[tuple[str, Callable[[], Any], list[str]]] = [
    (
        "cluster",
        lambda: Cluster(
            "c",
            _cluster(
                service_cidr="10.0.0.0/8",
                zones=0,
                private_endpoint=False,
                admin_group_object_ids=["ml-admins"],
                upgrade_channel="node-image",
                maintenance=AksMaintenanceWindow(day="sunday", start="25:00", duration_hours=2),
                system_pool_min=0,
            ),
        ),
        [
            "service_cidr",  # overlaps the pod range
            "service_cidr",  # larger than a /12
            "zones",
            "authorized_networks",
            "admin_group_object_ids[0]",
            "upgrade_channel",
            "maintenance.start",
            "maintenance.duration_hours",
            "system_pool_min",
        ],
    ),
    (
        "cluster-bad-cidr",
        lambda: Cluster("c", _cluster(pod_cidr="10.244.0.1/16", kubernetes_version="1.3")),
        ["kubernetes_version", "pod_cidr"],
    ),
    (
        "encryption-key",
        lambda: EncryptionKey(
            "k",
            EncryptionKeyArgs(
                name_prefix="acme-ai-dev",
                location="eastus",
                resource_group_name=RG,
                tenant_id=SUB,
                subscription_id=SUB,
                soft_delete_days=3,
            ),
        ),
        ["soft_delete_days"],
    ),
    (
        "network",
        lambda: Network(
            "n",
            NetworkArgs(
                name_prefix="acme-ai-dev",
                location="eastus",
                cidr="10.244.0.0/16",
                resource_group_name="rg.",
                tags={"azure-owner": "x"},
            ),
        ),
        ["cidr", "resource_group_name", "tags.azure-owner"],
    ),
    (
        "workload-identity",
        lambda: WorkloadIdentity(
            "w",
            WorkloadIdentityArgs(
                name_prefix="acme-ai-dev",
                location="eastus",
                resource_group_name=RG,
                subscription_id=SUB,
                oidc_issuer="https://oidc",
                storage_account_id="sa",
                container="Models--x",
                bucket_prefix="research/",
                namespace="Research",
                service_account="reader",
            ),
        ),
        ["namespace", "container"],
    ),
    (
        "monitoring",
        lambda: Monitoring(
            "m",
            MonitoringArgs(
                name_prefix="acme-ai-dev",
                location="eastus",
                resource_group_name=RG,
                budget_resource_groups=["rg"],
                subscription_id=SUB,
                cluster_id="c",
                cluster_name="c",
                vnet_id="v",
                network_watcher_resource_group="NetworkWatcherRG",
                key_vault_uri="https://v.vault.azure.net",
                key_name="k",
                encryption_identity_id="i",
                alert_emails=["oncall"],
                flow_log_retention_days=400,
                budget_usd=100.0,
                budget_thresholds=[0, 50, 80, 90, 100, 120],
            ),
        ),
        ["alert_emails[0]", "flow_log_retention_days", "budget_thresholds", "budget_thresholds[0]"],
    ),
    (
        "artifact-store",
        lambda: ArtifactStore(
            "a",
            ArtifactStoreArgs(
                name_prefix="acme-ai-dev",
                location="eastus",
                resource_group_name=RG,
                subscription_id=SUB,
                vnet_id="v",
                endpoint_subnet_id="e",
                key_vault_uri="https://v.vault.azure.net",
                key_name="k",
                key_uri="https://v.vault.azure.net/keys/k",
                encryption_identity_id="i",
                encryption_identity_client_id="c",
                tags={"cost<center": "1"},
            ),
        ),
        ["tags.cost<center"],
    ),
    (
        "traffic",
        lambda: Traffic("t", _traffic(exposures=frozenset({"external", "public"}), public_zone="acme.dev")),
        ["exposures", "public_zone", "vnet_id"],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_azure_components_refuse_bad_args_before_registering(
    case: tuple[str, Callable[[], Any], list[str]],
) -> None:
    _, program, paths = case
    assert refused(program).paths == paths
