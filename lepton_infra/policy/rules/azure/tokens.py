"""The Azure type tokens the rules read (pulumi-azure-native v3), and the clouds an Azure rule names."""

from __future__ import annotations

AZURE = ("azure",)
MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster"
AGENT_POOL = "azure-native:containerservice:AgentPool"
NSG = "azure-native:network:NetworkSecurityGroup"
SECURITY_RULE = "azure-native:network:SecurityRule"
VNET = "azure-native:network:VirtualNetwork"
FLOW_LOG = "azure-native:network:FlowLog"
ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment"
VAULT = "azure-native:keyvault:Vault"
KEY = "azure-native:keyvault:Key"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
REGISTRY = "azure-native:containerregistry:Registry"
WORKSPACE = "azure-native:operationalinsights:Workspace"
AZURE_PUBLIC_RECORD = "azure-native:dns:RecordSet"
