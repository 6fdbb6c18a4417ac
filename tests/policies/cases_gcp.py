"""GCP fixtures: each compliant as the GCP platform builds it, and one field changed per violation."""

from __future__ import annotations

import json

from tests.policies.harness import DELETE, Case, Res

KEY = "projects/acme-ai-prod/locations/us-central1/keyRings/acme-ai/cryptoKeys/platform"
NODE_SA = "acme-ai-nodes@acme-ai-prod.iam.gserviceaccount.com"
LABELS = {"environment": "prod", "team": "ml-platform", "cost-center": "1234"}
GCP_PROVIDER = {"project": "acme-ai-prod", "region": "us-central1", "defaultLabels": json.dumps(LABELS)}

CLUSTER = {
    "location": "us-central1",
    "removeDefaultNodePool": True,
    "initialNodeCount": 1,
    "databaseEncryption": {"state": "ENCRYPTED", "keyName": KEY},
    "privateClusterConfig": {
        "enablePrivateNodes": True,
        "enablePrivateEndpoint": True,
        "masterIpv4CidrBlock": "172.16.0.0/28",
    },
    "masterAuthorizedNetworksConfig": {"cidrBlocks": []},
    "workloadIdentityConfig": {"workloadPool": "acme-ai-prod.svc.id.goog"},
    "enableShieldedNodes": True,
    "deletionProtection": True,
    "datapathProvider": "ADVANCED_DATAPATH",
}
DEV_CLUSTER = {
    **CLUSTER,
    "privateClusterConfig": {"enablePrivateNodes": True, "enablePrivateEndpoint": False},
    "masterAuthorizedNetworksConfig": {
        "cidrBlocks": [{"cidrBlock": "203.0.113.0/24", "displayName": "office"}]
    },
}
NODE_CONFIG = {
    "machineType": "g2-standard-8",
    "serviceAccount": NODE_SA,
    "bootDiskKmsKey": KEY,
    "spot": True,
    "guestAccelerators": [
        {"type": "nvidia-l4", "count": 1, "gpuDriverInstallationConfig": {"gpuDriverVersion": "LATEST"}}
    ],
    "workloadMetadataConfig": {"mode": "GKE_METADATA"},
    "shieldedInstanceConfig": {"enableSecureBoot": True, "enableIntegrityMonitoring": True},
}
GPU_POOL = {
    "cluster": "acme-ai-prod",
    "location": "us-central1",
    "nodeConfig": NODE_CONFIG,
    "autoscaling": {"totalMinNodeCount": 0, "totalMaxNodeCount": 16},
}


def cases() -> list[Case]:
    return [
        Case(
            "lepton-gcp-gke-secrets-encryption",
            [Res("gcp:container/cluster:Cluster", "gke", CLUSTER)],
            {
                "decrypted": ("gke:databaseEncryption.state", "DECRYPTED"),
                "no_block": ("gke:databaseEncryption", DELETE),
                "no_key": ("gke:databaseEncryption.keyName", DELETE),
            },
        ),
        Case(
            "lepton-gcp-gke-private-nodes",
            [Res("gcp:container/cluster:Cluster", "gke", CLUSTER)],
            {
                "public_nodes": ("gke:privateClusterConfig.enablePrivateNodes", False),
                "no_private_config": ("gke:privateClusterConfig", DELETE),
            },
        ),
        Case(
            "lepton-gcp-gke-endpoint-not-public",
            [Res("gcp:container/cluster:Cluster", "gke-dev", DEV_CLUSTER)],
            {
                "world_network": (
                    "gke-dev:masterAuthorizedNetworksConfig.cidrBlocks.0.cidrBlock",
                    "0.0.0.0/0",
                ),
                "no_authorized_networks": ("gke-dev:masterAuthorizedNetworksConfig", DELETE),
                "all_google_ips": (
                    "gke-dev:masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled",
                    True,
                ),
                "empty_list": ("gke-dev:masterAuthorizedNetworksConfig.cidrBlocks", []),
            },
        ),
        Case(
            "lepton-gcp-gke-network-policy-enforced",
            [Res("gcp:container/cluster:Cluster", "gke", CLUSTER)],
            {
                "legacy_datapath": ("gke:datapathProvider", "LEGACY_DATAPATH"),
                "default_datapath": ("gke:datapathProvider", DELETE),
            },
        ),
        Case(
            "lepton-gcp-gke-network-policy-enforced",
            [
                Res(
                    "gcp:container/cluster:Cluster",
                    "gke-calico",
                    {**CLUSTER, "datapathProvider": "LEGACY_DATAPATH", "networkPolicy": {"enabled": True}},
                )
            ],
            {
                "calico_off": ("gke-calico:networkPolicy.enabled", False),
            },
        ),
        Case(
            "lepton-gcp-gke-legacy-auth-off",
            [Res("gcp:container/cluster:Cluster", "gke", CLUSTER)],
            {
                "legacy_abac": ("gke:enableLegacyAbac", True),
                "client_certificate": (
                    "gke:masterAuth",
                    {"clientCertificateConfig": {"issueClientCertificate": True}},
                ),
            },
        ),
        Case(
            "lepton-gcp-node-boot-disk-cmk",
            [
                Res("gcp:container/cluster:Cluster", "gke", CLUSTER),
                Res("gcp:container/nodePool:NodePool", "l4", GPU_POOL),
            ],
            {
                "no_kms_key": ("l4:nodeConfig.bootDiskKmsKey", DELETE),
                "default_pool_kept": ("gke:removeDefaultNodePool", False),
            },
        ),
        Case(
            "lepton-gcp-gke-metadata-server",
            [
                Res("gcp:container/cluster:Cluster", "gke", CLUSTER),
                Res("gcp:container/nodePool:NodePool", "l4", GPU_POOL),
            ],
            {
                "gce_metadata": ("l4:nodeConfig.workloadMetadataConfig.mode", "GCE_METADATA"),
                "unset": ("l4:nodeConfig.workloadMetadataConfig", DELETE),
                "no_workload_identity": ("gke:workloadIdentityConfig", DELETE),
            },
        ),
        Case(
            "lepton-gcp-gke-shielded-nodes",
            [
                Res("gcp:container/cluster:Cluster", "gke", CLUSTER),
                Res("gcp:container/nodePool:NodePool", "l4", GPU_POOL),
            ],
            {
                "no_secure_boot": ("l4:nodeConfig.shieldedInstanceConfig.enableSecureBoot", False),
                "no_shielded_config": ("l4:nodeConfig.shieldedInstanceConfig", DELETE),
                "integrity_off": ("l4:nodeConfig.shieldedInstanceConfig.enableIntegrityMonitoring", False),
                "cluster_unshielded": ("gke:enableShieldedNodes", False),
            },
        ),
        Case(
            "lepton-gcp-node-service-account",
            [Res("gcp:container/nodePool:NodePool", "l4", GPU_POOL)],
            {
                "default_sa": (
                    "l4:nodeConfig.serviceAccount",
                    "123456789-compute@developer.gserviceaccount.com",
                ),
                "unset": ("l4:nodeConfig.serviceAccount", DELETE),
            },
        ),
        Case(
            "lepton-gcp-node-pool-autoscaling",
            [Res("gcp:container/nodePool:NodePool", "l4", GPU_POOL)],
            {
                "no_autoscaling": ("l4:autoscaling", DELETE),
                "max_zero": ("l4:autoscaling.totalMaxNodeCount", 0),
                "min_above_max": ("l4:autoscaling.totalMinNodeCount", 20),
            },
        ),
        Case(
            "lepton-gcp-spot-gpu-min-zero",
            [Res("gcp:container/nodePool:NodePool", "l4", GPU_POOL)],
            {
                "min_two": ("l4:autoscaling.totalMinNodeCount", 2),
            },
        ),
        Case(
            "lepton-gcp-kms-key-rotation",
            [
                Res(
                    "gcp:kms/cryptoKey:CryptoKey",
                    "key",
                    {
                        "keyRing": "projects/acme-ai-prod/locations/us-central1/keyRings/acme-ai",
                        "rotationPeriod": "7776000s",
                    },
                )
            ],
            {
                "yearly": ("key:rotationPeriod", "31536000s"),
                "never": ("key:rotationPeriod", DELETE),
            },
        ),
        Case(
            "lepton-gcp-no-world-ingress",
            [
                Res(
                    "gcp:compute/firewall:Firewall",
                    "fw",
                    {
                        "network": "vpc",
                        "direction": "INGRESS",
                        "sourceRanges": ["172.16.0.0/28"],
                        "allows": [{"protocol": "tcp", "ports": ["443", "8443", "10250"]}],
                    },
                ),
                Res(
                    "gcp:compute/firewall:Firewall",
                    "web",
                    {
                        "network": "vpc",
                        "sourceRanges": ["0.0.0.0/0"],
                        "allows": [{"protocol": "tcp", "ports": ["443"]}],
                    },
                ),
            ],
            {
                "webhooks_from_world": ("fw:sourceRanges", ["0.0.0.0/0"]),
                "ssh_from_world": ("web:allows.0.ports", ["22"]),
                "all_ports_from_world": ("web:allows.0.ports", DELETE),
                "no_source_means_world": ("fw:sourceRanges", DELETE),
            },
        ),
        Case(
            "lepton-gcp-subnet-flow-logs",
            [
                Res(
                    "gcp:compute/subnetwork:Subnetwork",
                    "subnet",
                    {
                        "ipCidrRange": "10.40.0.0/20",
                        "privateIpGoogleAccess": True,
                        "logConfig": {"aggregationInterval": "INTERVAL_5_SEC", "flowSampling": 0.5},
                    },
                )
            ],
            {
                "no_log_config": ("subnet:logConfig", DELETE),
            },
        ),
        Case(
            "lepton-gcp-no-primitive-roles-for-service-accounts",
            [
                Res(
                    "gcp:projects/iAMMember:IAMMember",
                    "log-writer",
                    {
                        "project": "acme-ai-prod",
                        "role": "roles/logging.logWriter",
                        "member": f"serviceAccount:{NODE_SA}",
                    },
                ),
                Res(
                    "gcp:projects/iAMBinding:IAMBinding",
                    "viewers",
                    {"project": "acme-ai-prod", "role": "roles/viewer", "members": ["group:ml@acme.dev"]},
                ),
                Res(
                    "gcp:projects/iAMPolicy:IAMPolicy",
                    "policy",
                    {
                        "project": "acme-ai-prod",
                        "policyData": json.dumps(
                            {"bindings": [{"role": "roles/owner", "members": ["user:admin@acme.dev"]}]}
                        ),
                    },
                ),
            ],
            {
                "editor_to_sa": ("log-writer:role", "roles/editor"),
                "binding_with_sa": ("viewers:members", ["group:ml@acme.dev", f"serviceAccount:{NODE_SA}"]),
                "policy_owner_sa": (
                    "policy:policyData",
                    json.dumps(
                        {"bindings": [{"role": "roles/owner", "members": [f"serviceAccount:{NODE_SA}"]}]}
                    ),
                ),
            },
        ),
        Case(
            "lepton-gcp-bucket-cmk",
            [
                Res(
                    "gcp:storage/bucket:Bucket",
                    "models",
                    {"location": "US-CENTRAL1", "encryption": {"defaultKmsKeyName": KEY}},
                )
            ],
            {
                "google_managed": ("models:encryption", DELETE),
            },
        ),
        Case(
            "lepton-gcp-bucket-protection",
            [
                Res(
                    "gcp:storage/bucket:Bucket",
                    "models",
                    {
                        "location": "US-CENTRAL1",
                        "versioning": {"enabled": True},
                        "uniformBucketLevelAccess": True,
                        "publicAccessPrevention": "enforced",
                    },
                )
            ],
            {
                "unversioned": ("models:versioning.enabled", False),
                "acls": ("models:uniformBucketLevelAccess", False),
                "public_inherited": ("models:publicAccessPrevention", "inherited"),
            },
        ),
        Case(
            "lepton-gcp-artifact-registry-cmk",
            [
                Res(
                    "gcp:artifactregistry/repository:Repository",
                    "images",
                    {"format": "DOCKER", "kmsKeyName": KEY},
                )
            ],
            {"no_key": ("images:kmsKeyName", DELETE)},
        ),
        Case(
            "lepton-gcp-artifact-registry-hygiene",
            [
                Res(
                    "gcp:artifactregistry/repository:Repository",
                    "images",
                    {"format": "DOCKER", "dockerConfig": {"immutableTags": True}},
                )
            ],
            {
                "mutable": ("images:dockerConfig.immutableTags", False),
                "unset": ("images:dockerConfig", DELETE),
                "scanning_disabled": ("images:vulnerabilityScanningConfig", {"enablementConfig": "DISABLED"}),
            },
        ),
        Case(
            "lepton-gcp-required-labels",
            [
                Res("gcp:storage/bucket:Bucket", "models", {"location": "US"}, provider=dict(GCP_PROVIDER)),
                Res(
                    "gcp:container/cluster:Cluster",
                    "gke",
                    {**CLUSTER, "resourceLabels": LABELS},
                    provider={"project": "acme-ai-prod"},
                ),
            ],
            {
                "no_default_labels": ("models:@provider.defaultLabels", DELETE),
                "cluster_labels_incomplete": ("gke:resourceLabels", {"environment": "prod"}),
            },
        ),
        *_filestore_cases(),
    ]


FILESTORE = {
    "location": "us-central1-a",
    "tier": "ZONAL",
    "kmsKeyName": KEY,
    "fileShares": {
        "name": "shared",
        "capacityGb": 1024,
        "nfsExportOptions": [
            {"ipRanges": ["10.50.128.0/18"], "accessMode": "READ_WRITE", "squashMode": "NO_ROOT_SQUASH"}
        ],
    },
    "networks": [{"network": "acme-train-vpc", "modes": ["MODE_IPV4"], "connectMode": "DIRECT_PEERING"}],
}


def _filestore_cases() -> list[Case]:
    """A tenant's instance as gcp/filesystem.py creates it."""
    instance = [Res("gcp:filestore/instance:Instance", "research", FILESTORE)]
    return [
        Case("lepton-gcp-filestore-cmk", instance, {"no_key": ("research:kmsKeyName", DELETE)}),
        Case(
            "lepton-gcp-filestore-private",
            instance,
            {
                "no_export_options": ("research:fileShares.nfsExportOptions", DELETE),
                "empty_export_options": ("research:fileShares.nfsExportOptions", []),
                "no_ranges": ("research:fileShares.nfsExportOptions.0.ipRanges", DELETE),
                "world": ("research:fileShares.nfsExportOptions.0.ipRanges", ["0.0.0.0/0"]),
                "public_range": (
                    "research:fileShares.nfsExportOptions.0.ipRanges",
                    ["10.50.128.0/18", "8.8.8.0/24"],
                ),
            },
        ),
    ]
