"""Fixtures for the hardening rules (rules/<cloud>/*.py, kubernetes/pod_security.py): each compliant as
the platforms build it in prod, and one field changed per violation."""

from __future__ import annotations

import json

from tests.policies.cases_aws import AWS_PROVIDER, EKS
from tests.policies.cases_azure import AKS, TAGS
from tests.policies.cases_gcp import CLUSTER, GPU_POOL, LABELS, NODE_CONFIG
from tests.policies.cases_k8s import CONTAINER, DEPLOYMENT, tenant_resources
from tests.policies.harness import DELETE, Case, Res

ACCOUNT = "123456789012"
ADMIN_POLICY = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
MODELS = "acme-ai-prod-models-123456789012"
TLS_ONLY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{MODELS}", f"arn:aws:s3:::{MODELS}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }
)
LOGS = "acme-ai-prod-access-logs-123456789012"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
LOG_DELIVERY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3ServerAccessLogDelivery",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{LOGS}/models/*",
                "Condition": {
                    "ArnLike": {"aws:SourceArn": [f"arn:aws:s3:::{MODELS}"]},
                    "StringEquals": {"aws:SourceAccount": ACCOUNT},
                },
            }
        ],
    }
)
HARDENED_CLUSTER = {
    **CLUSTER,
    "releaseChannel": {"channel": "REGULAR"},
    "enableIntranodeVisibility": True,
    "binaryAuthorization": {"evaluationMode": "PROJECT_SINGLETON_POLICY_ENFORCE"},
    "resourceLabels": LABELS,
}
HARDENED_POOL = {
    **GPU_POOL,
    "management": {"autoRepair": True, "autoUpgrade": True},
    "nodeConfig": {**NODE_CONFIG, "imageType": "COS_CONTAINERD"},
}
# GKE requires auto-repair off on a queued-provisioning pool (Dynamic Workload Scheduler docs).
QUEUED_POOL = {
    **HARDENED_POOL,
    "management": {"autoRepair": False, "autoUpgrade": True},
    "queuedProvisioning": {"enabled": True},
}
GCS_BUCKET = {
    "name": MODELS,
    "labels": LABELS,
    "logging": {"logBucket": "acme-ai-prod-logs"},
    "retentionPolicy": {"retentionPeriod": 86400},
}
# As gcp/artifacts.py builds them in prod: versioned, no usage logs, Data Access audit logs on the project.
MODEL_BUCKET = {"name": MODELS, "labels": LABELS, "versioning": {"enabled": True}}
DATA_ACCESS_LOGS = {
    "service": "storage.googleapis.com",
    "project": "acme-ai-prod",
    "auditLogConfigs": [{"logType": "DATA_READ"}, {"logType": "DATA_WRITE"}],
}
BINAUTHZ_POLICY = {
    "project": "acme-ai-prod",
    "globalPolicyEvaluationMode": "ENABLE",
    "admissionWhitelistPatterns": [
        {"namePattern": "quay.io/prometheus/prometheus*"},
        {"namePattern": "us-central1-docker.pkg.dev/acme/images/**"},
    ],
    "defaultAdmissionRule": {
        "evaluationMode": "ALWAYS_DENY",
        "enforcementMode": "ENFORCED_BLOCK_AND_AUDIT_LOG",
    },
}
HARDENED_AKS = {
    **AKS,
    "enableRBAC": True,
    "aadProfile": {"managed": True, "enableAzureRBAC": True},
    "autoUpgradeProfile": {"upgradeChannel": "patch", "nodeOSUpgradeChannel": "NodeImage"},
    "sku": {"name": "Base", "tier": "Standard"},
    "addonProfiles": {"azurepolicy": {"enabled": True}},
    "securityProfile": {
        **AKS["securityProfile"],
        "defender": {
            "logAnalyticsWorkspaceResourceId": "/subscriptions/0/resourceGroups/acme/providers/"
            "Microsoft.OperationalInsights/workspaces/acme",
            "securityMonitoring": {"enabled": True},
        },
    },
}
DIGEST = "ghcr.io/acme/sentiment@sha256:" + "a" * 64
PINNED = {
    **DEPLOYMENT,
    "spec": {
        **DEPLOYMENT["spec"],
        "template": {
            **DEPLOYMENT["spec"]["template"],
            "spec": {"containers": [{**CONTAINER, "image": DIGEST, "imagePullPolicy": "IfNotPresent"}]},
        },
    },
}
C = "spec.template.spec.containers.0"
PROD = {"environment": "prod"}


def _aws_cases() -> list[Case]:
    bucket = Res("aws:s3/bucket:Bucket", "models", {"bucket": MODELS}, protect=True)
    return [
        Case(
            "lepton-aws-eks-supported-version",
            [Res("aws:eks/cluster:Cluster", "eks", EKS)],
            {
                "unset": ("eks:version", DELETE),
                "past_extended_support": ("eks:version", "1.31"),
                "not_a_version": ("eks:version", "latest"),
            },
        ),
        Case(
            "lepton-aws-eks-supported-version",
            [Res("aws:eks/cluster:Cluster", "eks", {**EKS, "version": "1.29"})],
            {"below_configured_floor": ("eks:version", "1.27")},
            config={"lepton-aws-eks-supported-version": {"oldestSupported": "1.28"}},
        ),
        Case(
            "lepton-aws-eks-access-entry-hygiene",
            [
                Res(
                    "aws:eks/accessEntry:AccessEntry",
                    "admin",
                    {
                        "clusterName": "acme-ai-prod",
                        "type": "STANDARD",
                        "principalArn": f"arn:aws:iam::{ACCOUNT}:role/platform-admins",
                    },
                ),
                Res(
                    "aws:eks/accessEntry:AccessEntry",
                    "research",
                    {
                        "clusterName": "acme-ai-prod",
                        "type": "STANDARD",
                        "kubernetesGroups": ["research-admins"],
                        "principalArn": f"arn:aws:iam::{ACCOUNT}:role/research-admins",
                    },
                ),
                Res(
                    "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
                    "admin-policy",
                    {
                        "clusterName": "acme-ai-prod",
                        "policyArn": ADMIN_POLICY,
                        "accessScope": {"type": "cluster"},
                        "principalArn": f"arn:aws:iam::{ACCOUNT}:role/platform-admins",
                    },
                ),
            ],
            {
                "system_masters": ("research:kubernetesGroups", ["research-admins", "system:masters"]),
                "admin_to_account_root": ("admin-policy:principalArn", f"arn:aws:iam::{ACCOUNT}:root"),
                "admin_to_wildcard_role": ("admin-policy:principalArn", f"arn:aws:iam::{ACCOUNT}:role/*"),
            },
        ),
        Case(
            "lepton-aws-vpc-cni-network-policy",
            [
                Res("aws:eks/cluster:Cluster", "eks", EKS),
                Res(
                    "aws:eks/addon:Addon",
                    "vpc-cni",
                    {
                        "addonName": "vpc-cni",
                        "clusterName": "acme-ai-prod",
                        "configurationValues": '{"enableNetworkPolicy": "true"}',
                    },
                ),
            ],
            {
                "not_enabled": ("vpc-cni:configurationValues", '{"enableNetworkPolicy": "false"}'),
                "no_configuration": ("vpc-cni:configurationValues", DELETE),
                "self_managed_cni": ("vpc-cni:@drop", None),
            },
        ),
        Case(
            "lepton-aws-s3-tls-only",
            [
                bucket,
                Res(
                    "aws:s3/bucketPolicy:BucketPolicy",
                    "tls",
                    {"bucket": MODELS, "policy": TLS_ONLY},
                    deps=["models"],
                ),
            ],
            {
                "no_policy": ("tls:@drop", None),
                "allow_not_deny": ("tls:policy", TLS_ONLY.replace('"Deny"', '"Allow"')),
                "condition_true": (
                    "tls:policy",
                    TLS_ONLY.replace('"aws:SecureTransport": "false"', '"aws:SecureTransport": "true"'),
                ),
            },
        ),
        Case(
            "lepton-aws-s3-access-logs",
            [
                bucket,
                Res("aws:s3/bucket:Bucket", "logs", {"bucket": LOGS}),
                Res(
                    "aws:s3/bucketLogging:BucketLogging",
                    "models-logging",
                    {"bucket": MODELS, "targetBucket": LOGS, "targetPrefix": "models/"},
                    deps=["models", "logs"],
                ),
                Res(
                    "aws:s3/bucketPolicy:BucketPolicy",
                    "delivery",
                    {"bucket": LOGS, "policy": LOG_DELIVERY},
                    deps=["logs"],
                ),
            ],
            {
                "no_logging": ("models-logging:@drop", None),
                "no_delivery_policy": ("delivery:@drop", None),
                "delivery_without_source_account": (
                    "delivery:policy",
                    LOG_DELIVERY.replace("aws:SourceAccount", "aws:SourceOrgID"),
                ),
                "delivery_denied": ("delivery:policy", LOG_DELIVERY.replace('"Allow"', '"Deny"')),
                "log_bucket_logs_to_itself": ("models-logging:bucket", LOGS),
            },
        ),
        Case(
            "lepton-aws-s3-cmk",
            [
                bucket,
                Res("aws:s3/bucket:Bucket", "logs", {"bucket": LOGS}),
                Res(
                    "aws:s3/bucketLogging:BucketLogging",
                    "models-logging",
                    {"bucket": MODELS, "targetBucket": LOGS, "targetPrefix": "models/"},
                    deps=["models", "logs"],
                ),
                Res(
                    SSE,
                    "models-sse",
                    {
                        "bucket": MODELS,
                        "rules": [
                            {
                                "applyServerSideEncryptionByDefault": {
                                    "sseAlgorithm": "aws:kms",
                                    "kmsMasterKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1",
                                }
                            }
                        ],
                    },
                    deps=["models"],
                ),
                Res(
                    SSE,
                    "logs-sse",
                    {
                        "bucket": LOGS,
                        "rules": [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}],
                    },
                    deps=["logs"],
                ),
            ],
            {
                "log_target_unencrypted": ("logs-sse:@drop", None),
                "log_target_sse_kms": (
                    "logs-sse:rules.0.applyServerSideEncryptionByDefault.sseAlgorithm",
                    "aws:kms",
                ),
                "source_sse_s3": (
                    "models-sse:rules.0.applyServerSideEncryptionByDefault.sseAlgorithm",
                    "AES256",
                ),
            },
        ),
        Case(
            "lepton-aws-log-retention-prod",
            [
                Res(
                    "aws:cloudwatch/logGroup:LogGroup",
                    "logs",
                    {"name": "/aws/eks/acme-ai-prod/cluster", "retentionInDays": 365},
                    provider=dict(AWS_PROVIDER),
                )
            ],
            {
                "ninety_days": ("logs:retentionInDays", 90),
                "thirty_days_dev_value": ("logs:retentionInDays", 30),
            },
        ),
        Case(
            "lepton-aws-log-groups-precreated",
            [
                Res(
                    "aws:eks/cluster:Cluster",
                    "eks",
                    {**EKS, "name": "acme-ai-prod", "enabledClusterLogTypes": ["api", "audit"]},
                ),
                Res(
                    "aws:eks/addon:Addon",
                    "insights",
                    {"addonName": "amazon-cloudwatch-observability", "clusterName": "acme-ai-prod"},
                ),
                *[
                    Res(
                        "aws:cloudwatch/logGroup:LogGroup",
                        f"insights-{k}",
                        {"name": f"/aws/containerinsights/acme-ai-prod/{k}", "retentionInDays": 365},
                    )
                    for k in ("application", "dataplane", "host", "performance")
                ],
                Res(
                    "aws:cloudwatch/logGroup:LogGroup",
                    "cluster-logs",
                    {"name": "/aws/eks/acme-ai-prod/cluster", "retentionInDays": 365},
                ),
                Res(
                    "aws:cloudwatch/logGroup:LogGroup",
                    "flow-logs",
                    {"name": "/aws/vpc/acme-ai-prod/flow-logs", "retentionInDays": 365},
                ),
                Res(
                    "aws:ec2/flowLog:FlowLog",
                    "flow",
                    {"logDestinationType": "cloud-watch-logs", "trafficType": "ALL", "vpcId": "vpc-1"},
                    deps=["flow-logs"],
                ),
            ],
            {
                "control_plane_group_missing": ("cluster-logs:@drop", None),
                "control_plane_group_misnamed": ("cluster-logs:name", "/aws/eks/acme-ai-prod/logs"),
                "insights_group_missing": ("insights-host:@drop", None),
                "flow_log_destination_outside": ("flow-logs:@drop", None),
            },
        ),
        Case(
            "lepton-aws-log-retention-accepted",
            [
                Res(
                    "aws:cloudwatch/logGroup:LogGroup",
                    "logs",
                    {"name": "/aws/containerinsights/acme-ai-prod/application", "retentionInDays": 14},
                )
            ],
            {
                "fifteen_days": ("logs:retentionInDays", 15),
                "three_sixty_days": ("logs:retentionInDays", 360),
            },
        ),
    ]


def _gcp_cases() -> list[Case]:
    return [
        Case(
            "lepton-gcp-gke-release-channel",
            [Res("gcp:container/cluster:Cluster", "gke", HARDENED_CLUSTER)],
            {
                "unspecified": ("gke:releaseChannel.channel", "UNSPECIFIED"),
                "unset": ("gke:releaseChannel", DELETE),
            },
        ),
        Case(
            "lepton-gcp-node-auto-repair-upgrade",
            [
                Res("gcp:container/nodePool:NodePool", "gpu", HARDENED_POOL),
                Res("gcp:container/nodePool:NodePool", "queued", QUEUED_POOL),
            ],
            {
                "no_auto_repair": ("gpu:management.autoRepair", False),
                "queued_no_auto_upgrade": ("queued:management.autoUpgrade", False),
                "auto_repair_off_without_queued_provisioning": ("queued:queuedProvisioning.enabled", False),
                "no_auto_upgrade": ("gpu:management.autoUpgrade", False),
                "no_management": ("gpu:management", DELETE),
            },
        ),
        Case(
            "lepton-gcp-node-image-cos",
            [
                Res("gcp:container/nodePool:NodePool", "gpu", HARDENED_POOL),
                Res("gcp:container/cluster:Cluster", "gke", HARDENED_CLUSTER),
            ],
            {
                "ubuntu": ("gpu:nodeConfig.imageType", "UBUNTU_CONTAINERD"),
                "unset": ("gpu:nodeConfig.imageType", DELETE),
                "default_pool_kept": ("gke:removeDefaultNodePool", False),
            },
        ),
        Case(
            "lepton-gcp-gke-binary-authorization",
            [Res("gcp:container/cluster:Cluster", "gke", HARDENED_CLUSTER)],
            {
                "disabled": ("gke:binaryAuthorization.evaluationMode", "DISABLED"),
                "unset": ("gke:binaryAuthorization", DELETE),
            },
        ),
        Case(
            "lepton-gcp-gke-intranode-visibility",
            [
                Res("gcp:container/cluster:Cluster", "gke", HARDENED_CLUSTER),
                Res(
                    "gcp:container/cluster:Cluster",
                    "gke-dev",
                    {
                        **HARDENED_CLUSTER,
                        "resourceLabels": {**LABELS, "environment": "dev"},
                        "enableIntranodeVisibility": False,
                    },
                ),
            ],
            {
                "off": ("gke:enableIntranodeVisibility", False),
                "unset": ("gke:enableIntranodeVisibility", DELETE),
                "dev_becomes_prod": ("gke-dev:resourceLabels.environment", "prod"),
            },
        ),
        Case(
            "lepton-gcp-bucket-access-logs",
            [Res("gcp:storage/bucket:Bucket", "models", GCS_BUCKET)],
            {
                "no_logging": ("models:logging", DELETE),
            },
            config={"lepton-gcp-bucket-access-logs": PROD},
        ),
        Case(
            "lepton-gcp-bucket-access-logs",
            [
                Res("gcp:storage/bucket:Bucket", "models", MODEL_BUCKET),
                Res("gcp:projects/iAMAuditConfig:IAMAuditConfig", "audit", DATA_ACCESS_LOGS),
            ],
            {
                "no_audit_config": ("audit:@drop", None),
                "reads_only": ("audit:auditLogConfigs", [{"logType": "DATA_READ"}]),
                "another_service": ("audit:service", "container.googleapis.com"),
                "someone_exempted": (
                    "audit:auditLogConfigs",
                    [
                        {"logType": "DATA_READ", "exemptedMembers": ["user:ops@acme.dev"]},
                        {"logType": "DATA_WRITE"},
                    ],
                ),
            },
            config={"lepton-gcp-bucket-access-logs": PROD},
        ),
        Case(
            "lepton-gcp-binary-authorization-deny-by-default",
            [Res("gcp:binaryauthorization/policy:Policy", "binauthz", BINAUTHZ_POLICY)],
            {
                "dry_run": ("binauthz:defaultAdmissionRule.enforcementMode", "DRYRUN_AUDIT_LOG_ONLY"),
                "allow_all": ("binauthz:defaultAdmissionRule.evaluationMode", "ALWAYS_ALLOW"),
                "whole_registry": ("binauthz:admissionWhitelistPatterns.0.namePattern", "quay.io/**"),
                "everything": ("binauthz:admissionWhitelistPatterns.0.namePattern", "*"),
            },
            config={"lepton-gcp-binary-authorization-deny-by-default": PROD},
        ),
        Case(
            "lepton-gcp-bucket-protection",
            [
                Res(
                    "gcp:storage/bucket:Bucket",
                    "models",
                    {
                        **MODEL_BUCKET,
                        "uniformBucketLevelAccess": True,
                        "publicAccessPrevention": "enforced",
                        "versioning": {"enabled": False},
                        "retentionPolicy": {"retentionPeriod": "2592000"},
                    },
                )
            ],
            {
                "neither_versioned_nor_retained": ("models:retentionPolicy", DELETE),
            },
        ),
        Case(
            "lepton-gcp-bucket-retention",
            [Res("gcp:storage/bucket:Bucket", "models", GCS_BUCKET)],
            {
                "no_retention": ("models:retentionPolicy", DELETE),
            },
        ),
        Case(
            "lepton-gcp-bucket-retention",
            [
                Res(
                    "gcp:storage/bucket:Bucket",
                    "models",
                    {**GCS_BUCKET, "retentionPolicy": None, "versioning": {"enabled": True}},
                )
            ],
            {
                "versioning_off": ("models:versioning.enabled", False),
            },
        ),
    ]


def _azure_cases() -> list[Case]:
    aks = [Res("azure-native:containerservice:ManagedCluster", "aks", HARDENED_AKS)]
    return [
        Case(
            "lepton-azure-storage-tls-only",
            [
                Res(
                    "azure-native:storage:StorageAccount",
                    "sa",
                    {"enableHttpsTrafficOnly": True, "minimumTlsVersion": "TLS1_2", "tags": TAGS},
                )
            ],
            {
                "http_allowed": ("sa:enableHttpsTrafficOnly", False),
                "tls_1_0": ("sa:minimumTlsVersion", "TLS1_0"),
                "tls_unset": ("sa:minimumTlsVersion", DELETE),
            },
        ),
        Case(
            "lepton-azure-aks-azure-rbac",
            aks,
            {
                "rbac_off": ("aks:enableRBAC", False),
                "no_entra": ("aks:aadProfile", DELETE),
                "kubernetes_rbac_only": ("aks:aadProfile.enableAzureRBAC", False),
            },
        ),
        Case(
            "lepton-azure-aks-upgrade-channel",
            aks,
            {
                "none": ("aks:autoUpgradeProfile.upgradeChannel", "none"),
                "unset": ("aks:autoUpgradeProfile", DELETE),
            },
        ),
        Case(
            "lepton-azure-aks-standard-tier-prod",
            aks,
            {
                "free_in_prod": ("aks:sku.tier", "Free"),
                "unset_in_prod": ("aks:sku", DELETE),
            },
        ),
        Case(
            "lepton-azure-aks-standard-tier-prod",
            [
                Res(
                    "azure-native:containerservice:ManagedCluster",
                    "dev",
                    {
                        **HARDENED_AKS,
                        "tags": {**TAGS, "environment": "dev"},
                        "sku": {"name": "Base", "tier": "Free"},
                    },
                )
            ],
            {
                "dev_becomes_prod": ("dev:tags.environment", "prod"),
            },
        ),
        Case(
            "lepton-azure-aks-azure-policy",
            aks,
            {
                "off": ("aks:addonProfiles.azurepolicy.enabled", False),
                "unset": ("aks:addonProfiles", DELETE),
            },
        ),
        Case(
            "lepton-azure-aks-defender",
            aks,
            {
                "unset": ("aks:securityProfile.defender", DELETE),
            },
        ),
        Case(
            "lepton-azure-log-retention-prod",
            [
                Res(
                    "azure-native:operationalinsights:Workspace",
                    "ws",
                    {"tags": TAGS, "sku": {"name": "PerGB2018"}, "retentionInDays": 365},
                )
            ],
            {
                "thirty_days": ("ws:retentionInDays", 30),
            },
        ),
    ]


def _k8s_cases() -> list[Case]:
    workloads = [Res("kubernetes:apps/v1:Deployment", "sentiment", DEPLOYMENT)]
    return [
        Case(
            "lepton-k8s-run-as-non-root",
            workloads,
            {
                "not_set": (f"sentiment:{C}.securityContext.runAsNonRoot", DELETE),
                "false": (f"sentiment:{C}.securityContext.runAsNonRoot", False),
                "uid_zero": (f"sentiment:{C}.securityContext.runAsUser", 0),
                "init_container_root": ("sentiment:spec.template.spec.initContainers.0.securityContext", {}),
            },
        ),
        Case(
            "lepton-k8s-run-as-non-root",
            [
                Res(
                    "kubernetes:apps/v1:Deployment",
                    "pod-level",
                    {
                        **DEPLOYMENT,
                        "spec": {
                            **DEPLOYMENT["spec"],
                            "template": {
                                "spec": {
                                    "securityContext": {"runAsNonRoot": True, "runAsUser": 10001},
                                    "containers": [
                                        {**CONTAINER, "securityContext": {"readOnlyRootFilesystem": True}}
                                    ],
                                }
                            },
                        },
                    },
                )
            ],
            {
                "pod_level_removed": ("pod-level:spec.template.spec.securityContext", {}),
            },
        ),
        Case(
            "lepton-k8s-read-only-root-filesystem",
            workloads,
            {
                "writable": (f"sentiment:{C}.securityContext.readOnlyRootFilesystem", False),
                "no_context": (f"sentiment:{C}.securityContext", DELETE),
            },
        ),
        Case(
            "lepton-k8s-drop-all-capabilities",
            workloads,
            {
                "drops_some": (f"sentiment:{C}.securityContext.capabilities.drop", ["NET_RAW"]),
                "no_capabilities": (f"sentiment:{C}.securityContext.capabilities", DELETE),
                "escalation_allowed": (f"sentiment:{C}.securityContext.allowPrivilegeEscalation", True),
            },
        ),
        Case(
            "lepton-k8s-seccomp-runtime-default",
            [
                Res(
                    "kubernetes:apps/v1:Deployment",
                    "sentiment",
                    {
                        **DEPLOYMENT,
                        "spec": {
                            **DEPLOYMENT["spec"],
                            "template": {
                                **DEPLOYMENT["spec"]["template"],
                                "spec": {
                                    **DEPLOYMENT["spec"]["template"]["spec"],
                                    "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                                },
                            },
                        },
                    },
                )
            ],
            {
                "unset": ("sentiment:spec.template.spec.securityContext", {}),
                "unconfined": (
                    "sentiment:spec.template.spec.securityContext.seccompProfile.type",
                    "Unconfined",
                ),
                "container_unconfined": (
                    f"sentiment:{C}.securityContext.seccompProfile",
                    {"type": "Unconfined"},
                ),
            },
        ),
        Case(
            "lepton-k8s-tenant-pod-security-labels",
            tenant_resources(),
            {
                "no_label": ("research:metadata.labels", {}),
                "warn_only": ("research:metadata.labels", {"pod-security.kubernetes.io/warn": "restricted"}),
            },
        ),
        Case(
            "lepton-k8s-image-digest-in-prod",
            [Res("kubernetes:apps/v1:Deployment", "sentiment", PINNED)],
            {
                "tag_in_prod": (f"sentiment:{C}.image", "ghcr.io/acme/sentiment:1.4"),
            },
            config={"lepton-k8s-image-digest-in-prod": PROD},
        ),
        Case(
            "lepton-k8s-image-digest-in-prod",
            [Res("kubernetes:apps/v1:Deployment", "sentiment", DEPLOYMENT)],
            {},
            config={"lepton-k8s-image-digest-in-prod": {"environment": "dev"}},
        ),
    ]


def cases() -> list[Case]:
    return [*_aws_cases(), *_gcp_cases(), *_azure_cases(), *_k8s_cases()]
