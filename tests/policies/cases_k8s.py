"""Kubernetes fixtures (cloud-agnostic) and the cross-cloud protection rule."""

from __future__ import annotations

import json

from tests.policies.cases_aws import AWS_PROVIDER, EKS
from tests.policies.harness import DELETE, Case, Res

CONTAINER = {
    "name": "server",
    "image": "ghcr.io/acme/sentiment:1.4",
    "resources": {
        "requests": {"cpu": "1", "memory": "4Gi", "nvidia.com/gpu": "1"},
        "limits": {"memory": "4Gi", "nvidia.com/gpu": "1"},
    },
    "securityContext": {
        "runAsNonRoot": True,
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    },
}
DEPLOYMENT = {
    "metadata": {"name": "sentiment", "namespace": "research"},
    "spec": {
        "replicas": 1,
        "selector": {"matchLabels": {"app": "sentiment"}},
        "template": {
            "metadata": {"labels": {"app": "sentiment"}},
            "spec": {"containers": [CONTAINER], "initContainers": [{**CONTAINER, "name": "fetch-model"}]},
        },
    },
}
DAEMONSET = {
    "metadata": {"name": "dcgm-exporter", "namespace": "gpu-operator"},
    "spec": {
        "selector": {"matchLabels": {"app": "dcgm"}},
        "template": {
            "metadata": {"labels": {"app": "dcgm"}},
            "spec": {
                "hostNetwork": True,
                "containers": [
                    {
                        **CONTAINER,
                        "name": "exporter",
                        "image": "nvcr.io/nvidia/k8s/dcgm-exporter:4.2.3-4.1.3-ubuntu22.04",
                        "securityContext": {"privileged": True},
                    }
                ],
            },
        },
    },
}
CRONJOB = {
    "metadata": {"name": "report", "namespace": "research"},
    "spec": {
        "schedule": "0 * * * *",
        "jobTemplate": {
            "spec": {
                "template": {
                    "spec": {"restartPolicy": "Never", "containers": [{**CONTAINER, "name": "report"}]}
                }
            }
        },
    },
}
NAMESPACE = {"metadata": {"name": "research", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}}
QUOTA = {
    "metadata": {"name": "research-quota", "namespace": "research"},
    "spec": {"hard": {"requests.nvidia.com/gpu": "16", "pods": "200"}},
}
DENY = {
    "metadata": {"name": "default-deny", "namespace": "research"},
    "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
}
C = "spec.template.spec.containers.0"


def tenant_resources() -> list[Res]:
    return [
        Res("kubernetes:core/v1:Namespace", "research", NAMESPACE),
        Res("kubernetes:core/v1:Namespace", "monitoring", {"metadata": {"name": "monitoring"}}),
        Res("kubernetes:core/v1:ResourceQuota", "research-quota", QUOTA, deps=["research"]),
        Res("kubernetes:networking.k8s.io/v1:NetworkPolicy", "research-deny", DENY, deps=["research"]),
    ]


# Kueue objects as the platform declares them (kubernetes/jobs/queues.py): a queue per tenant in one cohort.
CLUSTER_QUEUE = {
    "metadata": {"name": "research"},
    "spec": {
        "cohortName": "tenants",
        "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "research"}},
        "resourceGroups": [
            {
                "coveredResources": ["cpu", "memory", "nvidia.com/gpu"],
                "flavors": [
                    {
                        "name": "cpu",
                        "resources": [
                            {"name": "cpu", "nominalQuota": "64"},
                            {"name": "memory", "nominalQuota": "256Gi"},
                            {"name": "nvidia.com/gpu", "nominalQuota": 0},
                        ],
                    },
                    {
                        "name": "gpu-h100",
                        "resources": [
                            {"name": "cpu", "nominalQuota": "64"},
                            {"name": "memory", "nominalQuota": "256Gi"},
                            {"name": "nvidia.com/gpu", "nominalQuota": 8, "borrowingLimit": 8},
                        ],
                    },
                ],
            }
        ],
    },
}
LOCAL_QUEUE = {"metadata": {"name": "jobs", "namespace": "research"}, "spec": {"clusterQueue": "research"}}
KUEUE = "kubernetes:kueue.x-k8s.io/v1beta2"


ENGINE_CONTAINER = {
    **CONTAINER,
    "image": "docker.io/vllm/vllm-openai:v0.11.0@sha256:" + "0" * 64,
    "env": [
        {"name": "HF_HOME", "value": "/models/huggingface"},
        {"name": "HF_TOKEN", "valueFrom": {"secretKeyRef": {"name": "hub", "key": "token"}}},
    ],
    "resources": {
        "requests": {"cpu": "3", "memory": "12Gi", "nvidia.com/gpu": "1", "ephemeral-storage": "19Gi"},
        "limits": {"cpu": "3", "memory": "12Gi", "nvidia.com/gpu": "1", "ephemeral-storage": "19Gi"},
    },
}
ENGINE_DEPLOYMENT = {
    "metadata": {"name": "chat", "namespace": "serving"},
    "spec": {
        "replicas": 0,
        "selector": {"matchLabels": {"app": "chat"}},
        "template": {"metadata": {"labels": {"app": "chat"}}, "spec": {"containers": [ENGINE_CONTAINER]}},
    },
}


WAIT_FOR_WEIGHTS = {
    **CONTAINER,
    "name": "wait-for-weights",
    "image": ENGINE_CONTAINER["image"],
    "command": ["sh", "-c", "until [ -f /weights/.lepton-hydrated ]; do sleep 15; done"],
    "resources": {"requests": {"cpu": "50m", "memory": "64Mi"}, "limits": {"cpu": "50m", "memory": "64Mi"}},
}
ENGINE_WITH_WAIT = {
    **ENGINE_DEPLOYMENT,
    "spec": {
        **ENGINE_DEPLOYMENT["spec"],
        "template": {
            "metadata": {"labels": {"app": "chat"}},
            "spec": {"initContainers": [WAIT_FOR_WEIGHTS], "containers": [ENGINE_CONTAINER]},
        },
    },
}


def inference_cases() -> list[Case]:
    chat = [Res("kubernetes:apps/v1:Deployment", "chat", ENGINE_DEPLOYMENT)]
    return [
        Case(
            "lepton-k8s-no-plaintext-secret-env",
            chat,
            {
                "hub_token_literal": (f"chat:{C}.env.1", {"name": "HF_TOKEN", "value": "hf_abc"}),
                "cloud_key_literal": (
                    f"chat:{C}.env.0",
                    {"name": "AWS_SECRET_ACCESS_KEY", "value": "x"},
                ),
            },
        ),
        Case(
            "lepton-k8s-engine-resource-limits",
            chat,
            {
                "no_gpu_or_disk_limit": (f"chat:{C}.resources.limits", {"memory": "12Gi"}),
                "no_resources": (f"chat:{C}.resources", DELETE),
                "tag_only_image_no_limits": (
                    f"chat:{C}",
                    {**ENGINE_CONTAINER, "image": "vllm/vllm-openai:v0.11.0", "resources": {}},
                ),
            },
        ),
        # The engine's image running something else (a replica's wait for its weights) needs no GPU; the
        # same container starting the engine does.
        Case(
            "lepton-k8s-engine-resource-limits",
            [Res("kubernetes:apps/v1:Deployment", "chat", ENGINE_WITH_WAIT)],
            {
                "init_container_starts_the_engine": (
                    "chat:spec.template.spec.initContainers.0.command",
                    ["vllm", "serve", "Qwen/Qwen2.5-7B-Instruct"],
                ),
                "init_container_runs_the_entrypoint": (
                    "chat:spec.template.spec.initContainers.0.command",
                    DELETE,
                ),
            },
        ),
    ]


def job_queue_cases() -> list[Case]:
    queues = [
        *tenant_resources(),
        Res(f"{KUEUE}:ClusterQueue", "research-queue", CLUSTER_QUEUE),
        Res(f"{KUEUE}:LocalQueue", "research-jobs", LOCAL_QUEUE, deps=["research"]),
    ]
    return [
        Case(
            "lepton-k8s-tenant-local-queue",
            queues,
            {
                "no_local_queue": ("research-jobs:@drop", None),
            },
        ),
        # The namespace is found by name too (a LocalQueue that does not depend on the Namespace resource).
        Case(
            "lepton-k8s-tenant-local-queue",
            [*tenant_resources(), queues[-2], Res(f"{KUEUE}:LocalQueue", "by-name", LOCAL_QUEUE)],
            {
                "other_namespace": ("by-name:metadata.namespace", "serving"),
            },
        ),
        Case(
            "lepton-k8s-cluster-queue-cohort-limit",
            [Res(f"{KUEUE}:ClusterQueue", "research-queue", CLUSTER_QUEUE)],
            {
                "no_cohort": ("research-queue:spec.cohortName", DELETE),
                "no_borrowing_limit": (
                    "research-queue:spec.resourceGroups.0.flavors.1.resources.2.borrowingLimit",
                    DELETE,
                ),
            },
        ),
    ]


def cases() -> list[Case]:
    workloads = [
        Res("kubernetes:apps/v1:Deployment", "sentiment", DEPLOYMENT),
        Res("kubernetes:apps/v1:DaemonSet", "dcgm", DAEMONSET),
        Res("kubernetes:batch/v1:CronJob", "report", CRONJOB),
    ]
    return [
        Case(
            "lepton-k8s-no-privileged-containers",
            workloads,
            {
                "privileged_tenant_pod": (f"sentiment:{C}.securityContext.privileged", True),
                "sys_admin": (f"sentiment:{C}.securityContext.capabilities.add", ["SYS_ADMIN"]),
                "privileged_outside_system": ("dcgm:metadata.namespace", "research"),
                "privileged_cronjob": (
                    "report:spec.jobTemplate.spec.template.spec.containers.0.securityContext",
                    {"privileged": True},
                ),
            },
        ),
        Case(
            "lepton-k8s-no-host-namespaces",
            workloads,
            {
                "host_network": ("sentiment:spec.template.spec.hostNetwork", True),
                "host_pid": ("sentiment:spec.template.spec.hostPID", True),
                "host_network_in_default_namespace": ("dcgm:metadata.namespace", DELETE),
            },
        ),
        Case(
            "lepton-k8s-resources",
            workloads,
            {
                "no_resources": (f"sentiment:{C}.resources", DELETE),
                "no_memory_limit": (f"sentiment:{C}.resources.limits.memory", DELETE),
                "no_cpu_request": (f"sentiment:{C}.resources.requests.cpu", DELETE),
                "init_container_without": ("sentiment:spec.template.spec.initContainers.0.resources", {}),
            },
        ),
        Case(
            "lepton-k8s-no-latest-image",
            workloads,
            {
                "latest": (f"sentiment:{C}.image", "ghcr.io/acme/sentiment:latest"),
                "untagged": (f"sentiment:{C}.image", "ghcr.io/acme/sentiment"),
                "registry_port_untagged": (f"sentiment:{C}.image", "registry.local:5000/acme/sentiment"),
            },
        ),
        Case(
            "lepton-k8s-tenant-resource-quota",
            tenant_resources(),
            {
                "no_quota": ("research-quota:@drop", None),
            },
        ),
        Case(
            "lepton-k8s-tenant-default-deny",
            tenant_resources(),
            {
                "no_policy": ("research-deny:@drop", None),
                "selects_some_pods": ("research-deny:spec.podSelector", {"matchLabels": {"app": "x"}}),
                "allows_ingress": ("research-deny:spec.ingress", [{"from": [{"podSelector": {}}]}]),
                "egress_only": ("research-deny:spec.policyTypes", ["Egress"]),
            },
        ),
        Case(
            "lepton-k8s-tenant-resource-quota",
            [
                *tenant_resources(),
                Res(
                    "kubernetes:core/v1:Namespace",
                    "ingress",
                    {
                        "metadata": {
                            "name": "ingress-nginx",
                            "labels": {"pod-security.kubernetes.io/enforce": "privileged"},
                        }
                    },
                ),
            ],
            {
                "system_label_removed": ("ingress:metadata.labels", {}),
            },
        ),
        Case(
            "lepton-k8s-tenant-default-deny",
            [
                *tenant_resources(),
                Res("kubernetes:core/v1:Namespace", "cert-manager", {"metadata": {"name": "cert-manager"}}),
            ],
            {
                "not_listed_as_system": ("cert-manager:metadata.name", "cert-manager-2"),
            },
            config={"lepton-k8s-tenant-default-deny": {"systemNamespaces": ["cert-manager"]}},
        ),
        Case(
            "lepton-stateful-protected-in-prod",
            [
                Res("aws:eks/cluster:Cluster", "eks", EKS, protect=True, provider=dict(AWS_PROVIDER)),
                Res("gcp:storage/bucket:Bucket", "models", {"labels": {"environment": "prod"}}, protect=True),
                Res(
                    "aws:s3/bucket:Bucket",
                    "dev-bucket",
                    {},
                    provider={"defaultTags": json.dumps({"tags": {"environment": "dev"}})},
                ),
            ],
            {
                "cluster_unprotected": ("eks:@protect", False),
                "bucket_unprotected": ("models:@protect", False),
            },
        ),
        Case(
            "lepton-stateful-deletion-protection-in-prod",
            [
                Res(
                    "aws:eks/cluster:Cluster",
                    "eks",
                    {**EKS, "deletionProtection": True},
                    provider=dict(AWS_PROVIDER),
                ),
                Res("gcp:container/cluster:Cluster", "gke", {"resourceLabels": {"environment": "prod"}}),
                Res("aws:s3/bucket:Bucket", "models", {"tags": {"environment": "prod"}}),
                Res(
                    "aws:ecr/repository:Repository",
                    "images",
                    {"tags": {"environment": "prod"}, "forceDelete": False},
                ),
                Res(
                    "aws:s3/bucket:Bucket",
                    "dev-bucket",
                    {"forceDestroy": True, "tags": {"environment": "dev"}},
                ),
            ],
            {
                "eks_unguarded": ("eks:deletionProtection", DELETE),
                "gke_guard_off": ("gke:deletionProtection", False),
                "bucket_force_destroy": ("models:forceDestroy", True),
                "registry_force_delete": ("images:forceDelete", True),
            },
        ),
        Case(
            "lepton-stateful-protected-in-prod",
            [Res("aws:kms/key:Key", "key", {}, protect=False)],
            {},
            config={"lepton-stateful-protected-in-prod": {"environment": "dev"}},
        ),
        *job_queue_cases(),
        *inference_cases(),
    ]
