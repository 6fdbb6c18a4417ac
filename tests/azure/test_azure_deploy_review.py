"""Defects a deploy review of the azure-dev and azure-prod plans (main fc0d34b) found against Microsoft's
sources, each held by a test over a whole recorded plan: the prod deployer grant's principal type, a
Kubernetes minor upgrade with a Spot pool, the etcd KMS key's rotation, the deploy runner's subnet and the
Azure RBAC propagation wait. Expected values are written out from the sources named on each test."""

from __future__ import annotations

import dataclasses
import re
import shutil
from typing import Any

import pytest

from lepton_infra.core.chart_support import chart_support
from lepton_infra.plan.engine import plan_stack as plan_stack_afresh
from lepton_infra.plan.record import PlannedGraph
from tests.conftest import PLATFORM_STACK_DIR

AZ = "azure-native"


# --- 1. The prod deployer's grant names the principal type of a runner in the VNet ------------------------


def test_prod_deployer_grant_is_for_a_service_principal(prod: PlannedGraph) -> None:
    """azure-prod's API server is private: `pulumi up` runs on a runner in the VNet as a service principal
    or managed identity (docs/azure.md). ARM refuses a role assignment whose `principalType` differs from
    the principal's (UnmatchedPrincipalType; learn.microsoft.com/azure/role-based-access-control/
    troubleshooting, read 2026-12-07), so the deployer's cluster-admin grant must say ServicePrincipal."""
    grant = prod.one(f"{AZ}:authorization:RoleAssignment", "acme-ai-cluster-deployer-admin")
    assert grant.inputs["principalType"] == "ServicePrincipal"


def test_dev_deployer_grant_is_for_a_user(dev: PlannedGraph) -> None:
    """azure-dev is deployed from a workstation inside `cluster.authorized_networks` (`az login`)."""
    grant = dev.one(f"{AZ}:authorization:RoleAssignment", "acme-ai-cluster-deployer-admin")
    assert grant.inputs["principalType"] == "User"


# --- 2. A minor upgrade moves the control plane, then every pool, spot included --------------------------


@pytest.fixture(scope="module")
def prod_next_minor(tmp_path_factory: pytest.TempPathFactory) -> PlannedGraph:
    """azure-prod with `cluster.version` 1.35 -> 1.36, planned as tests/stacks/test_minor_upgrade.py plans
    it (KEDA's chart row widened to 1.36, the one chart that does not claim it yet)."""
    keda = chart_support()["keda"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(chart_support(), "keda", dataclasses.replace(keda, kubernetes_max="1.36"))
        target = tmp_path_factory.mktemp("next-minor") / "platform"
        shutil.copytree(PLATFORM_STACK_DIR, target)
        stack_file = target / "Pulumi.azure-prod.yaml"
        text = stack_file.read_text()
        assert text.count('version: "1.35"') == 1, "the stack pins its minor once"
        stack_file.write_text(text.replace('version: "1.35"', 'version: "1.36"'))
        return plan_stack_afresh(target, "azure-prod")


def test_minor_upgrade_moves_control_plane_then_every_pool(prod_next_minor: PlannedGraph) -> None:
    """A separate AgentPool moves only through its own `orchestratorVersion` (the managed cluster's
    `kubernetesVersion` left the pools where they were: pulumi/pulumi-azure-native#2094), and with a Spot
    pool AKS upgrades the control plane and the pools only separately (learn.microsoft.com/azure/aks/
    spot-node-pool, Limitations). So each pool names 1.36 and waits for the cluster (its dependency)."""
    (cluster,) = prod_next_minor.of_type(f"{AZ}:containerservice:ManagedCluster")
    assert cluster.inputs["kubernetesVersion"] == "1.36"
    pools = {p.get("agentPoolName"): p for p in prod_next_minor.of_type(f"{AZ}:containerservice:AgentPool")}
    assert sorted(pools) == ["a10spot", "h100", "system", "t4", "t4spot"]
    assert pools["t4spot"].get("scaleSetPriority") == "Spot"
    for name, pool in pools.items():
        assert pool.get("orchestratorVersion") == "1.36", name
        assert cluster.urn in pool.dependencies, name


# --- 3. etcd's KMS key rotates only on purpose -----------------------------------------------------------

# Azure built-in roles: "Key Vault Crypto User" (12338af0-0e69-4776-bea7-57ae8d297424).
CRYPTO_USER = "12338af0-0e69-4776-bea7-57ae8d297424"


def test_etcd_has_its_own_key_that_never_rotates_by_itself(graph: PlannedGraph) -> None:
    """AKS KMS: "Remember to update all secrets after key rotation ... After the second key rotation, the
    oldest key can be safely removed/expired" (learn.microsoft.com/azure/aks/use-kms-etcd-encryption,
    Rotate existing keys, ms.date 2025-12-22, read 2026-12-07), and a key in use must not expire
    (Limitations). The cluster's keyId is a version of the `etcd` key, which has no rotation policy and no
    expiry; the platform key keeps its 90-day rotation for disks, storage and the registry."""
    keys = {k.get("keyName"): k for k in graph.of_type(f"{AZ}:keyvault:Key")}
    assert sorted(keys) == ["etcd", "platform"]
    etcd = keys["etcd"]
    assert etcd.get("properties.rotationPolicy") is None
    assert etcd.get("properties.attributes.expires") is None
    assert etcd.get("properties.kty") == "RSA"
    assert {"properties", "tags"} <= set(etcd.ignore_changes)
    assert keys["platform"].get("properties.rotationPolicy.lifetimeActions")[0]["action"]["type"] == "rotate"
    (cluster,) = graph.of_type(f"{AZ}:containerservice:ManagedCluster")
    key_id = cluster.get("securityProfile.azureKeyVaultKms.keyId")
    assert re.fullmatch(r"https://acme-ai-(dev|prod)-kv\.vault\.azure\.net/keys/etcd/[0-9a-f]{32}", key_id), (
        key_id
    )


def test_control_plane_may_use_the_etcd_key_and_keeps_the_platform_key(graph: PlannedGraph) -> None:
    """KMS keeps decrypting Secrets written under the key it used before (the platform key, on a running
    cluster) until they are rewritten: the control plane holds Key Vault Crypto User on both keys, and the
    cluster waits for both grants."""
    grants = {
        g.name: g
        for g in graph.of_type(f"{AZ}:authorization:RoleAssignment")
        if g.get("roleDefinitionId", "").endswith(CRYPTO_USER)
    }
    assert sorted(grants) == ["acme-ai-cluster-kms-etcd-key-access", "acme-ai-cluster-kms-key-access"]
    settle = graph.one("time:index/sleep:Sleep", "acme-ai-cluster-grants-settle")
    assert {g.urn for g in grants.values()} <= set(settle.dependencies)


# --- 4. The deploy runner's subnet is the stack's own ---------------------------------------------------


def _subnets(graph: PlannedGraph) -> dict[str, dict[str, Any]]:
    (vnet,) = graph.of_type(f"{AZ}:network:VirtualNetwork")
    return {s["name"]: s for s in vnet.inputs["subnets"]}


def test_prod_vnet_declares_the_runner_subnet(prod: PlannedGraph) -> None:
    """The VNet declares its subnets inline; a subnet added outside the stack is not in that list, and the
    VNet's next PUT deletes it or is refused while a runner uses it (pulumi/pulumi-azure-native#611). So the
    private cluster's runner subnet is declared with the others: 10.40.255.192/27, below the API server's
    10.40.255.240/28, with its own NSG and the NAT gateway for egress."""
    subnets = _subnets(prod)
    assert sorted(subnets) == ["apiserver", "endpoints", "nodes", "runner"]
    runner = subnets["runner"]
    assert runner["addressPrefix"] == "10.40.255.192/27"
    assert subnets["apiserver"]["addressPrefix"] == "10.40.255.240/28"
    assert runner["defaultOutboundAccess"] is False
    nsg = prod.one(f"{AZ}:network:NetworkSecurityGroup", "acme-ai-network-runner-nsg")
    assert [r["access"] for r in nsg.inputs["securityRules"]] == ["Deny"]
    assert "natGateway" in runner and "networkSecurityGroup" in runner


def test_dev_public_api_server_has_no_runner_subnet(dev: PlannedGraph) -> None:
    assert sorted(_subnets(dev)) == ["apiserver", "endpoints", "nodes"]


# --- 5. Azure RBAC waits the documented bound ------------------------------------------------------------


def test_cluster_and_key_users_wait_ten_minutes_for_azure_rbac(graph: PlannedGraph) -> None:
    """Key Vault's RBAC guide: "it will take up to 10 minutes (600 seconds) after role assignments is
    changed for role to be applied" (learn.microsoft.com/azure/key-vault/general/rbac-guide, Known limits
    and performance, read 2026-12-07). The cluster (KMS and subnet validation) and the key's users wait it;
    the deployer's AKS RBAC grant keeps AKS's own five minutes."""
    waits = {s.name: s.inputs["createDuration"] for s in graph.of_type("time:index/sleep:Sleep")}
    assert waits["acme-ai-cluster-grants-settle"] == "600s"
    assert waits["acme-ai-cluster-deployer-admin-settle"] == "300s"
    key_waits = {n: d for n, d in waits.items() if n.startswith("acme-ai-key-")}
    assert key_waits and set(key_waits.values()) == {"600s"}, key_waits
