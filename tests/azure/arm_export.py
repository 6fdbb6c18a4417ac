"""The Azure resources of a recorded plan as an ARM template, so a scanner that reads ARM templates
(checkov's `arm` framework) can judge what `pulumi up` would send to Azure.

pulumi-azure-native flattens each resource's ARM `properties` into its inputs and keeps the ARM wire names
(`enableRBAC`, `apiServerAccessProfile`, `networkRuleSet`), so the template is the inputs regrouped: the
envelope keys ARM keeps beside `properties` (location, tags, sku, identity, zones, kind) stay at the top,
the path parameters (resource group, parent and own names) become the resource's `name`, everything else
goes under `properties`. The API version is the one the installed SDK says it sends ("Uses Azure REST API
version ..." in each resource's docstring).

    python -m tests.azure.arm_export plan.json > template.json
    checkov -f template.json --framework arm
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
import sys
from functools import cache
from typing import Any

# ARM keeps these beside `properties` in a resource body.
ENVELOPE = ("location", "tags", "sku", "identity", "zones", "kind", "extendedLocation", "plan", "etag")

# Pulumi type token (module:Kind) -> (ARM resource type, input naming the resource, inputs naming parents).
ARM_TYPES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "alertsmanagement:PrometheusRuleGroup": (
        "Microsoft.AlertsManagement/prometheusRuleGroups",
        "ruleGroupName",
        (),
    ),
    "authorization:RoleAssignment": ("Microsoft.Authorization/roleAssignments", "roleAssignmentName", ()),
    "authorization:ManagementLockAtResourceLevel": ("Microsoft.Authorization/locks", "lockName", ()),
    "compute:DiskEncryptionSet": ("Microsoft.Compute/diskEncryptionSets", "diskEncryptionSetName", ()),
    "consumption:Budget": ("Microsoft.Consumption/budgets", "budgetName", ()),
    "containerregistry:Registry": ("Microsoft.ContainerRegistry/registries", "registryName", ()),
    "containerservice:ManagedCluster": ("Microsoft.ContainerService/managedClusters", "resourceName", ()),
    "containerservice:AgentPool": (
        "Microsoft.ContainerService/managedClusters/agentPools",
        "agentPoolName",
        ("resourceName",),
    ),
    "containerservice:MaintenanceConfiguration": (
        "Microsoft.ContainerService/managedClusters/maintenanceConfigurations",
        "configName",
        ("resourceName",),
    ),
    "keyvault:Vault": ("Microsoft.KeyVault/vaults", "vaultName", ()),
    "keyvault:Key": ("Microsoft.KeyVault/vaults/keys", "keyName", ("vaultName",)),
    "managedidentity:UserAssignedIdentity": (
        "Microsoft.ManagedIdentity/userAssignedIdentities",
        "resourceName",
        (),
    ),
    "managedidentity:FederatedIdentityCredential": (
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
        "federatedIdentityCredentialResourceName",
        ("resourceName",),
    ),
    "monitor:ActionGroup": ("Microsoft.Insights/actionGroups", "actionGroupName", ()),
    "monitor:AzureMonitorWorkspace": ("Microsoft.Monitor/accounts", "azureMonitorWorkspaceName", ()),
    "monitor:DataCollectionEndpoint": (
        "Microsoft.Insights/dataCollectionEndpoints",
        "dataCollectionEndpointName",
        (),
    ),
    "monitor:DataCollectionRule": ("Microsoft.Insights/dataCollectionRules", "dataCollectionRuleName", ()),
    "monitor:DataCollectionRuleAssociation": (
        "Microsoft.Insights/dataCollectionRuleAssociations",
        "associationName",
        (),
    ),
    "monitor:DiagnosticSetting": ("Microsoft.Insights/diagnosticSettings", "name", ()),
    "monitor:MetricAlert": ("Microsoft.Insights/metricAlerts", "ruleName", ()),
    "network:FlowLog": ("Microsoft.Network/networkWatchers/flowLogs", "flowLogName", ("networkWatcherName",)),
    "network:NatGateway": ("Microsoft.Network/natGateways", "natGatewayName", ()),
    "network:NetworkSecurityGroup": (
        "Microsoft.Network/networkSecurityGroups",
        "networkSecurityGroupName",
        (),
    ),
    "network:PrivateDnsZoneGroup": (
        "Microsoft.Network/privateEndpoints/privateDnsZoneGroups",
        "privateDnsZoneGroupName",
        ("privateEndpointName",),
    ),
    "network:PrivateEndpoint": ("Microsoft.Network/privateEndpoints", "privateEndpointName", ()),
    "network:PublicIPAddress": ("Microsoft.Network/publicIPAddresses", "publicIpAddressName", ()),
    "network:VirtualNetwork": ("Microsoft.Network/virtualNetworks", "virtualNetworkName", ()),
    "operationalinsights:Workspace": ("Microsoft.OperationalInsights/workspaces", "workspaceName", ()),
    "privatedns:PrivateZone": ("Microsoft.Network/privateDnsZones", "privateZoneName", ()),
    "privatedns:PrivateRecordSet": (
        "Microsoft.Network/privateDnsZones/A",
        "relativeRecordSetName",
        ("privateZoneName",),
    ),
    "privatedns:VirtualNetworkLink": (
        "Microsoft.Network/privateDnsZones/virtualNetworkLinks",
        "virtualNetworkLinkName",
        ("privateZoneName",),
    ),
    "dns:RecordSet": ("Microsoft.Network/dnsZones/A", "relativeRecordSetName", ("zoneName",)),
    "resources:ResourceGroup": ("Microsoft.Resources/resourceGroups", "resourceGroupName", ()),
    "storage:StorageAccount": ("Microsoft.Storage/storageAccounts", "accountName", ()),
    "storage:BlobServiceProperties": (
        "Microsoft.Storage/storageAccounts/blobServices",
        "blobServicesName",
        ("accountName",),
    ),
    "storage:BlobContainer": (
        "Microsoft.Storage/storageAccounts/blobServices/containers",
        "containerName",
        ("accountName",),
    ),
}
# Where pulumi-azure-native names an ARM property by the spec's client name (x-ms-client-name), the ARM
# wire name a template carries: type token -> {input name: ARM property name}.
ARM_NAMES: dict[str, dict[str, str]] = {
    "storage:StorageAccount": {
        "networkRuleSet": "networkAcls",
        "enableHttpsTrafficOnly": "supportsHttpsTrafficOnly",
    },
}
# Inputs that only address the resource (URL path parameters), never part of its body.
PATH_PARAMETERS = frozenset(
    {"resourceGroupName", "resourceUri", "scope", "recordType", "resourceProviderNamespace", "resourceType"}
    | {own for _, own, _ in ARM_TYPES.values()}
    | {p for _, _, parents in ARM_TYPES.values() for p in parents}
) - {"name"}


@cache
def api_version(token: str) -> str:
    """The REST API version the installed pulumi-azure-native sends for `token`."""
    _, module, kind = token.split(":")
    cls = getattr(importlib.import_module(f"pulumi_azure_native.{module}"), kind)
    match = re.search(r"Uses Azure REST API version ([0-9a-z-]+)", inspect.getdoc(cls.__init__) or "")
    return match.group(1) if match else "2024-01-01"


def arm_resource(token: str, inputs: dict[str, Any]) -> dict[str, Any] | None:
    """One plan resource as an ARM template resource; None for a type this export does not know."""
    kind = token.split(":", 1)[1]
    if kind not in ARM_TYPES:
        return None
    arm_type, own, parents = ARM_TYPES[kind]
    body: dict[str, Any] = {
        "type": arm_type,
        "apiVersion": api_version(token),
        "name": "/".join(str(inputs.get(p, p)) for p in (*parents, own)),
    }
    properties: dict[str, Any] = dict(inputs.get("properties") or {})
    renamed = ARM_NAMES.get(kind, {})
    for key, value in inputs.items():
        if key in ENVELOPE:
            body[key] = value
        elif key not in PATH_PARAMETERS and key != "properties" and not (key == "name" and own == "name"):
            properties[renamed.get(key, key)] = value
    # ARM writes identities as a map: resource id -> {}.
    identity = body.get("identity")
    if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
        body["identity"] = {
            **identity,
            "userAssignedIdentities": {i: {} for i in identity["userAssignedIdentities"]},
        }
    body["properties"] = properties
    return body


def arm_template(plan: dict[str, Any]) -> dict[str, Any]:
    """Every azure-native resource of a plan's JSON report (`lepton-infra plan --json`)."""
    resources = [
        arm_resource(r["type"], r["inputs"])
        for r in plan["resources"]
        if r["custom"] and r["type"].startswith("azure-native:")
    ]
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [r for r in resources if r is not None],
    }


if __name__ == "__main__":
    with open(sys.argv[1]) as source:
        json.dump(arm_template(json.load(source)), sys.stdout, indent=1, sort_keys=True)
