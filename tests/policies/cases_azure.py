"""Azure fixtures (azure-native input names as documented; the SDK is not installed here)."""

from __future__ import annotations

from tests.policies.harness import DELETE, Case, Res

SUB = "/subscriptions/00000000-0000-0000-0000-000000000000"
KEY_ID = "https://acme-ai.vault.azure.net/keys/platform/0123456789abcdef"
DES = f"{SUB}/resourceGroups/acme/providers/Microsoft.Compute/diskEncryptionSets/acme"
TAGS = {"environment": "prod", "team": "ml-platform", "cost-center": "1234"}
SYSTEM_POOL = {
    "name": "system",
    "mode": "System",
    "vmSize": "Standard_D4s_v5",
    "enableAutoScaling": True,
    "minCount": 2,
    "maxCount": 4,
    "enableEncryptionAtHost": True,
}
AKS = {
    "resourceGroupName": "acme",
    "dnsPrefix": "acme-ai",
    "disableLocalAccounts": True,
    "tags": TAGS,
    "securityProfile": {
        "azureKeyVaultKms": {"enabled": True, "keyId": KEY_ID, "keyVaultNetworkAccess": "Public"}
    },
    "apiServerAccessProfile": {"enablePrivateCluster": True},
    "networkProfile": {"networkPlugin": "azure", "networkPolicy": "cilium", "networkDataplane": "cilium"},
    "agentPoolProfiles": [SYSTEM_POOL],
}
GPU_POOL = {
    "resourceGroupName": "acme",
    "resourceName": "acme-ai",
    "vmSize": "Standard_NC4as_T4_v3",
    "enableAutoScaling": True,
    "minCount": 0,
    "maxCount": 8,
    "scaleSetPriority": "Spot",
    "enableEncryptionAtHost": True,
    "nodeTaints": ["nvidia.com/gpu=present:NoSchedule"],
    "tags": TAGS,
}


def cases() -> list[Case]:
    return [
        Case(
            "lepton-azure-aks-kms-etcd",
            [Res("azure-native:containerservice:ManagedCluster", "aks", AKS)],
            {
                "kms_off": ("aks:securityProfile.azureKeyVaultKms.enabled", False),
                "no_security_profile": ("aks:securityProfile", DELETE),
                "no_key": ("aks:securityProfile.azureKeyVaultKms.keyId", DELETE),
            },
        ),
        Case(
            "lepton-azure-aks-node-disk-encryption",
            [
                Res("azure-native:containerservice:ManagedCluster", "aks", AKS),
                Res("azure-native:containerservice:AgentPool", "gpu", GPU_POOL, deps=["aks"]),
            ],
            {
                "inline_pool_unencrypted": ("aks:agentPoolProfiles.0.enableEncryptionAtHost", False),
                "agent_pool_unencrypted": ("gpu:enableEncryptionAtHost", DELETE),
            },
        ),
        Case(
            "lepton-azure-aks-node-disk-encryption",
            [
                Res(
                    "azure-native:containerservice:ManagedCluster",
                    "aks-des",
                    {
                        **AKS,
                        "diskEncryptionSetID": DES,
                        "agentPoolProfiles": [{**SYSTEM_POOL, "enableEncryptionAtHost": False}],
                    },
                ),
                Res(
                    "azure-native:containerservice:AgentPool",
                    "gpu",
                    {**GPU_POOL, "enableEncryptionAtHost": False},
                    deps=["aks-des"],
                ),
            ],
            {
                "no_disk_encryption_set": ("aks-des:diskEncryptionSetID", DELETE),
            },
        ),
        Case(
            "lepton-azure-aks-api-not-public",
            [Res("azure-native:containerservice:ManagedCluster", "aks", AKS)],
            {
                "public_no_ranges": ("aks:apiServerAccessProfile.enablePrivateCluster", False),
                "world_range": ("aks:apiServerAccessProfile", {"authorizedIPRanges": ["0.0.0.0/0"]}),
            },
        ),
        Case(
            "lepton-azure-aks-network-policy",
            [Res("azure-native:containerservice:ManagedCluster", "aks", AKS)],
            {
                "no_policy_engine": ("aks:networkProfile.networkPolicy", DELETE),
                "none": ("aks:networkProfile.networkPolicy", "none"),
            },
        ),
        Case(
            "lepton-azure-aks-local-accounts-disabled",
            [Res("azure-native:containerservice:ManagedCluster", "aks", AKS)],
            {
                "local_accounts_on": ("aks:disableLocalAccounts", False),
                "unset": ("aks:disableLocalAccounts", DELETE),
            },
        ),
        Case(
            "lepton-azure-node-pool-autoscaling",
            [
                Res("azure-native:containerservice:ManagedCluster", "aks", AKS),
                Res("azure-native:containerservice:AgentPool", "gpu", GPU_POOL),
            ],
            {
                "fixed_inline_pool": ("aks:agentPoolProfiles.0.enableAutoScaling", False),
                "no_max": ("gpu:maxCount", DELETE),
                "min_above_max": ("gpu:minCount", 9),
            },
        ),
        Case(
            "lepton-azure-gpu-pool-tainted",
            [Res("azure-native:containerservice:AgentPool", "gpu", GPU_POOL)],
            {
                "no_taint": ("gpu:nodeTaints", DELETE),
                "prefer_only": ("gpu:nodeTaints", ["nvidia.com/gpu=present:PreferNoSchedule"]),
            },
        ),
        Case(
            "lepton-azure-spot-gpu-min-zero",
            [Res("azure-native:containerservice:AgentPool", "gpu", GPU_POOL)],
            {
                "min_one": ("gpu:minCount", 1),
            },
        ),
        Case(
            "lepton-azure-no-world-ingress",
            [
                Res(
                    "azure-native:network:NetworkSecurityGroup",
                    "nsg",
                    {
                        "securityRules": [
                            {
                                "name": "https",
                                "direction": "Inbound",
                                "access": "Allow",
                                "protocol": "Tcp",
                                "priority": 100,
                                "sourceAddressPrefix": "Internet",
                                "destinationPortRange": "443",
                            },
                            {
                                "name": "ssh",
                                "direction": "Inbound",
                                "access": "Allow",
                                "protocol": "Tcp",
                                "priority": 110,
                                "sourceAddressPrefix": "10.0.0.0/8",
                                "destinationPortRange": "22",
                            },
                        ]
                    },
                ),
                Res(
                    "azure-native:network:SecurityRule",
                    "rule",
                    {
                        "direction": "Inbound",
                        "access": "Deny",
                        "protocol": "*",
                        "sourceAddressPrefix": "*",
                        "destinationPortRange": "*",
                        "priority": 4000,
                    },
                ),
            ],
            {
                "ssh_from_world": ("nsg:securityRules.1.sourceAddressPrefix", "*"),
                "https_any_protocol": ("nsg:securityRules.0.protocol", "*"),
                "allow_everything": ("rule:access", "Allow"),
            },
        ),
        Case(
            "lepton-azure-vnet-flow-logs",
            [
                Res(
                    "azure-native:network:VirtualNetwork",
                    "vnet",
                    {"addressSpace": {"addressPrefixes": ["10.40.0.0/16"]}},
                ),
                Res(
                    "azure-native:network:FlowLog",
                    "flow",
                    {"targetResourceId": f"{SUB}/vnet", "enabled": True},
                    deps=["vnet"],
                ),
            ],
            {
                "no_flow_log": ("flow:@drop", None),
                "disabled": ("flow:enabled", False),
            },
        ),
        Case(
            "lepton-azure-no-subscription-owner",
            [
                Res(
                    "azure-native:authorization:RoleAssignment",
                    "ra",
                    {
                        "scope": SUB,
                        "principalId": "p",
                        "roleDefinitionId": (
                            f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/"
                            "acdd72a7-3385-48ef-bd42-f606fba81ae7"
                        ),
                    },
                )
            ],
            {
                "owner": (
                    "ra:roleDefinitionId",
                    f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
                ),
                "contributor": (
                    "ra:roleDefinitionId",
                    f"{SUB}/providers/Microsoft.Authorization/roleDefinitions/"
                    "b24988ac-6180-42a0-ab88-20f7382dd24c",
                ),
            },
        ),
        Case(
            "lepton-azure-key-vault-purge-protection",
            [
                Res(
                    "azure-native:keyvault:Vault",
                    "kv",
                    {
                        "properties": {
                            "tenantId": "t",
                            "enablePurgeProtection": True,
                            "enableSoftDelete": True,
                        }
                    },
                )
            ],
            {
                "no_purge_protection": ("kv:properties.enablePurgeProtection", DELETE),
            },
        ),
        Case(
            "lepton-azure-key-rotation",
            [
                Res(
                    "azure-native:keyvault:Key",
                    "key",
                    {
                        "properties": {
                            "kty": "RSA",
                            "rotationPolicy": {
                                "lifetimeActions": [
                                    {"action": {"type": "Rotate"}, "trigger": {"timeAfterCreate": "P90D"}}
                                ]
                            },
                        }
                    },
                )
            ],
            {
                "notify_only": ("key:properties.rotationPolicy.lifetimeActions.0.action.type", "Notify"),
                "no_policy": ("key:properties.rotationPolicy", DELETE),
            },
        ),
        Case(
            "lepton-azure-storage-cmk",
            [
                Res(
                    "azure-native:storage:StorageAccount",
                    "sa",
                    {
                        "allowBlobPublicAccess": False,
                        "encryption": {
                            "keySource": "Microsoft.Keyvault",
                            "keyVaultProperties": {
                                "keyName": "platform",
                                "keyVaultUri": "https://acme-ai.vault.azure.net",
                            },
                        },
                    },
                )
            ],
            {
                "microsoft_managed": ("sa:encryption.keySource", "Microsoft.Storage"),
                "no_key_name": ("sa:encryption.keyVaultProperties.keyName", DELETE),
            },
        ),
        Case(
            "lepton-azure-storage-no-public-access",
            [Res("azure-native:storage:StorageAccount", "sa", {"allowBlobPublicAccess": False})],
            {
                "public_allowed": ("sa:allowBlobPublicAccess", True),
                "default": ("sa:allowBlobPublicAccess", DELETE),
            },
        ),
        Case(
            "lepton-azure-acr-cmk",
            [
                Res(
                    "azure-native:containerregistry:Registry",
                    "acr",
                    {
                        "sku": {"name": "Premium"},
                        "encryption": {"status": "enabled", "keyVaultProperties": {"keyIdentifier": KEY_ID}},
                    },
                )
            ],
            {
                "disabled": ("acr:encryption.status", "disabled"),
                "no_key": ("acr:encryption.keyVaultProperties", DELETE),
            },
        ),
        Case(
            "lepton-azure-acr-no-admin-user",
            [
                Res(
                    "azure-native:containerregistry:Registry",
                    "acr",
                    {"sku": {"name": "Premium"}, "adminUserEnabled": False},
                )
            ],
            {
                "admin_on": ("acr:adminUserEnabled", True),
            },
        ),
        Case(
            "lepton-azure-required-tags",
            [Res("azure-native:keyvault:Vault", "kv", {"tags": TAGS})],
            {
                "no_tags": ("kv:tags", DELETE),
                "no_cost_center": ("kv:tags", {"environment": "prod", "owner": "ml"}),
            },
        ),
    ]
