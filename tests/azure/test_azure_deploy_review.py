"""Defects a deploy review of the azure-dev and azure-prod plans (main fc0d34b) found against Microsoft's
sources, each held by a test over a whole recorded plan: the prod deployer grant's principal type, a
Kubernetes minor upgrade with a Spot pool, the etcd KMS key's rotation, the deploy runner's subnet and the
Azure RBAC propagation wait. Expected values are written out from the sources named on each test."""

from __future__ import annotations

import dataclasses
import shutil

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
    assert sorted(pools) == ["h100", "system", "t4", "t4spot"]
    assert pools["t4spot"].get("scaleSetPriority") == "Spot"
    for name, pool in pools.items():
        assert pool.get("orchestratorVersion") == "1.36", name
        assert cluster.urn in pool.dependencies, name
