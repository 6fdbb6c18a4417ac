"""Plausible Azure outputs: ARM ids in Azure's own format under the context's subscription, identities
with principal and client ids, an AKS cluster with FQDNs and an OIDC issuer, Key Vault key URIs, and the
invokes an AKS program reads (client config, cluster user credentials, resource groups, a key's current
version)."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

from lepton_infra.plan.mocks.registry import (
    FAKE_CA,
    MockContext,
    invoke,
    outputs_for,
    outputs_for_prefix,
    short_hash,
)

TENANT_ID = "11111111-2222-3333-4444-555555555555"
DEPLOYER_OBJECT_ID = "99999999-8888-7777-6666-555555555555"

# type token -> (ARM namespace/type path template, the input holding the resource's own name). `{parent}`
# parts name the inputs of the enclosing resources.
_ARM: dict[str, tuple[str, str]] = {
    "containerservice:ManagedCluster": (
        "Microsoft.ContainerService/managedClusters/{resourceName}",
        "resourceName",
    ),
    "containerservice:AgentPool": (
        "Microsoft.ContainerService/managedClusters/{resourceName}/agentPools/{agentPoolName}",
        "agentPoolName",
    ),
    "containerservice:MaintenanceConfiguration": (
        "Microsoft.ContainerService/managedClusters/{resourceName}/maintenanceConfigurations/{configName}",
        "configName",
    ),
    "managedidentity:UserAssignedIdentity": (
        "Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}",
        "resourceName",
    ),
    "managedidentity:FederatedIdentityCredential": (
        "Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}/federatedIdentityCredentials/"
        "{federatedIdentityCredentialResourceName}",
        "federatedIdentityCredentialResourceName",
    ),
    "keyvault:Vault": ("Microsoft.KeyVault/vaults/{vaultName}", "vaultName"),
    "keyvault:Key": ("Microsoft.KeyVault/vaults/{vaultName}/keys/{keyName}", "keyName"),
    "compute:DiskEncryptionSet": (
        "Microsoft.Compute/diskEncryptionSets/{diskEncryptionSetName}",
        "diskEncryptionSetName",
    ),
    "network:VirtualNetwork": (
        "Microsoft.Network/virtualNetworks/{virtualNetworkName}",
        "virtualNetworkName",
    ),
    "network:NetworkSecurityGroup": (
        "Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}",
        "networkSecurityGroupName",
    ),
    "network:NatGateway": ("Microsoft.Network/natGateways/{natGatewayName}", "natGatewayName"),
    "network:PublicIPAddress": (
        "Microsoft.Network/publicIPAddresses/{publicIpAddressName}",
        "publicIpAddressName",
    ),
    "network:PrivateEndpoint": (
        "Microsoft.Network/privateEndpoints/{privateEndpointName}",
        "privateEndpointName",
    ),
    "network:PrivateDnsZoneGroup": (
        "Microsoft.Network/privateEndpoints/{privateEndpointName}/"
        "privateDnsZoneGroups/{privateDnsZoneGroupName}",
        "privateDnsZoneGroupName",
    ),
    "network:FlowLog": (
        "Microsoft.Network/networkWatchers/{networkWatcherName}/flowLogs/{flowLogName}",
        "flowLogName",
    ),
    "privatedns:PrivateZone": ("Microsoft.Network/privateDnsZones/{privateZoneName}", "privateZoneName"),
    "privatedns:VirtualNetworkLink": (
        "Microsoft.Network/privateDnsZones/{privateZoneName}/virtualNetworkLinks/{virtualNetworkLinkName}",
        "virtualNetworkLinkName",
    ),
    "storage:StorageAccount": ("Microsoft.Storage/storageAccounts/{accountName}", "accountName"),
    "storage:BlobServiceProperties": (
        "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default",
        "blobServicesName",
    ),
    "storage:BlobContainer": (
        "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{containerName}",
        "containerName",
    ),
    "containerregistry:Registry": ("Microsoft.ContainerRegistry/registries/{registryName}", "registryName"),
    "operationalinsights:Workspace": (
        "Microsoft.OperationalInsights/workspaces/{workspaceName}",
        "workspaceName",
    ),
    "monitor:ActionGroup": ("Microsoft.Insights/actionGroups/{actionGroupName}", "actionGroupName"),
    "monitor:MetricAlert": ("Microsoft.Insights/metricAlerts/{ruleName}", "ruleName"),
}


def mock_uuid(*parts: str) -> str:
    return str(uuid.UUID(short_hash(*parts, length=32)))


def _arm_id(token: str, name: str, inputs: dict[str, Any], ctx: MockContext) -> tuple[str, str]:
    """(ARM id, physical name) of a resource as Azure would report it."""
    module_kind = token.split(":", 1)[1]
    group = f"/subscriptions/{ctx.azure_subscription}/resourceGroups/{inputs.get('resourceGroupName', 'rg')}"
    if module_kind == "resources:ResourceGroup":
        physical = inputs.get("resourceGroupName") or name
        return f"/subscriptions/{ctx.azure_subscription}/resourceGroups/{physical}", physical
    if module_kind == "authorization:RoleAssignment":
        physical = inputs.get("roleAssignmentName") or mock_uuid(name)
        return (
            f"{inputs.get('scope', group)}/providers/Microsoft.Authorization/roleAssignments/{physical}",
            physical,
        )
    if module_kind == "consumption:Budget":
        physical = inputs.get("budgetName") or name
        return f"{inputs.get('scope', group)}/providers/Microsoft.Consumption/budgets/{physical}", physical
    if module_kind.startswith("authorization:ManagementLock"):
        target = (
            f"{group}/providers/{inputs.get('resourceProviderNamespace')}/{inputs.get('resourceType')}/"
            f"{inputs.get('resourceName')}"
        )
        physical = inputs.get("lockName") or name
        return f"{target}/providers/Microsoft.Authorization/locks/{physical}", physical
    template, own = _ARM.get(module_kind, ("", ""))
    if not template:
        module, kind = module_kind.split(":")
        physical = inputs.get("resourceName") or name
        return f"{group}/providers/Microsoft.{module}/{kind}/{physical}", physical
    physical = inputs.get(own) or f"{name}{short_hash(name, length=6)}"
    values = {
        k: inputs.get(k) or physical
        for k in (
            "resourceName",
            "vaultName",
            "accountName",
            "privateZoneName",
            "privateEndpointName",
            "networkWatcherName",
        )
    }
    values[own] = physical
    path = template.format_map(
        {**values, **{k: v for k, v in inputs.items() if isinstance(v, str)}, own: physical}
    )
    return f"{group}/providers/{path}", physical


@outputs_for_prefix("azure-native:")
def generic(name: str, inputs: dict[str, Any], ctx: MockContext, meta: dict[str, Any]) -> dict[str, Any]:
    token = meta["type"]
    rid, physical = _arm_id(token, name, inputs, ctx)
    out: dict[str, Any] = {"__id__": rid, "id": rid, "name": physical}
    identity = inputs.get("identity")
    if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
        # Azure answers the identities a resource was given as a map: id -> principal and client ids.
        out["identity"] = {
            **identity,
            "userAssignedIdentities": {
                i: {"principalId": mock_uuid("principal", i), "clientId": mock_uuid("client", i)}
                for i in identity["userAssignedIdentities"]
                if isinstance(i, str)
            },
        }
    kind = token.split(":", 1)[1]
    extra = _EXTRA.get(kind)
    if extra is not None:
        out.update(extra(physical, rid, inputs, ctx))
    return out


def _identity(physical: str, rid: str, inputs: dict[str, Any], ctx: MockContext) -> dict[str, Any]:
    return {
        "principalId": mock_uuid("principal", rid),
        "clientId": mock_uuid("client", rid),
        "tenantId": TENANT_ID,
    }


def _cluster(physical: str, rid: str, inputs: dict[str, Any], ctx: MockContext) -> dict[str, Any]:
    location = inputs.get("location", "eastus")
    prefix = inputs.get("dnsPrefix", physical)
    private = (inputs.get("apiServerAccessProfile") or {}).get("enablePrivateCluster")
    issuer = f"https://{location}.oic.prod-aks.azure.com/{TENANT_ID}/{mock_uuid('issuer', rid)}/"
    return {
        "fqdn": None if private else f"{prefix}-{short_hash(rid, length=8)}.hcp.{location}.azmk8s.io",
        "privateFQDN": f"{prefix}-{short_hash(rid, length=8)}.privatelink.{location}.azmk8s.io"
        if private
        else None,
        "oidcIssuerProfile": {"enabled": True, "issuerURL": issuer},
        "currentKubernetesVersion": f"{inputs.get('kubernetesVersion', '1.33')}.2",
        "nodeResourceGroup": inputs.get("nodeResourceGroup") or f"MC_{physical}",
        # The application routing add-on reports the identity AKS made for it (webapprouting-<cluster>).
        "ingressProfile": _web_app_routing(rid, inputs),
    }


def _web_app_routing(rid: str, inputs: dict[str, Any]) -> dict[str, Any] | None:
    routing = (inputs.get("ingressProfile") or {}).get("webAppRouting") or {}
    if not routing.get("enabled"):
        return inputs.get("ingressProfile")
    identity = {
        "clientId": mock_uuid("webapprouting-client", rid),
        "objectId": mock_uuid("webapprouting", rid),
        "resourceId": f"{rid}-webapprouting",
    }
    return {"webAppRouting": {**routing, "identity": identity}}


def _key(physical: str, rid: str, inputs: dict[str, Any], ctx: MockContext) -> dict[str, Any]:
    return _key_uris(inputs.get("vaultName", "vault"), physical, rid)


def _key_uris(vault: str, key: str, rid: str) -> dict[str, str]:
    """A key's URI and the URI of its (first) version, the same for the resource and for Keys - Get."""
    uri = f"https://{vault}.vault.azure.net/keys/{key}"
    return {"keyUri": uri, "keyUriWithVersion": f"{uri}/{short_hash(rid, length=32)}"}


def _vault(physical: str, rid: str, inputs: dict[str, Any], ctx: MockContext) -> dict[str, Any]:
    return {
        "properties": {**(inputs.get("properties") or {}), "vaultUri": f"https://{physical}.vault.azure.net/"}
    }


def _storage(physical: str, rid: str, inputs: dict[str, Any], ctx: MockContext) -> dict[str, Any]:
    return {"primaryEndpoints": {"blob": f"https://{physical}.blob.core.windows.net/"}}


_EXTRA = {
    "managedidentity:UserAssignedIdentity": _identity,
    "containerservice:ManagedCluster": _cluster,
    "keyvault:Key": _key,
    "keyvault:Vault": _vault,
    "storage:StorageAccount": _storage,
    "containerregistry:Registry": lambda p, rid, i, c: {"loginServer": f"{p}.azurecr.io"},
    "operationalinsights:Workspace": lambda p, rid, i, c: {"customerId": mock_uuid("workspace", rid)},
    "network:PublicIPAddress": lambda p, rid, i, c: {"ipAddress": "20.0.0.10"},
}


@outputs_for("pulumi:providers:azure-native")
def provider(name: str, inputs: dict[str, Any], ctx: MockContext, meta: dict[str, Any]) -> dict[str, Any]:
    return {}


@invoke("azure-native:authorization:getClientConfig")
def client_config(args: dict[str, Any], ctx: MockContext) -> dict[str, Any]:
    return {
        "clientId": mock_uuid("deployer-client"),
        "objectId": DEPLOYER_OBJECT_ID,
        "subscriptionId": ctx.azure_subscription,
        "tenantId": TENANT_ID,
    }


@invoke("azure-native:resources:getResourceGroup")
def resource_group(args: dict[str, Any], ctx: MockContext) -> dict[str, Any]:
    name = args.get("resourceGroupName", "rg")
    return {
        "id": f"/subscriptions/{ctx.azure_subscription}/resourceGroups/{name}",
        "name": name,
        "location": "eastus",
        "type": "Microsoft.Resources/resourceGroups",
        "properties": {"provisioningState": "Succeeded"},
    }


@invoke("azure-native:keyvault:getKey")
def key(args: dict[str, Any], ctx: MockContext) -> dict[str, Any]:
    """Keys - Get answers the key's current version: in a plan, the version the key was created with."""
    vault, name = args.get("vaultName", "vault"), args.get("keyName", "key")
    rid = (
        f"/subscriptions/{ctx.azure_subscription}/resourceGroups/{args.get('resourceGroupName', 'rg')}"
        f"/providers/Microsoft.KeyVault/vaults/{vault}/keys/{name}"
    )
    return {"id": rid, "name": name, "type": "Microsoft.KeyVault/vaults/keys", **_key_uris(vault, name, rid)}


@invoke("azure-native:containerservice:listManagedClusterUserCredentials")
def user_credentials(args: dict[str, Any], ctx: MockContext) -> dict[str, Any]:
    """What AKS answers for an Entra ID cluster: a kubeconfig (YAML, base64) whose user runs kubelogin."""
    cluster = args.get("resourceName", "aks")
    server = f"https://{cluster}-{short_hash(cluster, length=8)}.hcp.eastus.azmk8s.io:443"
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": cluster,
        "clusters": [{"name": cluster, "cluster": {"server": server, "certificate-authority-data": FAKE_CA}}],
        "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": f"clusterUser_{cluster}"}}],
        "users": [
            {
                "name": f"clusterUser_{cluster}",
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1beta1",
                        "command": "kubelogin",
                        "args": ["get-token", "--login", "devicecode"],
                    }
                },
            }
        ],
    }
    value = base64.b64encode(json.dumps(config).encode()).decode()
    return {"kubeconfigs": [{"name": "clusterUser", "value": value}]}
