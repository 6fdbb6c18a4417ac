"""The Azure platform as planned from the shipped stacks: each property the AKS design relies on, pinned on
the recorded resources (inputs, dependencies, options), and invariants over the whole plan."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from lepton_infra.azure.planning import ROLE, SPOT_TAINT, SYSTEM_POOL_TAINT
from lepton_infra.plan.mocks.rules.azure import DEPLOYER_OBJECT_ID
from lepton_infra.plan.record import PlannedGraph, RecordedResource

AZ = "azure-native"
CLUSTER = f"{AZ}:containerservice:ManagedCluster"
AGENT_POOL = f"{AZ}:containerservice:AgentPool"
ROLE_ASSIGNMENT = f"{AZ}:authorization:RoleAssignment"
IDENTITY = f"{AZ}:managedidentity:UserAssignedIdentity"
ROLE_NAMES = {guid: name for name, guid in ROLE.items()}

# What each role may be scoped to: the type of the one resource whose id is the scope.
ROLE_SCOPES = {
    "Key Vault Crypto Service Encryption User": f"{AZ}:keyvault:Key",
    "Key Vault Crypto User": f"{AZ}:keyvault:Key",
    "Network Contributor": f"{AZ}:network:VirtualNetwork",  # a subnet of it (checked below)
    "Managed Identity Operator": IDENTITY,
    "Reader": f"{AZ}:compute:DiskEncryptionSet",
    "Storage Blob Data Reader": f"{AZ}:storage:StorageAccount",  # a container of it, with a condition
    "Storage Blob Data Contributor": f"{AZ}:storage:StorageAccount",
    "AcrPull": f"{AZ}:containerregistry:Registry",
    "Azure Kubernetes Service RBAC Cluster Admin": CLUSTER,
    "Azure Kubernetes Service Cluster User Role": CLUSTER,
}


def _role(r: RecordedResource) -> str:
    return ROLE_NAMES[str(r.inputs["roleDefinitionId"]).rsplit("/", 1)[1]]


def _types(graph: PlannedGraph, urns: list[str]) -> set[str]:
    return {graph.by_urn(u).type for u in urns}


# --- identity and access ---------------------------------------------------------------------------


def test_every_role_assignment_is_scoped_to_the_one_resource_it_needs(graph: PlannedGraph) -> None:
    assignments = graph.of_type(ROLE_ASSIGNMENT)
    assert assignments
    for ra in assignments:
        role = _role(ra)
        scope = str(ra.inputs["scope"])
        assert _types(graph, ra.property_dependencies.get("scope", [])) == {ROLE_SCOPES[role]}, (
            ra.name,
            role,
        )
        assert "/providers/" in scope, (ra.name, scope)  # never a subscription or a resource group
        if role == "Network Contributor":
            assert scope.rsplit("/", 2)[1:] in (["subnets", "nodes"], ["subnets", "apiserver"])
        if role == "Storage Blob Data Reader":
            assert scope.endswith("/blobServices/default/containers/models")
            assert ra.inputs["conditionVersion"] == "2.0" and "StringStartsWith" in ra.inputs["condition"]


def test_principals_exist_before_their_role_assignments(graph: PlannedGraph) -> None:
    """Each grant to a managed identity waits for that identity and says it is a service principal (no
    directory lookup while Entra ID still replicates it); the deployer's grant names the stack's
    `azure.deployer_principal_type` (a user on dev, prod's runner a service principal), and the
    kubeconfig grants name the Entra groups of the spec."""
    deployer_type = {"azure-dev": "User", "azure-prod": "ServicePrincipal"}[graph.stack]
    for ra in graph.of_type(ROLE_ASSIGNMENT):
        principals = ra.property_dependencies.get("principalId", [])
        if ra.inputs["principalId"] == DEPLOYER_OBJECT_ID:
            assert principals == [] and ra.inputs["principalType"] == deployer_type
            continue
        if _role(ra) == "Azure Kubernetes Service Cluster User Role":
            assert principals == [] and ra.inputs["principalType"] == "Group"
            continue
        assert _types(graph, principals) == {IDENTITY}, ra.name
        assert ra.inputs["principalType"] == "ServicePrincipal"


def test_the_cluster_waits_for_every_grant_its_identity_needs(graph: PlannedGraph) -> None:
    cluster = graph.one(CLUSTER)
    identity_urn = cluster.property_dependencies["identity"][0]
    grants = {
        _role(r)
        for r in graph.of_type(ROLE_ASSIGNMENT)
        if identity_urn in r.property_dependencies.get("principalId", [])
    }
    assert grants == {"Key Vault Crypto User", "Network Contributor", "Managed Identity Operator", "Reader"}
    own = [
        r.urn
        for r in graph.of_type(ROLE_ASSIGNMENT)
        if identity_urn in r.property_dependencies.get("principalId", [])
    ]
    # Not only created: propagated (a bounded wait after them, core/propagation.py) before the cluster.
    settle = [
        graph.by_urn(u) for u in cluster.dependencies if graph.by_urn(u).type == "time:index/sleep:Sleep"
    ]
    assert len(settle) == 1 and set(own) <= set(settle[0].dependencies)
    # The Disk Encryption Set can use the key before the cluster (and its disks) need it.
    des = graph.one(f"{AZ}:compute:DiskEncryptionSet")
    assert des.urn in cluster.dependencies
    assert any(
        _role(graph.by_urn(u)) == "Key Vault Crypto Service Encryption User"
        for u in graph.waits_for(des)
        if graph.by_urn(u).type == ROLE_ASSIGNMENT
    )


def test_no_subscription_wide_owner_or_contributor(graph: PlannedGraph) -> None:
    roles = {_role(r) for r in graph.of_type(ROLE_ASSIGNMENT)}
    assert not roles & {"Owner", "Contributor"} and roles <= set(ROLE_SCOPES)


def test_tenants_get_a_federated_identity_reading_only_their_prefix(graph: PlannedGraph) -> None:
    cluster = graph.one(CLUSTER)
    for tenant in graph.of_type("lepton:k8s:Tenant"):
        ns = tenant.name.rsplit("tenant-", 1)[1]
        fic = next(
            r
            for r in graph.descendants(tenant.urn)
            if r.type == f"{AZ}:managedidentity:FederatedIdentityCredential"
        )
        assert fic.inputs["audiences"] == ["api://AzureADTokenExchange"]
        assert fic.inputs["subject"] == f"system:serviceaccount:{ns}:workload"
        assert cluster.urn in fic.property_dependencies["issuer"]
        assert (
            fic.inputs["issuer"].startswith("https://") and ".oic.prod-aks.azure.com/" in fic.inputs["issuer"]
        )
        read = next(r for r in graph.descendants(tenant.urn) if r.type == ROLE_ASSIGNMENT)
        assert read.inputs["condition"].count(f"StringStartsWith 'tenants/{ns}/'") == 2  # reads and lists
        sa = next(r for r in graph.descendants(tenant.urn) if r.type == "kubernetes:core/v1:ServiceAccount")
        assert set(sa.get("metadata.annotations", {})) == {"azure.workload.identity/client-id"}


def test_workload_pods_carry_the_workload_identity_label(graph: PlannedGraph) -> None:
    for deployment in graph.of_type("kubernetes:apps/v1:Deployment"):
        if "-svc-" in deployment.name:
            assert (
                deployment.get("spec.template.metadata.labels", {}).get("azure.workload.identity/use")
                == "true"
            )


# --- network ---------------------------------------------------------------------------------------


def test_vnet_subnets_nsgs_and_nat(graph: PlannedGraph) -> None:
    vnet = graph.one(f"{AZ}:network:VirtualNetwork")
    subnets = {s["name"]: s for s in vnet.inputs["subnets"]}
    # A private API server (prod) adds the deploy runner's subnet.
    runner = {"azure-dev": set(), "azure-prod": {"runner"}}[graph.stack]
    assert set(subnets) == {"nodes", "endpoints", "apiserver"} | runner
    assert [d["serviceName"] for d in subnets["apiserver"]["delegations"]] == [
        "Microsoft.ContainerService/managedClusters"
    ]
    assert subnets["apiserver"]["addressPrefix"].endswith("/28")
    assert "natGateway" in subnets["nodes"] and all(
        s["defaultOutboundAccess"] is False for s in subnets.values()
    )
    for nsg in graph.of_type(f"{AZ}:network:NetworkSecurityGroup"):
        rules = nsg.inputs["securityRules"]
        assert any(
            r["direction"] == "Inbound" and r["access"] == "Deny" and r["sourceAddressPrefix"] == "Internet"
            for r in rules
        )
        assert not any(r["access"] == "Allow" for r in rules)
    network = graph.one(CLUSTER).inputs["networkProfile"]
    assert network["outboundType"] == "userAssignedNATGateway"
    assert (network["networkPlugin"], network["networkPluginMode"]) == ("azure", "overlay")
    assert network["networkDataplane"] == network["networkPolicy"] == "cilium"


def test_network_policies_are_rendered_because_cilium_enforces_them(graph: PlannedGraph) -> None:
    policies = graph.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy")
    assert any(p.name.endswith("default-deny-all") for p in policies)
    identity = [p for p in policies if p.name.endswith("allow-identity-egress")]
    assert identity and all(
        p.get("spec.egress.0.ports") == [{"protocol": "TCP", "port": 443}] for p in identity
    )


def test_vnet_flow_logs_go_to_cmk_storage_and_the_workspace(graph: PlannedGraph) -> None:
    log = graph.one(f"{AZ}:network:FlowLog")
    assert log.inputs["resourceGroupName"] == "NetworkWatcherRG"
    assert log.inputs["networkWatcherName"] == "NetworkWatcher_eastus"
    assert _types(graph, log.property_dependencies["targetResourceId"]) == {f"{AZ}:network:VirtualNetwork"}
    account = graph.by_urn(log.property_dependencies["storageId"][0])
    assert account.get("encryption.keySource") == "Microsoft.Keyvault"
    assert log.get("flowAnalyticsConfiguration.networkWatcherFlowAnalyticsConfiguration.enabled") is True
    assert log.get("retentionPolicy.days") == 90


# --- keys ------------------------------------------------------------------------------------------


def test_key_vault_and_rotating_key(graph: PlannedGraph) -> None:
    vault = graph.one(f"{AZ}:keyvault:Vault")
    props = vault.inputs["properties"]
    assert props["enableRbacAuthorization"] is True and props["enablePurgeProtection"] is True
    assert props["enableSoftDelete"] is True and props["softDeleteRetentionInDays"] == 90
    key = graph.one(f"{AZ}:keyvault:Key", "acme-ai-key-key")  # the platform key (etcd has its own)
    assert key.get("properties.kty") == "RSA" and key.get("properties.keySize") == 3072
    assert key.get("properties.rotationPolicy.lifetimeActions.0.action.type") == "rotate"
    des = graph.one(f"{AZ}:compute:DiskEncryptionSet")
    assert des.inputs["identity"]["type"] == "UserAssigned"
    assert des.inputs["rotationToLatestKeyVersionEnabled"] is True


# --- cluster ---------------------------------------------------------------------------------------


def test_cluster_security_profile(graph: PlannedGraph) -> None:
    cluster = graph.one(CLUSTER)
    kms = cluster.get("securityProfile.azureKeyVaultKms")
    assert kms["enabled"] is True and kms["keyVaultNetworkAccess"] == "Public"
    assert kms["keyId"].count("/") == 5  # https://<vault>/keys/<name>/<version>: KMS needs the version
    assert cluster.get("securityProfile.workloadIdentity.enabled") is True
    assert cluster.get("oidcIssuerProfile.enabled") is True
    assert cluster.inputs["disableLocalAccounts"] is True
    assert cluster.get("aadProfile.managed") is True and cluster.get("aadProfile.enableAzureRBAC") is True
    assert _types(graph, cluster.property_dependencies["diskEncryptionSetID"]) == {
        f"{AZ}:compute:DiskEncryptionSet"
    }
    assert cluster.get("identity.type") == "UserAssigned"
    assert set(cluster.get("identityProfile.kubeletidentity")) == {"resourceId", "clientId", "objectId"}
    upgrade = cluster.inputs["autoUpgradeProfile"]
    assert upgrade == {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"}


def test_system_pool_is_inline_tainted_and_ignored(prod: PlannedGraph) -> None:
    """prod: AKS's system pool runs kube-system only (tainted), beside the spec's own system pool."""
    cluster = prod.one(CLUSTER)
    [system] = cluster.inputs["agentPoolProfiles"]
    assert system["mode"] == "System" and system["nodeTaints"] == [SYSTEM_POOL_TAINT]
    assert "nodeLabels" not in system
    assert system["enableEncryptionAtHost"] is True
    assert "agentPoolProfiles" in cluster.ignore_changes
    assert {p.inputs["mode"] for p in prod.of_type(AGENT_POOL)} == {"User"}
    assert "system" in {(p.get("nodeLabels") or {}).get("lepton.ai/pool") for p in prod.of_type(AGENT_POOL)}


def test_dev_has_one_always_on_cpu_pool(plan_stack, platform_dir) -> None:
    """Issue 28: in dev AKS's system pool is the spec's system pool (`azure.system_pool_hosts_platform`):
    untainted, labelled `lepton.ai/pool: system`, the spec's machine and counts; no second CPU pool."""
    dev = plan_stack(platform_dir, "azure-dev")
    [system] = dev.one(CLUSTER).inputs["agentPoolProfiles"]
    assert system["mode"] == "System" and "nodeTaints" not in system
    assert system["nodeLabels"] == {"lepton.ai/pool": "system"}
    assert (system["vmSize"], system["minCount"], system["maxCount"]) == ("Standard_D4s_v5", 1, 3)
    assert [(p.get("nodeLabels") or {}).get("lepton.ai/pool") for p in dev.of_type(AGENT_POOL)] == ["t4spot"]


def test_prod_is_private_standard_and_protected(prod: PlannedGraph) -> None:
    cluster = prod.one(CLUSTER)
    api = cluster.inputs["apiServerAccessProfile"]
    assert api["enablePrivateCluster"] is True and api["enableVnetIntegration"] is True
    assert "authorizedIPRanges" not in api
    assert cluster.get("sku.tier") == "Standard"
    assert cluster.get("aadProfile.adminGroupObjectIDs") == ["6a1c9e3b-2f4d-4e8a-b7c5-0d9e8f7a6b5c"]
    for token in (CLUSTER, f"{AZ}:keyvault:Vault", f"{AZ}:keyvault:Key", f"{AZ}:containerregistry:Registry"):
        assert all(r.protect for r in prod.of_type(token)), token
    assert all(r.protect for r in prod.of_type(f"{AZ}:storage:StorageAccount"))
    locks = prod.of_type(f"{AZ}:authorization:ManagementLockAtResourceLevel")
    assert sorted(lock.inputs["resourceType"] for lock in locks) == [
        "registries",
        "storageAccounts",
        "vaults",
    ]
    assert {lock.inputs["level"] for lock in locks} == {"CanNotDelete"}


def test_dev_is_public_only_from_authorized_networks(dev: PlannedGraph) -> None:
    cluster = dev.one(CLUSTER)
    api = cluster.inputs["apiServerAccessProfile"]
    assert api["enablePrivateCluster"] is False and api["authorizedIPRanges"] == ["203.0.113.0/24"]
    assert cluster.get("sku.tier") == "Free"
    assert not any(r.protect for r in dev.managed)
    assert dev.of_type(f"{AZ}:authorization:ManagementLockAtResourceLevel") == []


def test_volumes_use_the_disk_encryption_set(graph: PlannedGraph) -> None:
    storage_class = graph.one("kubernetes:storage.k8s.io/v1:StorageClass")
    assert storage_class.inputs["provisioner"] == "disk.csi.azure.com"
    des = graph.one(f"{AZ}:compute:DiskEncryptionSet")
    assert des.urn in storage_class.property_dependencies["parameters"]
    assert storage_class.get("parameters.networkAccessPolicy") == "DenyAll"
    handle_classes = {r.get("spec.storageClassName") for r in graph.managed if r.get("spec.storageClassName")}
    assert handle_classes <= {storage_class.get("metadata.name")}


def test_kubeconfig_uses_kubelogin_and_no_static_credential(graph: PlannedGraph) -> None:
    provider = graph.one("pulumi:providers:kubernetes")
    assert provider.inputs["kubeconfig"] == "[secret]"
    assert graph.outputs["kubeconfig"] == "[secret]"


# --- node pools ------------------------------------------------------------------------------------


def test_node_pools_from_the_catalog(prod: PlannedGraph) -> None:
    pools = {p.inputs["agentPoolName"]: p for p in prod.of_type(AGENT_POOL)}
    assert {n: p.inputs["vmSize"] for n, p in pools.items()} == {
        "system": "Standard_D4s_v5",
        "h100": "Standard_ND96isr_H100_v5",
        "t4": "Standard_NC4as_T4_v3",
        "t4spot": "Standard_NC4as_T4_v3",
        "a10spot": "Standard_NV36ads_A10_v5",
    }
    for name, pool in pools.items():
        assert pool.inputs["enableEncryptionAtHost"] is True and pool.inputs["osDiskType"] == "Managed"
        assert pool.inputs["enableAutoScaling"] is True and "count" in pool.ignore_changes
        assert pool.inputs["nodeLabels"]["lepton.ai/pool"] == name
    for gpu in ("h100", "t4", "t4spot"):
        assert pools[gpu].inputs["minCount"] == 0
        assert pools[gpu].get("gpuProfile.driver") == "Install"
        assert "nvidia.com/gpu=present:NoSchedule" in pools[gpu].inputs["nodeTaints"]
        assert "availabilityZones" not in pools[gpu].inputs  # GPU sizes are not in every zone
    assert "gpuProfile" not in pools["system"].inputs and "nodeTaints" not in pools["system"].inputs
    assert pools["system"].inputs["availabilityZones"] == ["1", "2", "3"]
    spot = pools["t4spot"].inputs
    assert (spot["scaleSetPriority"], spot["scaleSetEvictionPolicy"], spot["spotMaxPrice"]) == (
        "Spot",
        "Delete",
        -1,
    )
    assert "{}={}:{}".format(*SPOT_TAINT) in spot["nodeTaints"]
    assert "upgradeSettings" not in spot
    assert pools["h100"].inputs["scaleSetPriority"] == "Regular"


def test_gpu_services_and_operator_tolerate_the_aks_spot_taint(graph: PlannedGraph) -> None:
    spot = {"key": SPOT_TAINT[0], "operator": "Equal", "value": SPOT_TAINT[1], "effect": SPOT_TAINT[2]}
    for deployment in graph.of_type("kubernetes:apps/v1:Deployment"):
        if "-svc-" in deployment.name:
            assert spot in deployment.get("spec.template.spec.tolerations")
    operator = next(
        r for r in graph.of_type("kubernetes:helm.sh/v3:Release") if r.name.endswith("gpu-operator")
    )
    values = operator.inputs["values"]
    values = json.loads(values) if isinstance(values, str) else values
    assert spot in values["daemonsets"]["tolerations"]
    # AKS installs the driver and toolkit (gpuProfile.driver Install); the operator brings the device plugin.
    assert (values["driver"]["enabled"], values["toolkit"]["enabled"], values["devicePlugin"]["enabled"]) == (
        False,
        False,
        True,
    )


def test_aks_runs_metrics_server_and_the_autoscaler(graph: PlannedGraph) -> None:
    assert graph.of_type("lepton:k8s:MetricsServer") == []
    assert not [r for r in graph.of_type("kubernetes:helm.sh/v3:Release") if "autoscaler" in r.name]


# --- storage, registry, monitoring -----------------------------------------------------------------


def test_model_storage_is_private_entra_only_and_on_our_key(graph: PlannedGraph) -> None:
    account = graph.one(f"{AZ}:storage:StorageAccount", "acme-ai-artifacts-models")
    i = account.inputs
    assert (i["enableHttpsTrafficOnly"], i["minimumTlsVersion"], i["allowBlobPublicAccess"]) == (
        True,
        "TLS1_2",
        False,
    )
    assert i["allowSharedKeyAccess"] is False and i["publicNetworkAccess"] == "Disabled"
    assert i["encryption"]["requireInfrastructureEncryption"] is True
    assert (
        i["encryption"]["encryptionIdentity"]["encryptionUserAssignedIdentity"]
        in i["identity"]["userAssignedIdentities"]
    )
    blob = graph.one(f"{AZ}:storage:BlobServiceProperties")
    assert blob.inputs["isVersioningEnabled"] is True and blob.get("deleteRetentionPolicy.enabled") is True
    endpoint = graph.one(f"{AZ}:network:PrivateEndpoint")
    assert endpoint.get("privateLinkServiceConnections.0.groupIds") == ["blob"]
    assert graph.one(f"{AZ}:privatedns:PrivateZone", "acme-ai-artifacts-blob-zone").inputs[
        "privateZoneName"
    ] == ("privatelink.blob.core.windows.net")


def test_registry_is_premium_cmk_without_admin_or_anonymous_pull(graph: PlannedGraph) -> None:
    registry = graph.one(f"{AZ}:containerregistry:Registry")
    assert registry.get("sku.name") == "Premium" and registry.get("encryption.status") == "enabled"
    assert registry.inputs["adminUserEnabled"] is False and registry.inputs["anonymousPullEnabled"] is False
    assert registry.get("encryption.keyVaultProperties.keyIdentifier").endswith("/keys/platform")


def test_monitoring_alerts_and_budget(graph: PlannedGraph) -> None:
    workspace = graph.one(f"{AZ}:operationalinsights:Workspace")
    assert workspace.inputs["retentionInDays"] >= 30
    group = graph.one(f"{AZ}:monitor:ActionGroup")
    assert [r["emailAddress"] for r in group.inputs["emailReceivers"]] == ["oncall@acme.dev"]
    assert len(group.inputs["groupShortName"]) <= 12
    audit = graph.one(f"{AZ}:monitor:DiagnosticSetting")
    assert _types(graph, audit.property_dependencies["resourceUri"]) == {CLUSTER}
    assert {log["category"] for log in audit.inputs["logs"]} == {"kube-audit-admin", "guard"}
    budget = graph.one(f"{AZ}:consumption:Budget")
    assert sorted(n["threshold"] for n in budget.inputs["notifications"].values()) == [80, 100, 100]
    assert (
        budget.get("timePeriod.startDate").endswith("-01T00:00:00Z") and "timePeriod" in budget.ignore_changes
    )


def test_every_taggable_resource_is_tagged(graph: PlannedGraph) -> None:
    from lepton_infra.policy.rules.common import AZURE_TAGGABLE

    for r in graph.managed:
        if r.type in AZURE_TAGGABLE:
            assert {"environment", "team", "cost-center", "managed-by"} <= set(r.inputs.get("tags") or {}), (
                r.name
            )


def test_outputs_match_the_other_clouds(graph: PlannedGraph) -> None:
    assert {
        "cluster_name",
        "cluster_endpoint",
        "kubeconfig",
        "model_bucket",
        "registry_url",
        "kms_key_id",
        "region",
        "api_access",
    } <= set(graph.outputs)
    assert graph.outputs["model_bucket"].endswith(".blob.core.windows.net/models")
    assert graph.outputs["registry_url"].endswith(".azurecr.io")


def test_api_access_says_where_pulumi_up_runs(dev: PlannedGraph, prod: PlannedGraph) -> None:
    assert dev.outputs["api_access"].startswith("from 203.0.113.0/24")
    assert prod.outputs["api_access"].startswith("only from inside VNet acme-ai-prod-vnet")
    # Issue 22: a private AKS API does not resolve in peered or VPN networks; never claim it does.
    assert "peered or VPN networks do not resolve it" in prod.outputs["api_access"]
    assert prod.outputs["cluster_endpoint"].endswith(".privatelink.eastus.azmk8s.io")


def test_managed_prometheus_feeds_gpu_and_node_alerts(graph: PlannedGraph) -> None:
    cluster = graph.one(CLUSTER)
    assert cluster.get("azureMonitorProfile.metrics.enabled") is True
    workspace = graph.one(f"{AZ}:monitor:AzureMonitorWorkspace")
    rule = graph.one(f"{AZ}:monitor:DataCollectionRule")
    assert workspace.urn in rule.property_dependencies["destinations"]
    associations = graph.of_type(f"{AZ}:monitor:DataCollectionRuleAssociation")
    assert {a.inputs["associationName"] for a in associations} >= {"configurationAccessEndpoint"}
    assert all(_types(graph, a.property_dependencies["resourceUri"]) == {CLUSTER} for a in associations)
    group = graph.one(f"{AZ}:alertsmanagement:PrometheusRuleGroup")
    assert _types(graph, group.property_dependencies["scopes"]) == {
        CLUSTER,
        f"{AZ}:monitor:AzureMonitorWorkspace",
    }
    rules = {r["alert"]: r for r in group.inputs["rules"]}
    assert set(rules) == {"NodeNotReady", "PodsPending", "GpuPodsPending", "GpusIdle"}
    assert all('resource="nvidia_com_gpu"' in rules[a]["expression"] for a in ("GpuPodsPending", "GpusIdle"))
    action = graph.one(f"{AZ}:monitor:ActionGroup").urn
    assert action in group.property_dependencies["rules"]
    assert set(group.dependencies) >= {a.urn for a in associations}


def test_tenant_admins_are_bound_by_entra_object_id(graph: PlannedGraph) -> None:
    bindings = [
        r
        for r in graph.of_type("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")
        if r.name.endswith("admin-binding")
    ]
    assert bindings
    for binding in bindings:
        subjects = binding.inputs["subjects"]
        assert subjects and all(
            s["kind"] == "Group" and len(s["name"]) == 36 and s["name"].count("-") == 4 for s in subjects
        )


def test_a_tenant_admin_group_name_is_refused_on_azure(
    plan_program: Callable[..., PlannedGraph], platform_dir: Path
) -> None:
    import yaml

    from lepton_infra.core.errors import SpecError
    from lepton_infra.platform import build
    from lepton_infra.spec import PlatformSpec

    raw = yaml.safe_load((platform_dir / "Pulumi.azure-dev.yaml").read_text())["config"]["lepton:platform"]
    raw["tenants"][0]["admins"] = ["research-admins"]
    with pytest.raises(SpecError) as err:
        plan_program(lambda: build(PlatformSpec.from_dict(raw)))
    assert err.value.paths == ["tenants[0].admins[0]"]
