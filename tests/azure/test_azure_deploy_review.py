"""Defects a deploy review of the azure-dev and azure-prod plans (main fc0d34b) found against Microsoft's
sources, each held by a test over a whole recorded plan: the prod deployer grant's principal type, a
Kubernetes minor upgrade with a Spot pool, the etcd KMS key's rotation, the deploy runner's subnet and the
Azure RBAC propagation wait. Expected values are written out from the sources named on each test."""

from __future__ import annotations

from lepton_infra.plan.record import PlannedGraph

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
