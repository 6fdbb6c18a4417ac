"""The GCP platform under mocks: each security and scaling property pinned on the recorded inputs.

One prod and one dev program are planned once per module, with default providers disabled, and a
Kubernetes-layer stand-in asks the cluster handle for a Workload Identity."""

from __future__ import annotations

import json
from typing import Any

import pulumi
import pytest

from lepton_infra.core.cluster_handle import ClusterHandle
from lepton_infra.core.identity import BoundIdentity
from lepton_infra.gcp.node_pool import NodePool
from lepton_infra.gcp.platform import Platform
from lepton_infra.plan.engine import plan_program
from lepton_infra.plan.record import PlannedGraph, RecordedResource
from lepton_infra.spec import PlatformSpec
from tests.gcp._specs import PROJECT_NUMBER, dev_spec, prod_spec

CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"
KEY_MEMBER = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
NO_DEFAULT_PROVIDERS = {"pulumi:disable-default-providers": ["*"]}


class Planned:
    def __init__(self, graph: PlannedGraph, handle: ClusterHandle, bound: BoundIdentity) -> None:
        self.graph = graph
        self.handle = handle
        self.bound = bound

    @property
    def outputs(self) -> dict[str, Any]:
        return self.graph.one("lepton:gcp:Platform").outputs

    @property
    def key_id(self) -> str:
        return self.outputs["kms_key_id"]

    def pools(self) -> dict[str, RecordedResource]:
        return {r.inputs["name"]: r for r in self.graph.of_type(NODE_POOL)}


def _plan(raw: dict[str, Any]) -> Planned:
    spec = PlatformSpec.from_dict(raw)
    captured: dict[str, Any] = {}

    def program() -> None:
        platform = Platform(spec.name, spec)
        handle = platform.cluster_handle
        # What the Kubernetes layer does: a tenant component carrying only the Kubernetes provider.
        tenant = pulumi.ComponentResource(
            "test:k8s:Tenant", "research", None, pulumi.ResourceOptions(providers=[handle.provider])
        )
        captured["bound"] = handle.bind_identity(
            "research-reader", "research", "model-reader", "research/", pulumi.ResourceOptions(parent=tenant)
        )
        captured["handle"] = handle

    graph = plan_program(program, NO_DEFAULT_PROVIDERS, project="lepton-gcp-test", stack=spec.environment)
    return Planned(graph, captured["handle"], captured["bound"])


@pytest.fixture(scope="module")
def prod() -> Planned:
    return _plan(prod_spec())


@pytest.fixture(scope="module")
def dev() -> Planned:
    return _plan(dev_spec())


# --- providers --------------------------------------------------------------------------------------


def test_every_resource_uses_an_explicit_provider(prod: Planned) -> None:
    # The engine fails any custom resource without one when default providers are disabled; the
    # recording monitor does too, so reaching here already proves it. Pin which provider each uses.
    gcp_provider = next(
        p for p in prod.graph.of_type("pulumi:providers:gcp") if not p.name.endswith("-bootstrap")
    ).urn
    k8s_provider = prod.graph.one("pulumi:providers:kubernetes").urn
    # The bootstrap APIs have a provider of their own (no user-project override), the waits a `time` one.
    bootstrap = prod.graph.one("pulumi:providers:gcp", "acme-ai-services-bootstrap").urn
    bootstrap_apis = {"serviceusage.googleapis.com", "cloudresourcemanager.googleapis.com"}
    for r in prod.graph.managed:
        if not r.custom or r.is_provider or r.package == "time":
            continue
        if r.type == "gcp:projects/service:Service" and r.inputs["service"] in bootstrap_apis:
            assert r.provider == bootstrap, r.urn
            continue
        assert r.provider == (gcp_provider if r.package == "gcp" else k8s_provider), r.urn


def test_provider_carries_project_region_and_labels(prod: Planned) -> None:
    provider = next(
        p for p in prod.graph.of_type("pulumi:providers:gcp") if not p.name.endswith("-bootstrap")
    )
    assert provider.inputs["project"] == "acme-ai-prod"
    assert provider.inputs["region"] == "us-central1"
    labels = json.loads(provider.inputs["defaultLabels"])  # provider inputs arrive JSON-encoded
    assert {
        "environment": "prod",
        "platform": "acme-ai",
        "team": "ml-platform",
        "cost-center": "1234",
        "managed-by": "lepton-infra",
    }.items() <= labels.items()


# --- project services -------------------------------------------------------------------------------


def test_only_the_needed_services_are_enabled_and_never_disabled(prod: Planned) -> None:
    services = prod.graph.of_type("gcp:projects/service:Service")
    assert {s.inputs["service"] for s in services} == {
        "serviceusage.googleapis.com",
        "cloudresourcemanager.googleapis.com",
        "compute.googleapis.com",
        "container.googleapis.com",
        "cloudkms.googleapis.com",
        "iam.googleapis.com",
        "logging.googleapis.com",
        "monitoring.googleapis.com",
        "artifactregistry.googleapis.com",
        "storage.googleapis.com",
        "billingbudgets.googleapis.com",
        "binaryauthorization.googleapis.com",
    }
    assert all(s.inputs["disableOnDestroy"] is False for s in services)


def test_dev_without_budget_does_not_enable_the_budget_api(dev: Planned) -> None:
    services = {s.inputs["service"] for s in dev.graph.of_type("gcp:projects/service:Service")}
    assert "billingbudgets.googleapis.com" not in services


def test_resources_wait_for_the_services(prod: Planned) -> None:
    service_urns = {s.urn for s in prod.graph.of_type("gcp:projects/service:Service")}
    for type_ in (
        "gcp:compute/network:Network",
        CLUSTER,
        "gcp:kms/keyRing:KeyRing",
        "gcp:storage/bucket:Bucket",
    ):
        for r in prod.graph.of_type(type_):
            assert service_urns <= set(r.dependencies), r.urn


# --- network ----------------------------------------------------------------------------------------


def test_subnet_ranges_private_google_access_and_flow_logs(prod: Planned) -> None:
    subnet = prod.graph.one("gcp:compute/subnetwork:Subnetwork")
    assert subnet.inputs["ipCidrRange"] == "10.40.128.0/18"
    assert {r["rangeName"]: r["ipCidrRange"] for r in subnet.inputs["secondaryIpRanges"]} == {
        "pods": "10.40.0.0/17",
        "services": "10.40.192.0/19",
    }
    assert subnet.inputs["privateIpGoogleAccess"] is True
    assert subnet.get("logConfig.metadata") == "INCLUDE_ALL_METADATA"
    assert prod.graph.one("gcp:compute/network:Network").inputs["autoCreateSubnetworks"] is False


def test_cloud_nat_serves_the_node_subnet(prod: Planned) -> None:
    nat = prod.graph.one("gcp:compute/routerNat:RouterNat")
    subnet = prod.graph.one("gcp:compute/subnetwork:Subnetwork")
    assert nat.inputs["sourceSubnetworkIpRangesToNat"] == "LIST_OF_SUBNETWORKS"
    assert nat.get("subnetworks.0.name", "").endswith(subnet.inputs["name"])


def test_no_firewall_rule_is_open_to_the_internet(prod: Planned) -> None:
    rules = prod.graph.of_type("gcp:compute/firewall:Firewall")
    assert rules
    for rule in rules:
        assert "0.0.0.0/0" not in rule.inputs["sourceRanges"], rule.name


def test_control_plane_reaches_node_webhooks(prod: Planned) -> None:
    rule = prod.graph.one("gcp:compute/firewall:Firewall", "acme-ai-network-allow-webhooks")
    assert rule.inputs["sourceRanges"] == ["10.40.224.0/28"]
    assert {"8443", "9443"} <= set(rule.get("allows.0.ports"))
    cluster = prod.graph.one(CLUSTER)
    assert cluster.get("privateClusterConfig.masterIpv4CidrBlock") == "10.40.224.0/28"


# --- encryption -------------------------------------------------------------------------------------


def test_key_rotates_within_90_days(prod: Planned) -> None:
    key = prod.graph.one("gcp:kms/cryptoKey:CryptoKey")
    assert int(key.inputs["rotationPeriod"].rstrip("s")) <= 90 * 86400
    assert key.inputs["purpose"] == "ENCRYPT_DECRYPT"


def test_key_is_usable_by_exactly_the_service_agents(prod: Planned) -> None:
    members = prod.graph.of_type(KEY_MEMBER)
    assert {m.inputs["role"] for m in members} == {"roles/cloudkms.cryptoKeyEncrypterDecrypter"}
    n = PROJECT_NUMBER
    assert {m.inputs["member"] for m in members} == {
        f"serviceAccount:service-{n}@container-engine-robot.iam.gserviceaccount.com",
        f"serviceAccount:service-{n}@compute-system.iam.gserviceaccount.com",
        f"serviceAccount:service-{n}@gs-project-accounts.iam.gserviceaccount.com",
        f"serviceAccount:service-{n}@gcp-sa-artifactregistry.iam.gserviceaccount.com",
    }


def test_cluster_secrets_are_encrypted_with_the_platform_key(prod: Planned) -> None:
    cluster = prod.graph.one(CLUSTER)
    assert cluster.get("databaseEncryption.state") == "ENCRYPTED"
    assert cluster.get("databaseEncryption.keyName") == prod.key_id
    assert prod.key_id.endswith("/cryptoKeys/acme-ai-prod-key")


def test_prod_cluster_has_intranode_visibility_and_its_own_labels(prod: Planned, dev: Planned) -> None:
    """CKV_GCP_61 and CKV_GCP_21 (docs/security.md): same-node pod traffic reaches flow logs in prod, and
    the cluster carries the platform labels in `resourceLabels`, where scanners look."""
    cluster = prod.graph.one(CLUSTER)
    assert cluster.get("enableIntranodeVisibility") is True
    labels = cluster.get("resourceLabels")
    assert labels["environment"] == "prod" and labels["cost-center"] and labels["team"]
    assert dev.graph.one(CLUSTER).get("enableIntranodeVisibility") is False


def test_encrypted_resources_wait_for_the_key_grants(prod: Planned) -> None:
    grants = {m.urn for m in prod.graph.of_type(KEY_MEMBER)}
    for r in [
        prod.graph.one(CLUSTER),
        *prod.graph.of_type(NODE_POOL),
        prod.graph.one("gcp:storage/bucket:Bucket"),
        prod.graph.one("gcp:artifactregistry/repository:Repository"),
    ]:
        assert grants <= set(r.dependencies), r.urn


def test_boot_disks_are_encrypted_with_the_platform_key(prod: Planned) -> None:
    assert prod.graph.one(CLUSTER).get("nodeConfig.bootDiskKmsKey") == prod.key_id
    for name, pool in prod.pools().items():
        assert pool.get("nodeConfig.bootDiskKmsKey") == prod.key_id, name


def test_bucket_and_registry_use_the_platform_key(prod: Planned) -> None:
    assert prod.graph.one("gcp:storage/bucket:Bucket").get("encryption.defaultKmsKeyName") == prod.key_id
    assert prod.graph.one("gcp:artifactregistry/repository:Repository").inputs["kmsKeyName"] == prod.key_id


def test_registry_tags_are_immutable_and_scanning_stays_on(prod: Planned) -> None:
    registry = prod.graph.one("gcp:artifactregistry/repository:Repository")
    assert registry.get("dockerConfig.immutableTags") is True
    assert registry.get("vulnerabilityScanningConfig.enablementConfig") == "INHERITED"


def test_persistent_volumes_use_the_platform_key(prod: Planned) -> None:
    sc = prod.graph.one("kubernetes:storage.k8s.io/v1:StorageClass")
    assert sc.get("parameters.disk-encryption-kms-key") == prod.key_id
    assert sc.inputs["provisioner"] == "pd.csi.storage.gke.io"
    assert prod.handle.storage_class == sc.get("metadata.name")


# --- cluster ----------------------------------------------------------------------------------------


def test_nodes_are_always_private(prod: Planned, dev: Planned) -> None:
    for planned in (prod, dev):
        assert planned.graph.one(CLUSTER).get("privateClusterConfig.enablePrivateNodes") is True


def test_prod_endpoint_is_private_dev_is_public_behind_authorized_networks(
    prod: Planned, dev: Planned
) -> None:
    assert prod.graph.one(CLUSTER).get("privateClusterConfig.enablePrivateEndpoint") is True
    assert dev.graph.one(CLUSTER).get("privateClusterConfig.enablePrivateEndpoint") is False


def test_master_authorized_networks_come_from_the_spec(prod: Planned, dev: Planned) -> None:
    for planned, cidrs in ((prod, ["10.99.0.0/16"]), (dev, ["203.0.113.0/24"])):
        man = planned.graph.one(CLUSTER).get("masterAuthorizedNetworksConfig")
        assert [b["cidrBlock"] for b in man["cidrBlocks"]] == cidrs
        assert man["gcpPublicCidrsAccessEnabled"] is False


def test_workload_identity_and_gke_metadata(prod: Planned) -> None:
    cluster = prod.graph.one(CLUSTER)
    assert cluster.get("workloadIdentityConfig.workloadPool") == "acme-ai-prod.svc.id.goog"
    assert cluster.get("nodeConfig.workloadMetadataConfig.mode") == "GKE_METADATA"
    for name, pool in prod.pools().items():
        assert pool.get("nodeConfig.workloadMetadataConfig.mode") == "GKE_METADATA", name


def test_shielded_nodes(prod: Planned) -> None:
    assert prod.graph.one(CLUSTER).inputs["enableShieldedNodes"] is True
    for name, pool in prod.pools().items():
        assert pool.get("nodeConfig.shieldedInstanceConfig") == {
            "enableSecureBoot": True,
            "enableIntegrityMonitoring": True,
        }, name


def test_dataplane_v2_observability_and_no_legacy_auth(prod: Planned) -> None:
    cluster = prod.graph.one(CLUSTER)
    assert cluster.inputs["datapathProvider"] == "ADVANCED_DATAPATH"
    assert cluster.get("monitoringConfig.managedPrometheus.enabled") is True
    assert "DCGM" in cluster.get("monitoringConfig.enableComponents")
    assert set(cluster.get("loggingConfig.enableComponents")) == {"SYSTEM_COMPONENTS", "WORKLOADS"}
    assert cluster.get("masterAuth.clientCertificateConfig.issueClientCertificate") is False
    assert cluster.inputs["enableLegacyAbac"] is False
    assert cluster.inputs["removeDefaultNodePool"] is True
    assert cluster.get("releaseChannel.channel") == "REGULAR"


def test_prod_is_regional_over_three_zones_dev_is_zonal(prod: Planned, dev: Planned) -> None:
    assert prod.graph.one(CLUSTER).inputs["location"] == "us-central1"
    assert len(prod.graph.one(CLUSTER).inputs["nodeLocations"]) == 3
    # Zonal (free control plane), multi-zonal nodes: the cluster lists only the zones beyond its own.
    assert dev.graph.one(CLUSTER).inputs["location"] == "us-central1-a"
    assert dev.graph.one(CLUSTER).inputs["nodeLocations"] == ["us-central1-b"]


STATEFUL = (
    CLUSTER,
    "gcp:kms/keyRing:KeyRing",
    "gcp:kms/cryptoKey:CryptoKey",
    "gcp:storage/bucket:Bucket",
    "gcp:artifactregistry/repository:Repository",
)


def test_prod_protects_stateful_resources(prod: Planned) -> None:
    assert prod.graph.one(CLUSTER).inputs["deletionProtection"] is True
    for type_ in STATEFUL:
        assert prod.graph.one(type_).protect, type_
    assert prod.graph.one("gcp:storage/bucket:Bucket").inputs["forceDestroy"] is False


def test_dev_can_be_torn_down(dev: Planned) -> None:
    assert dev.graph.one(CLUSTER).inputs["deletionProtection"] is False
    for type_ in STATEFUL:
        assert not dev.graph.one(type_).protect, type_


# --- node pools -------------------------------------------------------------------------------------


def test_gpu_pools_get_catalog_accelerators_with_gke_managed_drivers(prod: Planned) -> None:
    pools = prod.pools()
    assert pools["h100"].get("nodeConfig.machineType") == "a3-highgpu-8g"
    assert pools["h100"].get("nodeConfig.guestAccelerators") == [
        {
            "type": "nvidia-h100-80gb",
            "count": 8,
            "gpuDriverInstallationConfig": {"gpuDriverVersion": "DEFAULT"},
        }
    ]
    assert pools["l4-spot"].get("nodeConfig.guestAccelerators.0.type") == "nvidia-l4"
    assert pools["l4-spot"].get("nodeConfig.guestAccelerators.0.count") == 1
    assert pools["system"].get("nodeConfig.guestAccelerators") is None


def test_gpu_pools_are_placed_in_zones_that_offer_their_machine(prod: Planned) -> None:
    pools = prod.pools()
    # The offline machine-type list offers every machine in every UP zone: the first three, sorted.
    assert pools["h100"].inputs["nodeLocations"] == ["us-central1-a", "us-central1-b", "us-central1-c"]
    assert pools["l4-spot"].inputs["nodeLocations"] == ["us-central1-a", "us-central1-b", "us-central1-c"]
    assert "nodeLocations" not in pools["system"].inputs  # CPU pools follow the cluster


def test_autoscaling_bounds_are_totals_from_the_spec(prod: Planned) -> None:
    expected = {"system": (2, 4), "h100": (0, 2), "l4-spot": (0, 16)}
    for name, pool in prod.pools().items():
        autoscaling = pool.inputs["autoscaling"]
        assert (autoscaling["totalMinNodeCount"], autoscaling["totalMaxNodeCount"]) == expected[name], name
        assert "minNodeCount" not in autoscaling and "maxNodeCount" not in autoscaling


def test_gpu_pools_start_empty_and_system_pool_starts_at_min(prod: Planned) -> None:
    pools = prod.pools()
    assert pools["h100"].inputs["initialNodeCount"] == 0
    assert pools["l4-spot"].inputs["initialNodeCount"] == 0
    assert pools["system"].inputs["initialNodeCount"] == 1  # per zone: 3 nodes in [2, 4]
    assert "initialNodeCount" in pools["system"].ignore_changes


def test_spot_taints_and_labels(prod: Planned) -> None:
    pools = prod.pools()
    assert pools["l4-spot"].get("nodeConfig.spot") is True
    assert pools["h100"].get("nodeConfig.spot") is False
    gpu_taint = [{"key": "nvidia.com/gpu", "value": "present", "effect": "NO_SCHEDULE"}]
    assert pools["h100"].get("nodeConfig.taints") == gpu_taint
    assert pools["l4-spot"].get("nodeConfig.taints") == gpu_taint
    assert pools["system"].get("nodeConfig.taints") == []
    assert pools["h100"].get("nodeConfig.labels") == {
        "lepton.ai/pool": "h100",
        "lepton.ai/gpu-type": "h100-80gb",
        "nvidia.com/gpu.present": "true",
    }


def test_pools_auto_repair_and_upgrade(prod: Planned) -> None:
    for name, pool in prod.pools().items():
        assert pool.inputs["management"] == {"autoRepair": True, "autoUpgrade": True}, name


def test_nodes_run_as_the_dedicated_least_privilege_account(prod: Planned) -> None:
    account = prod.graph.one("gcp:serviceaccount/account:Account", "acme-ai-nodes-sa")
    email = f"{account.inputs['accountId']}@acme-ai-prod.iam.gserviceaccount.com"
    for pool in [*prod.pools().values(), prod.graph.one(CLUSTER)]:
        sa = pool.get("nodeConfig.serviceAccount")
        assert sa == email
        assert not sa.endswith("-compute@developer.gserviceaccount.com")
    roles = {
        m.inputs["role"]
        for m in prod.graph.of_type("gcp:projects/iAMMember:IAMMember")
        if m.inputs["member"] == f"serviceAccount:{email}"
    }
    assert roles == {"roles/container.defaultNodeServiceAccount"}  # GKE's least-privilege node role
    reader = prod.graph.one("gcp:artifactregistry/repositoryIamMember:RepositoryIamMember")
    assert (reader.inputs["role"], reader.inputs["member"]) == (
        "roles/artifactregistry.reader",
        f"serviceAccount:{email}",
    )


def test_no_primitive_role_anywhere(prod: Planned) -> None:
    roles = [r.inputs["role"] for r in prod.graph.managed if "role" in r.inputs]
    assert roles
    assert not {"roles/owner", "roles/editor", "roles/viewer"} & set(roles)


# --- artifacts --------------------------------------------------------------------------------------


def test_model_bucket_is_private_versioned_and_expires_old_versions(prod: Planned) -> None:
    bucket = prod.graph.one("gcp:storage/bucket:Bucket")
    assert bucket.inputs["uniformBucketLevelAccess"] is True
    assert bucket.inputs["publicAccessPrevention"] == "enforced"
    assert bucket.get("versioning.enabled") is True
    conditions = [
        rule["condition"] for rule in bucket.inputs["lifecycleRules"] if rule["action"]["type"] == "Delete"
    ]
    assert {"daysSinceNoncurrentTime": 30, "withState": "ARCHIVED"} in conditions
    assert prod.outputs["model_bucket"] == bucket.inputs["name"]


def test_registry_is_docker_and_cleans_untagged_images(prod: Planned) -> None:
    repo = prod.graph.one("gcp:artifactregistry/repository:Repository")
    assert repo.inputs["format"] == "DOCKER"
    assert repo.get("cleanupPolicies.0.condition.tagState") == "UNTAGGED"
    assert (
        prod.outputs["registry_url"]
        == f"us-central1-docker.pkg.dev/acme-ai-prod/{repo.inputs['repositoryId']}"
    )


# --- workload identity ------------------------------------------------------------------------------


def test_bound_identity_reads_only_its_prefix(prod: Planned) -> None:
    read = prod.graph.one("gcp:storage/bucketIAMMember:BucketIAMMember")
    bucket = prod.graph.one("gcp:storage/bucket:Bucket").inputs["name"]
    assert read.inputs["role"] == "roles/storage.objectViewer"
    assert read.inputs["bucket"] == bucket
    expression = read.get("condition.expression")
    assert f'resource.name.startsWith("projects/_/buckets/{bucket}/objects/research/")' in expression
    assert 'objectListPrefix", "").startsWith("research/")' in expression


def test_bound_identity_trusts_exactly_one_kubernetes_service_account(prod: Planned) -> None:
    trust = prod.graph.one("gcp:serviceaccount/iAMMember:IAMMember")
    assert trust.inputs["role"] == "roles/iam.workloadIdentityUser"
    assert trust.inputs["member"] == "serviceAccount:acme-ai-prod.svc.id.goog[research/model-reader]"


def test_bound_identity_lives_under_the_caller_with_the_gcp_provider(prod: Planned) -> None:
    identity = prod.graph.one("lepton:gcp:WorkloadIdentity")
    assert identity.parent == prod.graph.one("test:k8s:Tenant").urn
    gcp_provider = next(
        p for p in prod.graph.of_type("pulumi:providers:gcp") if not p.name.endswith("-bootstrap")
    ).urn
    assert all(r.provider == gcp_provider for r in prod.graph.descendants(identity.urn))
    assert set(prod.bound.annotations) == {"iam.gke.io/gcp-service-account"}


# --- monitoring -------------------------------------------------------------------------------------


def test_alerts_notify_every_email(prod: Planned) -> None:
    channels = prod.graph.of_type("gcp:monitoring/notificationChannel:NotificationChannel")
    assert sorted(c.get("labels.email_address") for c in channels) == ["ml@acme.dev", "oncall@acme.dev"]
    policies = {p.name: p for p in prod.graph.of_type("gcp:monitoring/alertPolicy:AlertPolicy")}
    assert set(policies) == {
        "acme-ai-monitoring-node-not-ready",
        "acme-ai-monitoring-gpu-idle",
        "acme-ai-monitoring-gpu-pods-pending",
    }
    for policy in policies.values():
        assert len(policy.inputs["notificationChannels"]) == 2


def test_gpu_idle_alert_watches_duty_cycle_for_an_hour(prod: Planned) -> None:
    idle = prod.graph.one("gcp:monitoring/alertPolicy:AlertPolicy", "acme-ai-monitoring-gpu-idle")
    threshold = idle.get("conditions.0.conditionThreshold")
    assert "kubernetes.io/node/accelerator/duty_cycle" in threshold["filter"]
    assert 'cluster_name = "acme-ai-prod"' in threshold["filter"]
    assert (threshold["comparison"], threshold["thresholdValue"], threshold["duration"]) == (
        "COMPARISON_LT",
        10,
        "3600s",
    )


def test_budget_on_the_billing_account_with_thresholds(prod: Planned) -> None:
    budget = prod.graph.one("gcp:billing/budget:Budget")
    assert budget.inputs["billingAccount"] == "012345-6789AB-CDEF01"
    assert budget.get("amount.specifiedAmount") == {"currencyCode": "USD", "units": "50000"}
    assert [r["thresholdPercent"] for r in budget.inputs["thresholdRules"]] == [0.8, 1.0]
    assert budget.get("budgetFilter.projects") == [f"projects/{PROJECT_NUMBER}"]
    assert len(budget.get("allUpdatesRule.monitoringNotificationChannels")) == 2


def test_dev_without_budget_has_no_budget(dev: Planned) -> None:
    assert dev.graph.of_type("gcp:billing/budget:Budget") == []


# --- the handle and outputs -------------------------------------------------------------------------


def test_cluster_handle_facts(prod: Planned) -> None:
    handle = prod.handle
    assert handle.cloud == "gcp"
    assert handle.gpu.driver_installed and handle.gpu.device_plugin_installed
    assert handle.managed_autoscaler is True
    assert handle.kubernetes_version == "1.36"
    pools = [d for d in handle.workload_dependencies if isinstance(d, NodePool)]
    # pulumi.Resource keeps the resource name in `_name` (a component claims no `name` of its own).
    assert sorted(p._name for p in pools) == sorted(r.name for r in prod.graph.of_type("lepton:gcp:NodePool"))


def test_outputs_and_secret_kubeconfig(prod: Planned) -> None:
    outputs = prod.outputs
    assert set(outputs) == {
        "cluster_name",
        "cluster_endpoint",
        "kubeconfig",
        "model_bucket",
        "registry_url",
        "kms_key_id",
        "region",
        "project",
        "zones",
        "api_access",
        "quota_to_request",
    }
    assert outputs["kubeconfig"] == "[secret]"
    assert outputs["cluster_endpoint"] == "10.0.0.2"  # the private endpoint in prod
    assert (outputs["region"], outputs["project"]) == ("us-central1", "acme-ai-prod")
    k8s = prod.graph.one("pulumi:providers:kubernetes")
    assert k8s.inputs["kubeconfig"] == "[secret]"
