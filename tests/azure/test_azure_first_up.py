"""Issue 25, Azure resources: what a first `pulumi up` of the shipped Azure stacks needs Azure to accept,
and what must then work (rotation, kubeconfig access, budget, alerts, egress, public ingress, DNS). Each
test reads the whole recorded plan of a shipped stack, or of a spec variant where the shipped stacks
leave the case out; expected values are written out from Azure's own references, named on each test."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from lepton_infra.core.errors import ComponentArgsError
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.engine import plan_stack as plan_stack_afresh
from lepton_infra.plan.mocks.registry import INVOKE_RULES
from lepton_infra.plan.record import PlannedGraph
from tests.azure.variants import PROD_SUB, h100_nvl_pool, plan_spec, public_h100_service

AZ = "azure-native"

# A Key Vault key version is 32 hex characters: https://<vault>.vault.azure.net/keys/<name>/<version>.
VERSIONED_KEY_URL = re.compile(r"https://acme-ai-(dev|prod)-kv\.vault\.azure\.net/keys/platform/[0-9a-f]{32}")
# Azure built-in roles reference: "Azure Kubernetes Service Cluster User Role" (listClusterUserCredential).
CLUSTER_USER_ROLE = "4abbcc35-e782-43d8-92c5-2d3f1bd2253f"


@pytest.fixture(scope="module")
def public() -> PlannedGraph:
    return plan_spec(public_h100_service())


# --- 1. Disk Encryption Set: a versioned key URL (deploy-blocking) ----------------------------------------


def test_disk_encryption_set_names_a_key_version_and_keeps_rotating(graph: PlannedGraph) -> None:
    """The DES PUT requires a fully versioned key URL, rotation on or off (azure-native 3.29
    `KeyForDiskEncryptionSetArgs.key_url`: "Version segment of the Url is required regardless of
    rotationToLatestKeyVersionEnabled"). Azure then moves the set to each new version itself, so the
    rotated URL it reads back must not be undone by the next `up`."""
    (des,) = graph.of_type(f"{AZ}:compute:DiskEncryptionSet")
    assert VERSIONED_KEY_URL.fullmatch(des.get("activeKey.keyUrl")), des.get("activeKey.keyUrl")
    assert des.inputs["rotationToLatestKeyVersionEnabled"] is True
    assert "activeKey.keyUrl" in des.ignore_changes


# --- 6. The etcd KMS key follows rotations; the key's create-once properties show no false diff ------


def test_aks_kms_takes_the_key_version_current_at_each_up(
    monkeypatch: pytest.MonkeyPatch, platform_dir: Path
) -> None:
    """Keys - Get answers the key's current version (learn.microsoft.com @azure/arm-keyvault
    KeysOperations.get: "Gets the current version of the specified key"). With the key rotated (the
    lookup answering a later version than the one the key was created with), the cluster's KMS keyId is
    that later version: AKS KMS never follows a rotation by itself."""
    rotated = "f" * 32

    def rotated_key(args: dict[str, Any], ctx: Any) -> dict[str, Any]:
        uri = f"https://{args['vaultName']}.vault.azure.net/keys/{args['keyName']}"
        return {"keyUri": uri, "keyUriWithVersion": f"{uri}/{rotated}"}

    monkeypatch.setitem(INVOKE_RULES, "azure-native:keyvault:getKey", rotated_key)
    graph = plan_stack_afresh(platform_dir, "azure-prod")
    (cluster,) = graph.of_type(f"{AZ}:containerservice:ManagedCluster")
    assert cluster.get("securityProfile.azureKeyVaultKms.keyId") == (
        f"https://acme-ai-prod-kv.vault.azure.net/keys/platform/{rotated}"
    )
    # The disks keep their own rotation (Azure's), from the version the key was created with.
    (des,) = graph.of_type(f"{AZ}:compute:DiskEncryptionSet")
    assert not des.get("activeKey.keyUrl").endswith(rotated)


def test_key_creation_properties_are_not_diffed(graph: PlannedGraph) -> None:
    """ARM's key PUT is create-if-not-exists: for an existing key it writes nothing (learn.microsoft.com
    @azure/arm-keyvault KeysOperations.createIfNotExist: "does not create subsequent versions, and does
    not update existing keys"). An edited size or rotation policy would be an update that does nothing."""
    (key,) = graph.of_type(f"{AZ}:keyvault:Key")
    assert {"properties", "tags"} <= set(key.ignore_changes)


# --- 12. Other organisations' private-endpoint storage still resolves ------------------------------------


def test_blob_privatelink_zone_falls_back_to_public_resolution(graph: PlannedGraph) -> None:
    """privatedns VirtualNetworkLink `resolutionPolicy: NxDomainRedirect` (API 2024-06-01, privatelink
    zones only): a name the zone lacks is resolved publicly instead of answering NXDOMAIN."""
    links = {
        link.get("privateZoneName"): link for link in graph.of_type(f"{AZ}:privatedns:VirtualNetworkLink")
    }
    assert links["privatelink.blob.core.windows.net"].get("resolutionPolicy") == "NxDomainRedirect"
    for zone, link in links.items():
        if not zone.startswith("privatelink."):
            assert link.get("resolutionPolicy") is None, zone


# --- 4. The budget sees the node resource group -----------------------------------------------------------


def test_budget_counts_the_node_resource_group_and_warns_on_forecast(prod: PlannedGraph) -> None:
    """AKS bills node VMs, their disks and load balancers in the cluster's node resource group
    (`nodeResourceGroup`), outside the platform's group: the budget is the subscription's, filtered to
    both groups (Consumption Budgets `filter.dimensions`, dimension `ResourceGroupName`, operator `In`),
    and warns when the month's forecast passes the amount (`thresholdType: Forecasted`)."""
    (cluster,) = prod.of_type(f"{AZ}:containerservice:ManagedCluster")
    assert cluster.inputs["nodeResourceGroup"] == "acme-ai-prod-aks-nodes"
    (budget,) = prod.of_type(f"{AZ}:consumption:Budget")
    assert budget.inputs["scope"] == f"/subscriptions/{PROD_SUB}"
    assert budget.get("filter.dimensions") == {
        "name": "ResourceGroupName",
        "operator": "In",
        "values": ["acme-ai-prod-rg", "acme-ai-prod-aks-nodes"],
    }
    kinds = sorted((n["thresholdType"], n["threshold"]) for n in budget.inputs["notifications"].values())
    assert kinds == [("Actual", 80), ("Actual", 100), ("Forecasted", 100)]


# --- 5. Tenant and cluster admins can fetch a kubeconfig ------------------------------------------------


def test_admin_groups_may_download_the_cluster_kubeconfig(prod: PlannedGraph) -> None:
    """`az aks get-credentials` calls listClusterUserCredential, which Kubernetes RBAC does not grant: the
    tenants' admin groups and the cluster admin group get "Azure Kubernetes Service Cluster User Role" on
    the cluster, and nothing broader."""
    (cluster,) = prod.of_type(f"{AZ}:containerservice:ManagedCluster")
    grants = [
        ra
        for ra in prod.of_type(f"{AZ}:authorization:RoleAssignment")
        if ra.inputs["roleDefinitionId"].endswith(f"/{CLUSTER_USER_ROLE}")
    ]
    assert sorted(ra.inputs["principalId"] for ra in grants) == [
        "2b7d4f1a-9c3e-4a6b-8d5f-1e0c9b8a7d6e",  # tenant research's admins
        "5e9a1c3d-7b2f-4e8a-9c6d-3f1b0a2e4d5c",  # tenant serving's admins
        "6a1c9e3b-2f4d-4e8a-b7c5-0d9e8f7a6b5c",  # azure.admin_group_object_ids
    ]
    for ra in grants:
        assert ra.inputs["principalType"] == "Group"
        assert ra.property_dependencies["scope"] == [cluster.urn]


# --- 8. "Unschedulable for 30 minutes" means 30 minutes -------------------------------------------------


def test_pending_pods_alert_holds_for_thirty_minutes(graph: PlannedGraph) -> None:
    """A metric alert on `cluster_autoscaler_unschedulable_pods_count` (Average > 0 over PT30M) fires
    when any sample in the window was above 0: every GPU scale-from-zero. A Prometheus rule's `for`
    (PT30M) holds only when the condition was true at every evaluation for 30 minutes."""
    metrics = [
        criterion.get("metricName")
        for alert in graph.of_type(f"{AZ}:monitor:MetricAlert")
        for criterion in alert.get("criteria.allOf", [])
    ]
    assert "cluster_autoscaler_unschedulable_pods_count" not in metrics
    (group,) = graph.of_type(f"{AZ}:alertsmanagement:PrometheusRuleGroup")
    pending = [
        r for r in group.inputs["rules"] if 'kube_pod_status_phase{phase="Pending"}' in r["expression"]
    ]
    assert {r["alert"] for r in pending} == {"PodsPending", "GpuPodsPending"}
    assert all(r["for"] == "PT30M" for r in pending)


# --- 11. Egress survives a zone outage ----------------------------------------------------------------


def test_nat_gateway_and_its_ip_are_zone_redundant(graph: PlannedGraph) -> None:
    """A Standard NAT gateway lives in one zone; StandardV2 spans the region's zones and needs a
    StandardV2 public IP (learn.microsoft.com nat-gateway "NAT Gateway SKUs"; AKS egress-outboundtype:
    userAssignedNATGateway supports both SKUs; AKS nat-gateway.md creates the IP with zones 1 2 3)."""
    (nat,) = graph.of_type(f"{AZ}:network:NatGateway")
    (ip,) = graph.of_type(f"{AZ}:network:PublicIPAddress")
    assert nat.get("sku.name") == "StandardV2" and nat.get("zones") is None
    assert ip.get("sku.name") == "StandardV2" and ip.get("zones") == ["1", "2", "3"]
    assert nat.property_dependencies["publicIpAddresses"] == [ip.urn]


# --- 7. A public ingress is reachable -------------------------------------------------------------------


def _rules(graph: PlannedGraph, role: str) -> list[dict[str, Any]]:
    (nsg,) = [
        n for n in graph.of_type(f"{AZ}:network:NetworkSecurityGroup") if n.name.endswith(f"-{role}-nsg")
    ]
    return nsg.inputs["securityRules"]


def test_a_public_ingress_opens_http_and_https_on_the_node_subnet(public: PlannedGraph) -> None:
    """AKS opens a LoadBalancer Service's ports only in the NSG it manages on the node NICs, never in the
    subnet's (AKS "Network security groups"): the node subnet's own NSG must allow TCP 80 and 443 from
    the internet above its deny (priority 4096, lower numbers win)."""
    allow = [r for r in _rules(public, "nodes") if r["access"] == "Allow"]
    assert [
        (r["direction"], r["protocol"], r["sourceAddressPrefix"], sorted(r["destinationPortRanges"]))
        for r in allow
    ] == [("Inbound", "Tcp", "Internet", ["443", "80"])]
    assert allow[0]["priority"] < 4096
    assert all(r["access"] == "Deny" for r in _rules(public, "endpoints"))


def test_no_public_ingress_keeps_the_node_subnet_closed(prod: PlannedGraph) -> None:
    assert [(r["access"], r["priority"]) for r in _rules(prod, "nodes")] == [("Deny", 4096)]


# --- 14. The H100 NVL pool plans, and the component refuses what AKS refuses ------------------------------


def test_h100_nvl_pool_reports_its_quota_family() -> None:
    """Standard_NC40ads_H100_v5 (40 vCPUs) is in the "Standard NCadsH100v5 Family vCPUs" quota
    (learn.microsoft.com NCads H100 v5 series); 2 nodes at most."""
    graph = plan_spec(h100_nvl_pool())
    needs = {(q["code"], tuple(q["pools"])): int(q["amount"]) for q in graph.outputs["quota_to_request"]}
    assert needs[("standardNCadsH100v5Family", ("nvl",))] == 2 * 40


def test_node_pool_component_refuses_a_name_aks_refuses() -> None:
    """AKS Linux pool names are at most 12 lowercase letters and digits: a longer one would fail the
    AgentPool PUT after the cluster exists. The component refuses it before registering anything."""
    from lepton_infra.azure.node_pool import NodePool, NodePoolArgs

    def program() -> None:
        NodePool(
            "pool",
            NodePoolArgs(
                resource_group_name="rg",
                cluster_name="aks",
                pool_name="inferencegpupool",  # 16 characters
                node_subnet_id="/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s",
            ),
        )

    with pytest.raises(ComponentArgsError) as refused:
        plan_program(program, {"azure-native:location": "eastus"})
    assert refused.value.paths == ["pool_name"]
